"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives.

reviewq's smtplib client talks to it over TCP through REVIEWQ_SMTP_URL. It can
require AUTH (user/password), offer STARTTLS, or speak TLS from the first byte
(smtps) with a throwaway certificate authority the tests trust; `refuse(code)`
answers the next RCPT with that code.
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "mailer", "p@ss:word/1"


@dataclass
class Inbox:
    messages: list = field(default_factory=list)
    refusals: list = field(default_factory=list)
    logins: list = field(default_factory=list)
    tls: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, code: int) -> None:
        with self.lock:
            self.refusals.append(code)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            code = self.refusals.pop(0) if self.refusals else None
        if code:
            return f"{code} refused for the test"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "msg": msg,
                                  "tls": server.transport.get_extra_info("ssl_object") is not None})
        return "250 Message accepted"


def _authenticator(inbox):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
            and auth_data.password.decode() == PASSWORD
        with inbox.lock:
            inbox.logins.append(ok)
        return AuthResult(success=ok)
    return check


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA); returns (cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self, *, auth=False, starttls_cert=None, smtps_cert=None):
        self.inbox = Inbox()
        kw = {}
        if auth:
            kw.update(authenticator=_authenticator(self.inbox), auth_require_tls=starttls_cert is not None)
        if starttls_cert:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*starttls_cert)
            kw["tls_context"] = ctx
        server_ssl = None
        if smtps_cert:
            server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_ssl.load_cert_chain(*smtps_cert)
        self._port = _free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self._port, ssl_context=server_ssl,
                                     server_hostname="127.0.0.1", **kw)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self) -> int:
        return self._port

    def url(self, scheme="smtp", user=None, password=None) -> str:
        from urllib.parse import quote
        cred = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
        return f"{scheme}://{cred}127.0.0.1:{self.port}"
