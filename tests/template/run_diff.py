#!/usr/bin/env python3
"""Differential test: every case of cases*.txt through Python's Jinja2 (the
reference, computed live) and through our engine (one driver process for
all cases). Output must be byte-identical, and the engine must fail on
exactly the cases where Jinja2 raises, in the same phase: "compile" when
Jinja2's get_template raises (TemplateSyntaxError, TemplateAssertionError),
"render" when render() does.

cases*.txt: blocks that start with `=== NAME [strict]`; the template is the
text up to an optional `--- vars` line, which is followed by a JSON object.
More templates of the case (for include, import, extends) follow as
`--- file FILENAME` sections, before `--- vars`; every case has a loader
that finds them by name (Jinja2: a DictLoader; ours: a callback).
The newline that ends a block's template is not part of it; write `\\n` at
the very end of a template as `⏎` to keep a trailing newline, and a
carriage return as `␍` (templates with CRLF or CR line breaks). NAME is the
template name (its extension picks autoescape, as in select_autoescape);
`markdown` after it renders with CC_TPL_AUTOESCAPE_MARKDOWN, whose reference
is Jinja2 without autoescape and with a finalize that backslash-escapes
CommonMark's ASCII punctuation in every printed value not marked safe."""
import glob, json, os, shlex, subprocess, sys

import jinja2
import markupsafe

HERE = os.path.dirname(os.path.abspath(__file__))


def parse(path):
    cases, cur, part = [], None, None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("=== "):
            words = line[4:].split()
            cur = {"name": words[0], "strict": "strict" in words[1:], "markdown": "markdown" in words[1:],
                   "tpl": [], "vars": [], "files": {}}
            cases.append(cur)
            part = cur["tpl"]
        elif line == "--- vars" and cur is not None:
            part = cur["vars"]
        elif line.startswith("--- file ") and cur is not None:
            part = cur["files"].setdefault(line[len("--- file "):].strip(), [])
        elif cur is not None:
            part.append(line)
    out = []
    for c in cases:
        vs = "\n".join(c["vars"]).strip()
        out.append({"name": c["name"], "strict": c["strict"], "markdown": c["markdown"], "tpl": _text(c["tpl"]),
                    "files": {k: _text(v) for k, v in c["files"].items()}, "vars": json.loads(vs) if vs else {}})
    return out


def _text(lines):
    while lines and lines[-1] == "" and len(lines) > 1 and lines[-2] == "":
        lines.pop()
    if lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines).replace("⏎", "\n").replace("␍", "\r")


MD_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_finalize(v):
    """Every printed value not marked safe, as literal CommonMark text."""
    if v is None or isinstance(v, (markupsafe.Markup, jinja2.Undefined)):
        return v
    return "".join("\\" + ch if ch in MD_PUNCT else ch for ch in str(v))


def reference(c):
    extra = {"autoescape": False, "finalize": md_finalize} if c["markdown"] else {
        "autoescape": jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=False, default=False)}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined if c["strict"] else jinja2.Undefined, **extra)
    env.loader = jinja2.DictLoader(dict(c["files"], **{c["name"]: c["tpl"]}))
    try:
        t = env.get_template(c["name"])
    except Exception as e:  # any raise is an expected error
        return False, "compile", "%s: %s" % (type(e).__name__, e)
    try:
        return True, None, t.render(c["vars"])
    except Exception as e:
        return False, "render", "%s: %s" % (type(e).__name__, e)


def compare(cases, show_vars=True):
    """Runs CASES through our driver (one process) and Jinja2, prints each
    mismatch and a count; returns the exit status (0: none)."""
    driver = os.path.join(os.environ["CC_BIN"], "tpl_driver")
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [driver]
    inp = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    p = subprocess.run(cmd, input=inp.encode(), capture_output=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace"))
        print("driver exited with %d" % p.returncode)
        return 1
    # One answer per "\n" (splitlines would also split at U+2028, U+0085...).
    got = [json.loads(l) for l in p.stdout.decode().split("\n") if l]
    if len(got) != len(cases):
        print("driver answered %d of %d cases" % (len(got), len(cases)))
        return 1
    bad = 0
    for c, g in zip(cases, got):
        ok, phase, ref = reference(c)
        if ok != g["ok"] or (ok and ref != g["out"]) or (not ok and phase != g["phase"]):
            bad += 1
            print("MISMATCH %s%s\n  template: %r\n%s%s  jinja2: %s %r\n  ours:   %s %r" % (
                c["name"], " (strict)" if c["strict"] else "", c["tpl"],
                "".join("  file %s: %r\n" % kv for kv in c["files"].items()),
                "  vars: %s\n" % json.dumps(c["vars"]) if show_vars else "",
                "ok" if ok else "raises at " + phase, ref,
                "ok" if g["ok"] else "error at " + g["phase"], g.get("out", g.get("err"))))
    print("%d cases, %d mismatches" % (len(cases), bad))
    return 1 if bad else 0


def main():
    return compare([c for f in sorted(glob.glob(os.path.join(HERE, "cases*.txt"))) for c in parse(f)])


if __name__ == "__main__":
    sys.exit(main())
