"""A loopback stand-in for SQS's SendMessageBatch and SendMessage in the AWS
JSON 1.0 protocol (what the AWS SDKs and cloudcron-dispatch speak), for the
dispatcher's volume tests and benchmark: moto's SQS manages about 70
messages a second on this machine. It checks what SQS checks of such a
request (target, content type, a SigV4 Authorization for service sqs, the
queue URL, 1 to 10 entries with distinct Ids, a MessageGroupId on a FIFO
queue and a MessageDeduplicationId unless the queue has content-based
deduplication), keeps every accepted message, and can be told to fail:

  fail_call(n)   -> None, or (status, error type) for the n-th call (from 1):
                    the whole call is refused and nothing is kept
  fail_entry(i, entry) -> None, or (code, sender_fault) for entry i of a
                    call: that entry is listed as Failed and not kept
  delay          seconds each call waits before answering

A FIFO queue drops a message whose MessageDeduplicationId it accepted in
the last five minutes, as SQS does (counted in deduplicated); a standard
queue keeps every copy, so the tests see duplicates."""
import hashlib
import http.server
import json
import re
import threading
import time
import uuid

AUTH = re.compile(r"^AWS4-HMAC-SHA256 Credential=[^/]+/\d{8}/[a-z0-9-]+/sqs/aws4_request, "
                  r"SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$")


class StandIn:
    def __init__(self, queue_url, fifo=None):
        self.queue_url = queue_url
        self.fifo = queue_url.endswith(".fifo") if fifo is None else fifo
        self.lock = threading.Lock()
        self.messages = []      # (body dict, entry) in the order accepted
        self.calls = 0
        self.failed_calls = 0
        self.failed_entries = 0
        self.deduplicated = 0
        self.errors = []        # protocol mistakes the client made
        self.fail_call = lambda n: None
        self.fail_entry = lambda i, entry: None
        self.delay = 0.0
        self._dedup = {}
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each answer waits for a delayed ACK

            def log_message(self, *a):
                pass

            def _answer(self, status, obj, error_type=None):
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
                if error_type:
                    self.send_header("x-amzn-query-error", f"{error_type};Sender")
                self.send_header("Content-Length", str(len(body)))
                try:
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client is gone (the kill test kills it)

            def _refuse(self, status, error_type, message):
                with standin.lock:
                    if status == 400 and "Throttl" not in error_type:
                        standin.errors.append(f"{error_type}: {message}")
                self._answer(status, {"__type": f"com.amazonaws.sqs#{error_type}",
                                      "message": message}, error_type)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(n)
                target = self.headers.get("X-Amz-Target", "")
                with standin.lock:
                    standin.calls += 1
                    call = standin.calls
                if standin.delay:
                    time.sleep(standin.delay)
                if self.headers.get("Content-Type") != "application/x-amz-json-1.0":
                    return self._refuse(400, "InvalidParameterValue", "content type")
                if not AUTH.match(self.headers.get("Authorization", "")):
                    return self._refuse(403, "IncompleteSignature", "no SigV4 for sqs")
                try:
                    req = json.loads(raw)
                except ValueError:
                    return self._refuse(400, "SerializationException", "body is not JSON")
                if req.get("QueueUrl") != standin.queue_url:
                    return self._refuse(400, "QueueDoesNotExist", "unknown queue")
                if target == "AmazonSQS.SendMessage":
                    entries = [dict(req, Id="single")]
                elif target == "AmazonSQS.SendMessageBatch":
                    entries = req.get("Entries") or []
                else:
                    return self._refuse(400, "UnknownOperationException", target)
                if not 1 <= len(entries) <= 10:
                    return self._refuse(400, "TooManyEntriesInBatchRequest", str(len(entries)))
                if len({e.get("Id") for e in entries}) != len(entries):
                    return self._refuse(400, "BatchEntryIdsNotDistinct", "ids")
                injected = standin.fail_call(call)
                if injected:
                    with standin.lock:
                        standin.failed_calls += 1
                    status, etype = injected
                    return self._answer(status, {"__type": f"com.amazonaws.sqs#{etype}",
                                                 "message": "injected"}, etype)
                ok, failed = [], []
                now = time.time()
                for i, e in enumerate(entries):
                    if self.fifo_problem(e):
                        failed.append({"Id": e["Id"], "SenderFault": True,
                                       "Code": "MissingParameter", "Message": self.fifo_problem(e)})
                        with standin.lock:
                            standin.errors.append(self.fifo_problem(e))
                        continue
                    inj = standin.fail_entry(i, e)
                    if inj:
                        code, fault = inj
                        failed.append({"Id": e["Id"], "SenderFault": fault, "Code": code,
                                       "Message": "injected"})
                        with standin.lock:
                            standin.failed_entries += 1
                        continue
                    body = e.get("MessageBody", "")
                    mid = str(uuid.uuid4())
                    with standin.lock:
                        dd = e.get("MessageDeduplicationId")
                        if standin.fifo and dd in standin._dedup and now - standin._dedup[dd] < 300:
                            standin.deduplicated += 1
                        else:
                            if standin.fifo:
                                standin._dedup[dd] = now
                            try:
                                standin.messages.append((json.loads(body), e))
                            except ValueError:
                                standin.errors.append("a body that is not JSON")
                    ok.append({"Id": e["Id"], "MessageId": mid,
                               "MD5OfMessageBody": hashlib.md5(body.encode()).hexdigest()})
                if target == "AmazonSQS.SendMessage":
                    if failed:
                        return self._refuse(400, failed[0]["Code"], failed[0]["Message"])
                    return self._answer(200, {"MessageId": ok[0]["MessageId"],
                                              "MD5OfMessageBody": ok[0]["MD5OfMessageBody"]})
                out = {"Successful": ok}
                if failed:
                    out["Failed"] = failed
                self._answer(200, out)

            def fifo_problem(self, e):
                if not standin.fifo:
                    return None
                if not e.get("MessageGroupId"):
                    return "a FIFO queue needs MessageGroupId"
                if not e.get("MessageDeduplicationId"):
                    return "a FIFO queue without content-based dedup needs MessageDeduplicationId"
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def bodies(self):
        with self.lock:
            return [m for m, _ in self.messages]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
