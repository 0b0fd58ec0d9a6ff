"""A fake OpenID Connect provider: a real HTTP server on 127.0.0.1 speaking discovery, JWKS, an authorize
endpoint (it signs the person in as `provider.person` at once) and a token endpoint that checks the client
secret and the PKCE verifier and returns an RS256 id token signed with joserfc.

The real Authlib client in reviewq talks to it over HTTP. `sign_with_other_key`, `wrong_nonce`,
`wrong_audience` make the next id tokens untrustworthy, to prove reviewq refuses them.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID, CLIENT_SECRET = "reviewq-test", "s3cret-client"


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.person = {"sub": "p1", "email": "ann@hospital.example", "email_verified": True, "name": "Ann SSO",
                       "groups": ["comms-team"]}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.sign_with_other_key = self.wrong_nonce = self.wrong_audience = False
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def discovery(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}

    def authorize(self, query: dict) -> str:
        """The Location the provider sends the browser to after signing the person in."""
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"nonce": query.get("nonce"), "challenge": query.get("code_challenge"),
                                "method": query.get("code_challenge_method"),
                                "redirect_uri": query.get("redirect_uri"), "person": dict(self.person)}
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict, auth: str | None) -> tuple[int, dict]:
        secret_ok = form.get("client_secret") == CLIENT_SECRET or auth == "Basic " + base64.b64encode(
            f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        with self.lock:
            self.token_requests.append(dict(form))
            grant = self.codes.pop(form.get("code", ""), None)
        if not secret_ok:
            return 401, {"error": "invalid_client"}
        if grant is None:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["method"] != "S256" or grant["challenge"] != expected:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        claims = {**grant["person"], "iss": self.issuer, "aud": "someone-else" if self.wrong_audience else CLIENT_ID,
                  "iat": now, "exp": now + 300, "nonce": "forged" if self.wrong_nonce else grant["nonce"]}
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token}


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.discovery())
            if url.path == "/jwks":
                return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            if url.path == "/authorize":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._json(404, {"error": "not_found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/token":
                return self._json(404, {"error": "not_found"})
            return self._json(*provider.token(form, self.headers.get("Authorization")))
    return Handler
