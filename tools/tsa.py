"""A time-stamping authority on 127.0.0.1 for tests: RFC 3161 over HTTP,
answered by pyHanko's test time stamper with the given certificate and key.

    python tools/tsa.py TSA.pem TSA.key CA.pem

prints the port it listens on, then serves until killed. The path asks
for a behaviour: `/` answers as a TSA should; `/refuse` rejects the
request; `/foreign` stamps other data than was sent; `/no-nonce` leaves
the nonce out; `/slow` answers after ten seconds; `/html` answers with a
web page.
"""

import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import tsp
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper


def main():
    cert, key, ca = sys.argv[1:4]
    tsa_cert = load_cert_from_pemder(cert)
    tsa_key = load_private_key_from_pemder(key, passphrase=None)
    ca_cert = load_cert_from_pemder(ca)
    with_nonce = DummyTimeStamper(tsa_cert, tsa_key, certs_to_embed=[ca_cert])
    without_nonce = DummyTimeStamper(
        tsa_cert, tsa_key, certs_to_embed=[ca_cert], include_nonce=False
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = tsp.TimeStampReq.load(body)
            if self.path == "/slow":
                time.sleep(10)
            if self.path == "/html":
                return self.answer(b"<html>not a TSA</html>", "text/html")
            if self.path == "/refuse":
                status = tsp.PKIStatusInfo(
                    {"status": "rejection", "status_string": ["policy not accepted"]}
                )
                # TimeStampResp ::= SEQUENCE { status, timeStampToken OPTIONAL }
                inner = status.dump()
                return self.answer(bytes([0x30, len(inner)]) + inner)
            if self.path == "/foreign":
                imprint = request["message_imprint"]
                request = tsp.TimeStampReq(
                    {
                        "version": 1,
                        "message_imprint": tsp.MessageImprint(
                            {
                                "hash_algorithm": imprint["hash_algorithm"],
                                "hashed_message": bytes(32),
                            }
                        ),
                        "nonce": request["nonce"],
                        "cert_req": True,
                    }
                )
            stamper = without_nonce if self.path == "/no-nonce" else with_nonce
            if self.path == "/no-nonce":
                request = tsp.TimeStampReq(
                    {
                        "version": 1,
                        "message_imprint": request["message_imprint"],
                        "cert_req": True,
                    }
                )
            self.answer(stamper.request_tsa_response(request).dump())

        def answer(self, body, kind="application/timestamp-reply"):
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
