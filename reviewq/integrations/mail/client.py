"""Sending one e-mail over SMTP with the standard library: the only module that imports smtplib.

REVIEWQ_SMTP_URL `smtp://user:pass@host:port` connects in clear and upgrades with
STARTTLS whenever the server offers it (the certificate is verified);
`smtps://` speaks TLS from the first byte. User and password are
percent-decoded from the URL. Errors come back as MailError with `retryable`
set; nothing here logs addresses or bodies.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit



class MailError(Exception):
    def __init__(self, code: str, retryable: bool):
        super().__init__(code)
        self.code, self.retryable = code, retryable


def enabled(settings) -> bool:
    return bool(getattr(settings, "smtp_url", None))


def _connect(url: str, tls: ssl.SSLContext, timeout: float) -> smtplib.SMTP:
    parts = urlsplit(url)
    if parts.scheme == "smtps":
        conn = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=timeout, context=tls)
        conn.ehlo()
    else:
        conn = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=timeout)
        conn.ehlo()
        if conn.has_extn("starttls"):
            conn.starttls(context=tls)
            conn.ehlo()
    if parts.username:
        conn.login(unquote(parts.username), unquote(parts.password or ""))
    return conn


def send(settings, message: EmailMessage) -> None:
    """Send `message` (From, To, Subject set); raises MailError."""
    try:
        conn = _connect(settings.smtp_url, ssl.create_default_context(), settings.smtp_timeout)
        try:
            conn.send_message(message)
        finally:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
    except smtplib.SMTPRecipientsRefused as e:
        codes = [code for code, _ in e.recipients.values()]
        raise MailError(f"recipient refused ({codes[0] if codes else '?'})", retryable=_temporary(codes)) from None
    except smtplib.SMTPAuthenticationError as e:
        # Credentials can be fixed in the configuration: keep retrying with backoff until the attempts run out.
        raise MailError(f"authentication failed ({e.smtp_code})", retryable=True) from None
    except smtplib.SMTPResponseException as e:
        raise MailError(f"server answered {e.smtp_code}", retryable=_temporary([e.smtp_code])) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
        raise MailError(f"connection failed ({type(e).__name__})", retryable=True) from None


def _temporary(codes) -> bool:
    return not codes or any(400 <= int(c) < 500 for c in codes)
