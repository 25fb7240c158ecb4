"""A loopback stand-in for SES v2 SendEmail (POST /v2/email/outbound-emails,
REST-JSON, SigV4 with the service name "ses"), for the e-mail handler's
tests: moto's SES v2 records only one part of a two-part message, this one
keeps every request whole. Real SES's error shape: the code in the
x-amzn-ErrorType header, a body holding only a message.

Faults, for the soak test: a policy function gets the parsed request and
returns "ok", "throttle" (429 TooManyRequestsException, nothing sent),
"5xx" (503 ServiceUnavailable, nothing sent), "reject" (400
MessageRejected) or ("stall", seconds) (the message IS sent, then the
answer comes late: what the client sees as a timeout is ambiguous).

Run: srv = SesStandin(); srv.url; srv.sent (list of request dicts with
"MessageId" added); srv.close()."""
import http.server
import json
import threading
import time
import uuid


class SesStandin:
    def __init__(self, policy=None):
        self.policy = policy or (lambda req: "ok")
        self.sent = []        # accepted requests, each with its "MessageId"
        self.requests = []    # (outcome, request) of every request
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK wait per answer

            def log_message(self, *a):
                pass

            def _answer(self, status, body, etype=None):
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    if etype:
                        self.send_header("x-amzn-ErrorType", etype)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (a stall): nothing to tell it

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                auth = self.headers.get("Authorization", "")
                if self.path != "/v2/email/outbound-emails" or not auth.startswith("AWS4-HMAC-SHA256 ") \
                        or "/ses/aws4_request" not in auth:
                    self._answer(403, {"message": f"bad request line or signature: {self.path} {auth[:60]}"},
                                 "AccessDeniedException:")
                    return
                try:
                    req = json.loads(raw)
                except ValueError:
                    self._answer(400, {"message": "body is not JSON"}, "BadRequestException:")
                    return
                outcome = outer.policy(req)
                with outer.lock:
                    outer.requests.append((outcome if isinstance(outcome, str) else outcome[0], req))
                if outcome == "throttle":
                    self._answer(429, {"message": "Maximum sending rate exceeded."}, "TooManyRequestsException:")
                elif outcome == "5xx":
                    self._answer(503, {"message": "Service unavailable"}, "ServiceUnavailable:")
                elif outcome == "reject":
                    self._answer(400, {"message": "Email address is not verified."}, "MessageRejected:")
                else:
                    mid = "0100" + uuid.uuid4().hex
                    with outer.lock:
                        outer.sent.append(dict(req, MessageId=mid))
                    if not isinstance(outcome, str):
                        time.sleep(outcome[1])
                    self._answer(200, {"MessageId": mid})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def parts(req):
    """(subject, text, html) of a SendEmail request (None for a missing part)."""
    simple = req["Content"]["Simple"]
    body = simple["Body"]
    return (simple["Subject"]["Data"], body.get("Text", {}).get("Data"), body.get("Html", {}).get("Data"))
