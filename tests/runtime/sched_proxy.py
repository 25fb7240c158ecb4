"""A loopback HTTP proxy in front of moto_server's Scheduler for the
schedule tests: it records every request and, by rule, loses the answer of
the first CreateSchedule of a name (the request reaches moto, the client
sees the connection close), or answers a throttling or quota error."""
import http.client
import http.server
import json
import threading
from urllib.parse import urlparse


class Proxy:
    def __init__(self, upstream):
        self.up = urlparse(upstream)
        self.requests = []       # (method, path, body text)
        self.lose_once = set()   # names whose first create answer is lost
        self.throttle = set()    # names always answered 429 ThrottlingException
        self.quota = set()       # names answered 402 ServiceQuotaExceededException
        proxy = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                path = self.path
                name = path.split("?")[0].rsplit("/", 1)[-1]
                proxy.requests.append((self.command, path, body.decode()))
                if name in proxy.throttle or name in proxy.quota:
                    t = "ThrottlingException" if name in proxy.throttle else "ServiceQuotaExceededException"
                    data = json.dumps({"Message": "injected by the test proxy"}).encode()
                    self.send_response(429 if name in proxy.throttle else 402)
                    self.send_header("x-amzn-ErrorType", t)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                c = http.client.HTTPConnection(proxy.up.hostname, proxy.up.port, timeout=30)
                hdrs = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                hdrs["Host"] = self.headers.get("Host", "")
                c.request(self.command, path, body=body, headers=hdrs)
                r = c.getresponse()
                data = r.read()
                c.close()
                if self.command == "POST" and name in proxy.lose_once:
                    proxy.lose_once.discard(name)
                    self.close_connection = True
                    return  # moto made it; the client never hears
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
