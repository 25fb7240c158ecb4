#!/usr/bin/env python3
"""cloudcron-print with its template from CLOUDCRON_TEMPLATE_URL: file://,
https:// (a loopback TLS server with a throwaway certificate, trusted through
AWS_CA_BUNDLE: redirects, size limit with and without Content-Length, time
limit, a retried 503, 404, a redirect to http://) and s3:// (moto_server:
GetObject signed, keys that need encoding, NoSuchKey, NoSuchBucket, size
limit). The template is fetched once per container: two invocations, one
fetch. Autoescape follows the URL's last part."""
import http.server
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN = os.path.join(os.environ["CC_BIN"], "cloudcron-print")
STD = "arn:aws:sqs:us-east-1:123456789012:print"
HTML = "<h1>{{ subject }}</h1>{{ host }}"
MSG = {"subject": "<Disk> & co", "vars": {"host": "db-1"}}
ESCAPED = "<h1>&lt;Disk&gt; &amp; co</h1>db-1"
RAW = "<h1><Disk> & co</h1>db-1"
LIMIT = 1 << 20
fails = []
cases = [0]
hits = {}


def event(rid="r1"):
    return la.Event(rid, json.dumps({"Records": [la.sqs_record("m0", json.dumps(MSG), STD)]}))


def ok(name, env, want_text, n_invocations=1):
    cases[0] += 1
    api, proc = la.run([BIN], la.base_env(**env), [event(f"r{i}") for i in range(n_invocations)])
    logs = la.log_lines(proc.stderr)
    got = [l.get("text") for l in logs if l.get("level") == "INFO"]
    if proc.returncode != 0 or got != [want_text] * n_invocations:
        fails.append(f"{name}: exit {proc.returncode}, texts {got}, want {[want_text] * n_invocations}; "
                     f"posts {api.posts}; {proc.stderr.decode()[-1500:]}")


def init_error(name, env, want):
    cases[0] += 1
    t0 = time.monotonic()
    api, proc = la.run([BIN], la.base_env(**env), [event()])
    took = time.monotonic() - t0
    got = api.posts.get("init/error")
    if proc.returncode != 1 or not got or want not in got[0].get("errorMessage", ""):
        fails.append(f"{name}: exit {proc.returncode}, init/error {got}, want {want!r}; "
                     f"{proc.stderr.decode()[-1500:]}")
    return took


class Site(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        hits[path] = hits.get(path, 0) + 1
        if path in ("/t/alert.html", "/t/alert.txt"):
            self._send(200, HTML.encode())
        elif path == "/exact":
            self._send(200, b"{# pad #}" + b"x" * (LIMIT - 9))
        elif path == "/big":
            self._send(200, b"x" * (LIMIT + 1))
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65536
            try:
                for _ in range(40):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
        elif path.startswith("/r/"):
            n = int(path[3:])
            self._send(302, headers=[("Location", f"/r/{n - 1}" if n > 1 else "/t/alert.html")])
        elif path == "/to-http":
            self._send(302, headers=[("Location", f"http://127.0.0.1:{self.server.server_address[1]}/t/alert.html")])
        elif path == "/slow":
            time.sleep(3)
            self._send(200, HTML.encode())
        elif path == "/flaky":
            self._send(503 if hits[path] == 1 else 200, b"busy" if hits[path] == 1 else HTML.encode())
        else:
            self._send(404, b"not found")


with tempfile.TemporaryDirectory() as tmp:
    # file://
    fpath = os.path.join(tmp, "alert.html")
    with open(fpath, "w") as f:
        f.write(HTML)
    ok("file:// .html", {"CLOUDCRON_TEMPLATE_URL": f"file://{fpath}"}, ESCAPED)
    ok("file:// with CLOUDCRON_TEMPLATE_NAME", {"CLOUDCRON_TEMPLATE_URL": f"file://{fpath}",
                                               "CLOUDCRON_TEMPLATE_NAME": "alert.txt"}, RAW)
    init_error("file:// too big", {"CLOUDCRON_TEMPLATE_URL": f"file://{fpath}",
                                   "CLOUDCRON_TEMPLATE_MAX_BYTES": "10"}, "larger than the limit of 10 bytes")
    with open(os.path.join(tmp, "bad.txt"), "w") as f:
        f.write("ok\n{{ subject | }}\n")
    init_error("file:// syntax error", {"CLOUDCRON_TEMPLATE_URL": f"file://{tmp}/bad.txt"}, "bad.txt:2:")

    # https:// on loopback with a throwaway certificate
    srv, base, cert = tlsserver.serve(Site, tmp)
    tls = {"AWS_CA_BUNDLE": cert}
    ok("https .html, fetched once for two invocations", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/t/alert.html?v=2"),
       ESCAPED, n_invocations=2)
    if hits.get("/t/alert.html") != 1:
        fails.append(f"https: {hits.get('/t/alert.html')} fetches for one container, want 1")
    ok("https .txt", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/t/alert.txt"), RAW)
    ok("https 3 redirects", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/r/3"), ESCAPED.replace(
        "&lt;Disk&gt; &amp; co", "<Disk> & co"))  # named by the URL given: "3", not .html
    init_error("https 4 redirects", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/r/4"), "more than 3 redirects")
    init_error("https redirect to http", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/to-http"),
               "redirected to a scheme other than https")
    ok("https exactly the limit", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/exact"), "x" * (LIMIT - 9))
    init_error("https over the limit", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/big"),
               f"larger than the limit of {LIMIT} bytes")
    init_error("https over the limit, chunked", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/big-chunked"),
               f"larger than the limit of {LIMIT} bytes")
    took = init_error("https time limit", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/slow",
                                               CLOUDCRON_TEMPLATE_TIMEOUT_MS="500"), "no answer within 500 ms")
    if took > 2.5:
        fails.append(f"https time limit: took {took:.1f} s for a 500 ms limit")
    ok("https 503 then 200 (retried)", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/flaky"), RAW)
    init_error("https 404", dict(tls, CLOUDCRON_TEMPLATE_URL=f"{base}/missing.txt"), "HTTP 404")
    init_error("https untrusted certificate", {"CLOUDCRON_TEMPLATE_URL": f"{base}/t/alert.txt"}, "certificate")
    srv.shutdown()

    # s3:// against moto_server
    with Moto() as moto:
        s3 = moto.client("s3")
        s3.create_bucket(Bucket="cloudcron-templates")
        s3.put_object(Bucket="cloudcron-templates", Key="alerts/disk full é.html", Body=HTML.encode())
        s3.put_object(Bucket="cloudcron-templates", Key="plain.txt", Body=HTML.encode())
        # A template that extends and includes others beside it, as generate uploads them.
        s3.put_object(Bucket="cloudcron-templates", Key="mail/order.html",
                      Body=b'{% extends "parts/base.html" %}{% block b %}{{ subject }}{% endblock %}')
        s3.put_object(Bucket="cloudcron-templates", Key="mail/parts/base.html",
                      Body=b'<h1>{% block b %}{% endblock %}</h1>{% include "parts/host.txt" %}')
        s3.put_object(Bucket="cloudcron-templates", Key="mail/parts/host.txt", Body=b"{{ host }}")
        s3.put_object(Bucket="cloudcron-templates", Key="mail/broken.html", Body=b'{% include "parts/nope.txt" %}')
        aws = {"AWS_ENDPOINT_URL": moto.url}
        ok("s3 key needing encoding, .html",
           dict(aws, CLOUDCRON_TEMPLATE_URL="s3://cloudcron-templates/alerts/disk full é.html"), ESCAPED)
        ok("s3 extends and include from the template's folder",
           dict(aws, CLOUDCRON_TEMPLATE_URL="s3://cloudcron-templates/mail/order.html"), ESCAPED)
        init_error("s3 include of a missing template", dict(aws, CLOUDCRON_TEMPLATE_URL="s3://cloudcron-templates/mail/broken.html"),
                   "template 'parts/nope.txt' not found")
        ok("s3 AWS_ENDPOINT_URL_S3", {"AWS_ENDPOINT_URL_S3": moto.url, "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                                      "CLOUDCRON_TEMPLATE_URL": "s3://cloudcron-templates/plain.txt"}, RAW)
        init_error("s3 NoSuchKey", dict(aws, CLOUDCRON_TEMPLATE_URL="s3://cloudcron-templates/nope.txt"),
                   "HTTP 404: NoSuchKey")
        init_error("s3 NoSuchBucket", dict(aws, CLOUDCRON_TEMPLATE_URL="s3://no-such-bucket/t.txt"),
                   "NoSuchBucket")
        init_error("s3 over the limit", dict(aws, CLOUDCRON_TEMPLATE_URL="s3://cloudcron-templates/plain.txt",
                                             CLOUDCRON_TEMPLATE_MAX_BYTES="10"), "larger than the limit of 10 bytes")
        init_error("s3 without a region", dict(aws, AWS_REGION="",
                                               CLOUDCRON_TEMPLATE_URL="s3://cloudcron-templates/plain.txt"),
                   "AWS_REGION is not set")

for f in fails:
    print("FAIL", f)
print(f"{cases[0]} cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
