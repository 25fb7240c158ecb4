#!/usr/bin/env python3
"""cloudcron-email's two parts, the real binary through a local Runtime API
(lambda_api.py) against the loopback SES v2 stand-in (ses_standin.py),
which keeps every SendEmail whole (moto records one part only). Read back:

- a .md template: the text part is the Markdown as Jinja2 renders it
  (values as they are), the HTML part is libcmark's rendering (loaded with
  ctypes: the library the handler links) of the same template rendered by
  Jinja2 with values escaped for CommonMark (finalize); the template's own
  raw HTML and javascript: link are left out, a value's markup shows as text;
- a .html template with a companion CLOUDCRON_TEXT_TEMPLATE: both as Jinja2
  renders them; without one: the text derived from the HTML, exactly;
- a text template: a text part only;
- a subject holding CR or LF (from CLOUDCRON_SUBJECT or the message's
  subject) fails the record with nothing sent;
- senders with display names as SES takes them (quoted, RFC 2047 encoded
  words decoded back with Python's email package), and init errors for a
  name with a line break and a text template beside a non-HTML one."""
import ctypes
import ctypes.util
import email.header
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "template"))
import lambda_api as la  # noqa: E402
from lambda_api import batch, failures, render_oracle, response  # noqa: E402
from run_diff import md_finalize  # noqa: E402
from ses_standin import SesStandin, parts  # noqa: E402

import jinja2  # noqa: E402

BIN = os.path.join(os.environ["CC_BIN"], "cloudcron-email")
STD = "arn:aws:sqs:us-east-1:123456789012:email"
SENDER = "cron@example.com"
report = la.Report()
fail = report.fail

_cmark = ctypes.CDLL(ctypes.util.find_library("cmark") or "libcmark.so")
_cmark.cmark_markdown_to_html.restype = ctypes.c_void_p
_cmark.cmark_markdown_to_html.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]


def cmark_html(md):
    """libcmark's HTML for md with the default (safe) options."""
    data = md.encode()
    p = _cmark.cmark_markdown_to_html(data, len(data), 0)
    try:
        return ctypes.string_at(p).decode()
    finally:
        _libc.free(p)


def md_oracle(template, msg, channel_vars=None):
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.md": template}), autoescape=False,
                             finalize=md_finalize)
    ctx = dict(channel_vars or {})
    ctx.update(msg.get("vars", {}))
    ctx["subject"], ctx["message"] = msg["subject"], msg
    return env.get_template("t.md").render(ctx)


def invoke(name, srv, env, bodies):
    """Runs the handler on one batch; returns (response, log lines, process,
    the requests SES accepted during the run)."""
    report.cases += 1
    before = len(srv.sent)
    full = dict({"AWS_ENDPOINT_URL_SESV2": srv.url, "CLOUDCRON_SENDER": SENDER,
                 "CLOUDCRON_RECIPIENTS": "alice@example.com"}, **env)
    api, proc = la.run([BIN], la.base_env(**full), [la.Event("r1", batch(STD, bodies))])
    if proc.returncode != 0 and "init/error" not in api.posts:
        fail(name, f"exit {proc.returncode}; stderr {proc.stderr.decode()[-2000:]}")
    return response(api, "r1"), la.log_lines(proc.stderr), (api, proc), srv.sent[before:]


srv = SesStandin()
try:
    # 1. Markdown: text part = the Markdown with raw values, HTML part = cmark
    # of the Markdown with escaped values
    name = "markdown"
    MD = ("# {{ subject }}\n\nHost **{{ host }}** at {{ pct }}%: {{ note }}\n\n"
          "{% for c in checks %}- {{ c }}\n{% endfor %}\n<script>alert('template')</script>\n\n"
          "[runbook]({{ url }}) [bad](javascript:alert(1))\n")
    msg = {"subject": "Disk *full* <now>", "vars": {"host": "db_1", "pct": 93.4,
                                                     "note": "<b>bold</b> & [link](http://x) `code`",
                                                     "checks": ["1. first", "# second", "> third"],
                                                     "url": "https://runbooks.example.com/disk?a=1&b=2"}}
    resp, logs, _, sent = invoke(name, srv, {"CLOUDCRON_TEMPLATE": MD, "CLOUDCRON_TEMPLATE_NAME": "alert.md"},
                                 [json.dumps(msg)])
    if resp != failures([]) or len(sent) != 1:
        fail(name, f"response {resp}, {len(sent)} sent; logs {logs}")
    else:
        subject, text, html = parts(sent[0])
        want_text = render_oracle(MD, "t.md", {}, msg)
        want_html = cmark_html(md_oracle(MD, msg))
        if (subject, text, html) != (msg["subject"], want_text, want_html):
            fail(name, f"sent {(subject, text, html)!r},\nwant {(msg['subject'], want_text, want_html)!r}")
        for bad in ("<script", "javascript:", "<b>bold"):
            if bad in html:
                fail(name, f"{bad!r} reached the HTML part: {html!r}")
        for good in ("<h1>Disk *full* &lt;now&gt;</h1>", "&lt;b&gt;bold&lt;/b&gt; &amp; [link](http://x)",
                     '<a href="https://runbooks.example.com/disk?a=1&amp;b=2">runbook</a>',
                     "<li>1. first</li>", "<!-- raw HTML omitted -->"):
            if good not in html:
                fail(name, f"{good!r} not in the HTML part: {html!r}")
        if "sent" not in [l.get("message") for l in logs] or \
                [l.get("parts") for l in logs if l.get("message") == "sent"] != ["text+html"]:
            fail(name, f"sent line {logs}")

    # 2. HTML with a companion text template: both as Jinja2 renders them
    name = "html + text template"
    HTML = "<h1>{{ subject }}</h1><p>{{ host }} & co</p>"
    TXT = "{{ subject }}\n{{ host }} & co <raw>"
    msg = {"subject": "Backup <ok>", "vars": {"host": "db-2 & <b>"}}
    resp, logs, _, sent = invoke(name, srv, {"CLOUDCRON_TEMPLATE": HTML, "CLOUDCRON_TEMPLATE_NAME": "a.html",
                                             "CLOUDCRON_TEXT_TEMPLATE": TXT,
                                             "CLOUDCRON_TEXT_TEMPLATE_NAME": "a.txt"}, [json.dumps(msg)])
    want = (msg["subject"], render_oracle(TXT, "a.txt", {}, msg), render_oracle(HTML, "a.html", {}, msg))
    if resp != failures([]) or [parts(s) for s in sent] != [want]:
        fail(name, f"response {resp}, sent {[parts(s) for s in sent]}, want {want}")

    # 3. HTML alone: the text part derived from it, exactly
    name = "html, derived text"
    HTML = ("<html><head><title>x</title><style>p {color: red}</style></head><body>"
            "<h1>{{ subject }}</h1>\n<p>Disk   at <b>93%</b>&nbsp;on {{ host }},\n  see "
            "<a href=\"https://runbooks.example.com/disk\">the runbook</a> or "
            "<a href=\"mailto:ops@example.com\">ops@example.com</a>.</p>"
            "<ul><li>one</li><li>two &amp; three</li></ul><table><tr><th>host</th><th>use</th></tr>"
            "<tr><td>db-1</td><td>93&#37;</td></tr></table><p>a<br>b<br/><br>c</p>"
            "<pre>  keep\n    this</pre><!-- hidden --><script>var x = '<p>no</p>';</script>&copy; &#x2713;</body></html>")
    msg = {"subject": "Disk & <co>", "vars": {"host": "db-1"}}
    resp, logs, _, sent = invoke(name, srv, {"CLOUDCRON_TEMPLATE": HTML, "CLOUDCRON_TEMPLATE_NAME": "a.html"},
                                 [json.dumps(msg)])
    want_text = ("Disk & <co>\n\nDisk at 93% on db-1, see the runbook (https://runbooks.example.com/disk) "
                 "or ops@example.com.\n\n- one\n- two & three\n\nhost\tuse\ndb-1\t93%\n\na\nb\n\nc\n\n"
                 "  keep\n    this\n\n\u00a9 \u2713")
    got = [parts(s) for s in sent]
    if resp != failures([]) or len(got) != 1 or got[0][1] != want_text or \
            got[0][2] != render_oracle(HTML, "a.html", {}, msg):
        fail(name, f"response {resp}, sent {got!r},\nwant text {want_text!r}")

    # 4. a text template: one text part
    name = "text only"
    resp, logs, _, sent = invoke(name, srv, {"CLOUDCRON_TEMPLATE": "{{ subject }} <ok>"},
                                 [json.dumps({"subject": "Plain"})])
    if resp != failures([]) or [parts(s) for s in sent] != [("Plain", "Plain <ok>", None)]:
        fail(name, f"response {resp}, sent {[parts(s) for s in sent]}")

    # 5. CR or LF in the subject: the record fails, nothing reaches SES
    name = "subject with CR/LF"
    resp, logs, _, sent = invoke(name, srv, {"CLOUDCRON_TEMPLATE": "x",
                                             "CLOUDCRON_SUBJECT": "{{ subject }}{{ extra|default('') }}"},
                                 [json.dumps({"subject": "ok"}),
                                  json.dumps({"subject": "a", "vars": {"extra": "\r\nBcc: x@evil.example"}}),
                                  json.dumps({"subject": "b", "vars": {"extra": "\nline"}})])
    errs = {l.get("message_id"): l["message"] for l in logs if l.get("level") == "ERROR"}
    if resp != failures(["m1", "m2"]) or [parts(s)[0] for s in sent] != ["ok"] or sorted(errs) != ["m1", "m2"] \
            or not all(e.startswith("the subject holds a line break (CR or LF)") for e in errs.values()):
        fail(name, f"response {resp}, sent {[parts(s) for s in sent]}, errors {errs}")
    name = "message subject with CR"
    resp, logs, _, sent = invoke(name, srv, {"CLOUDCRON_TEMPLATE": "x"},
                                 [json.dumps({"subject": "Disk\rBcc: x@evil.example"})])
    if resp != failures(["m0"]) or sent:
        fail(name, f"response {resp}, sent {sent}")

    # 6. display names: as SES takes them
    for sender, want in [("Cron Ops <cron@example.com>", "Cron Ops <cron@example.com>"),
                         ('"Ops, Cron" <cron@example.com>', '"Ops, Cron" <cron@example.com>'),
                         ('Ops "night" team <cron@example.com>', '"Ops \\"night\\" team" <cron@example.com>'),
                         ("  <cron@example.com> ", "cron@example.com"),
                         ("Zo\u00eb \u00c9quipe de nuit \u2713 " * 3 + "<cron@example.com>", None)]:
        name = f"sender {sender!r}"
        resp, logs, _, sent = invoke(name, srv, {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_SENDER": sender},
                                     [json.dumps({"subject": "s"})])
        got = sent[0]["FromEmailAddress"] if len(sent) == 1 else None
        if want is None and got:
            words = got[:got.rindex(" <")]
            decoded = str(email.header.make_header(email.header.decode_header(words)))
            ok = decoded == sender[:sender.rindex(" <")].strip() and got.endswith(" <cron@example.com>") \
                and all(len(w) <= 75 and w.startswith("=?UTF-8?B?") for w in words.split(" ")) and got.isascii()
        else:
            ok = got == want
        if resp != failures([]) or not ok:
            fail(name, f"response {resp}, FromEmailAddress {got!r}, want {want!r}")

    # 7. init errors
    for name, env, want in [
            ("sender name with LF", {"CLOUDCRON_SENDER": "Cron\nBcc: x@evil.example <cron@example.com>"},
             "the display name holds a control character"),
            ("sender without '>'", {"CLOUDCRON_SENDER": "Cron <cron@example.com"}, "a '<' without its '>'"),
            ("sender not ASCII", {"CLOUDCRON_SENDER": "cr\u00f6n@example.com"},
             "CLOUDCRON_SENDER must be an e-mail address or Name <address>"),
            ("text template beside text", {"CLOUDCRON_TEXT_TEMPLATE": "t"},
             "CLOUDCRON_TEXT_TEMPLATE is the text part of an HTML template"),
            ("text template syntax", {"CLOUDCRON_TEMPLATE_NAME": "a.html", "CLOUDCRON_TEXT_TEMPLATE": "{% if %}",
                                      "CLOUDCRON_TEXT_TEMPLATE_NAME": "a.txt"}, "a.txt:1:"),
            ("markdown syntax", {"CLOUDCRON_TEMPLATE": "{{ x", "CLOUDCRON_TEMPLATE_NAME": "a.md"}, "a.md:1:")]:
        env = dict({"CLOUDCRON_TEMPLATE": "x"}, **env)
        resp, logs, (api, proc), sent = invoke(name, srv, env, [json.dumps({"subject": "s"})])
        for problem in la.init_error_problems(api, proc, want):
            fail(name, problem)
finally:
    srv.close()

report.finish()
