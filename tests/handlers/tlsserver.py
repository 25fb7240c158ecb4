"""A loopback HTTPS server with a throwaway certificate, for the handler
tests: the handler trusts it through AWS_CA_BUNDLE."""
import http.server
import os
import ssl
import subprocess
import threading


class _Quiet(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client hanging up on purpose (a size limit) is expected


def serve(handler_cls, tmpdir):
    """Serves handler_cls on 127.0.0.1 over TLS with a certificate made in
    tmpdir. Returns (server, base URL, certificate path); call
    server.shutdown() when done."""
    cert, key = os.path.join(tmpdir, "cert.pem"), os.path.join(tmpdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    srv = _Quiet(("127.0.0.1", 0), handler_cls)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    return srv, f"https://127.0.0.1:{srv.server_address[1]}", cert
