"""The services of a test PKI on 127.0.0.1: a time-stamping authority
(RFC 3161, answered by pyHanko's test time stamper), an OCSP responder
(RFC 6960) and a CRL distribution point (RFC 5280), both answered with
`cryptography`'s builders and signed by the authority's key.

    python tools/pki.py DIR

prints the port it listens on, then serves until killed. DIR holds the
authority (`ca.pem`, `ca.key`), the certificates it issued (`*.pem`,
looked up by serial number) and `revoked.txt`, the certificates it has
revoked, one per line: the serial number in hexadecimal and, optionally,
the time of the revocation in Unix seconds (a minute ago when left out);
each is read on every request.

    POST /tsa/NAME[/BEHAVIOUR]  a token signed with NAME.pem and NAME.key
    POST /ocsp                  the status of the certificates asked for
    GET  /ca.crl                the authority's CRL, DER
    GET  /ca.cer                the authority's certificate, DER

A TSA's behaviour: none answers as a TSA should; `refuse` rejects the
request; `foreign` stamps other data than was sent; `no-nonce` leaves the
nonce out; `slow` answers after ten seconds; `html` answers with a page.
"""

import datetime
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper


class Authority:
    """The authority of DIR, read afresh for every request."""

    def __init__(self, folder):
        self.dir = Path(folder)

    def cert(self):
        return x509.load_pem_x509_certificate((self.dir / "ca.pem").read_bytes())

    def key(self):
        return serialization.load_pem_private_key(
            (self.dir / "ca.key").read_bytes(), password=None
        )

    def revoked(self):
        """Each revoked serial number, with the time of its revocation."""
        path = self.dir / "revoked.txt"
        if not path.exists():
            return {}
        a_minute_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(
            minutes=1
        )
        found = {}
        for line in path.read_text().splitlines():
            fields = line.split()
            if not fields:
                continue
            at = a_minute_ago
            if len(fields) > 1:
                at = datetime.datetime.fromtimestamp(int(fields[1]), datetime.timezone.utc)
            found[int(fields[0], 16)] = at
        return found

    def issued(self, serial):
        for path in self.dir.glob("*.pem"):
            try:
                cert = x509.load_pem_x509_certificate(path.read_bytes())
            except ValueError:
                continue
            if cert.serial_number == serial and path.name != "ca.pem":
                return cert
        return None

    def crl(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.cert().subject)
            .last_update(now - datetime.timedelta(minutes=1))
            .next_update(now + datetime.timedelta(days=7))
        )
        for serial, at in sorted(self.revoked().items()):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(at)
                .build()
            )
        return builder.sign(self.key(), hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )

    def ocsp(self, body):
        request = ocsp.load_der_ocsp_request(body)
        now = datetime.datetime.now(datetime.timezone.utc)
        ca = self.cert()
        cert = self.issued(request.serial_number)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        revoked = self.revoked().get(request.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert,
            issuer=ca,
            algorithm=request.hash_algorithm,
            cert_status=(
                ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD
            ),
            this_update=now - datetime.timedelta(minutes=1),
            next_update=now + datetime.timedelta(days=7),
            revocation_time=revoked,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, ca)
        return builder.sign(self.key(), hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )

    def stamper(self, name, nonce=True):
        return DummyTimeStamper(
            load_cert_from_pemder(str(self.dir / f"{name}.pem")),
            load_private_key_from_pemder(str(self.dir / f"{name}.key"), passphrase=None),
            certs_to_embed=[load_cert_from_pemder(str(self.dir / "ca.pem"))],
            include_nonce=nonce,
        )


def stamp(authority, name, behaviour, body):
    """A TSA's answer to `body`, and its MIME type."""
    request = tsp.TimeStampReq.load(body)
    if behaviour == "slow":
        time.sleep(10)
    if behaviour == "html":
        return b"<html>not a TSA</html>", "text/html"
    if behaviour == "refuse":
        status = tsp.PKIStatusInfo(
            {"status": "rejection", "status_string": ["policy not accepted"]}
        )
        # TimeStampResp ::= SEQUENCE { status, timeStampToken OPTIONAL }
        inner = status.dump()
        return bytes([0x30, len(inner)]) + inner, "application/timestamp-reply"
    if behaviour == "foreign":
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
    if behaviour == "no-nonce":
        request = tsp.TimeStampReq(
            {
                "version": 1,
                "message_imprint": request["message_imprint"],
                "cert_req": True,
            }
        )
    stamper = authority.stamper(name, nonce=behaviour != "no-nonce")
    return stamper.request_tsa_response(request).dump(), "application/timestamp-reply"


def main():
    authority = Authority(sys.argv[1])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            parts = [p for p in self.path.split("/") if p]
            if parts[:1] == ["tsa"] and len(parts) >= 2:
                behaviour = parts[2] if len(parts) > 2 else ""
                return self.answer(*stamp(authority, parts[1], behaviour, body))
            if parts == ["ocsp"]:
                return self.answer(authority.ocsp(body), "application/ocsp-response")
            self.send_error(404)

        def do_GET(self):
            if self.path == "/ca.crl":
                return self.answer(authority.crl(), "application/pkix-crl")
            if self.path == "/ca.cer":
                der = authority.cert().public_bytes(serialization.Encoding.DER)
                return self.answer(der, "application/pkix-cert")
            self.send_error(404)

        def answer(self, body, kind):
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
