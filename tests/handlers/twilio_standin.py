"""A loopback stand-in for Twilio's Messages API, for the SMS handler's
tests (there is no Twilio on the test machine). It implements the
documented contract of POST /2010-04-01/Accounts/{AccountSid}/Messages.json
for one account: HTTP basic auth with the account's SID and auth token,
form-encoded To, From and Body, 201 with the message's sid, 400/401/404
with a Twilio error object, 429 once for RATE_LIMITED. Serve it over TLS
with tlsserver.serve(FakeTwilio, tmpdir)."""
import base64
import http.server
import json
import threading
import urllib.parse
import uuid

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "tok-" + uuid.uuid4().hex  # unique, so a leak into any output is found
RATE_LIMITED = "+15550000429"  # answered 429 once, then 201
INVALID = "+15550000400"       # answered 400 (21211)


def credentials():
    """The secret's value: {"account_sid", "auth_token"} as JSON."""
    return json.dumps({"account_sid": SID, "auth_token": TOKEN})


class FakeTwilio(http.server.BaseHTTPRequestHandler):
    """Twilio's Messages resource as documented, for one account."""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall per answer
    lock = threading.Lock()
    sent = []          # (to, from, body, sid) of every message accepted
    requests = []      # (to, status) of every request
    limited = set()    # numbers already answered 429 once
    on_send = None     # called once, at the first message accepted

    def log_message(self, *a):
        pass

    def _answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status, code, message):
        self._answer(status, {"code": code, "message": message, "status": status,
                              "more_info": f"https://www.twilio.com/docs/errors/{code}"})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n).decode()
        form = urllib.parse.parse_qs(raw, keep_blank_values=True)
        to = (form.get("To") or [""])[0]
        want_auth = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        cls = FakeTwilio
        with cls.lock:
            if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                status = 404
                self._error(404, 20404, f"The requested resource {self.path} was not found")
            elif self.headers.get("Authorization") != want_auth:
                status = 401
                self._error(401, 20003, "Authenticate")
            elif self.headers.get("Content-Type") != "application/x-www-form-urlencoded" \
                    or sorted(form) != ["Body", "From", "To"] or any(len(v) != 1 for v in form.values()):
                status = 400
                self._error(400, 21602, f"Message body is required; got form {sorted(form)}")
            elif to == INVALID:
                status = 400
                self._error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
            elif to == RATE_LIMITED and to not in cls.limited:
                cls.limited.add(to)
                status = 429
                self._error(429, 20429, "Too Many Requests")
            else:
                status = 201
                sid = "SM" + uuid.uuid4().hex
                cls.sent.append((to, form["From"][0], form["Body"][0], sid))
                self._answer(201, {"sid": sid, "account_sid": SID, "to": to, "from": form["From"][0],
                                   "body": form["Body"][0], "status": "queued", "num_segments": "1"})
                if cls.on_send:
                    hook, cls.on_send = cls.on_send, None
                    hook()
            cls.requests.append((to, status))
