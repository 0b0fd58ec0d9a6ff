"""The OpenID Connect client: the only module that imports Authlib.

Discovery from REVIEWQ_OIDC_ISSUER's /.well-known/openid-configuration;
authorization code flow with PKCE (S256), state and nonce kept in the signed
session cookie by Authlib; the id token's RS256 signature is checked against
the provider's JWKS, and its issuer, audience, expiry and nonce, by Authlib
when the code is exchanged. Any failure raises SSOError (shown as a refusal
page, never a 500).
"""
from __future__ import annotations

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from joserfc.errors import JoseError

NAME = "sso"
_EXT = "reviewq.oidc"


class SSOError(Exception):
    """The provider's answer could not be trusted or used."""


def enabled(settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)


def init_app(app, settings) -> None:
    """Nothing to do until the first sign-in: the client is registered then (discovery is lazy too)."""
    app.extensions.pop(_EXT, None)


def _client():
    from flask import current_app
    settings = current_app.config["REVIEWQ"]
    wanted = (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret)
    held = current_app.extensions.get(_EXT)
    if held is None or held[0] != wanted:
        oauth = OAuth(current_app)
        oauth.register(NAME, client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
                       server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
                       client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                                      "timeout": 10})
        held = current_app.extensions[_EXT] = (wanted, oauth.create_client(NAME))
    return held[1]


def start(redirect_uri: str):
    """The redirect to the provider's sign-in page (state, nonce and PKCE verifier saved in the session)."""
    try:
        return _client().authorize_redirect(redirect_uri)
    except (OAuthError, JoseError, OSError, ValueError, KeyError) as e:
        raise SSOError(f"the provider could not be reached ({type(e).__name__})") from None


def finish() -> dict:
    """The id token's verified claims after the provider sent the browser back; raises SSOError."""
    try:
        token = _client().authorize_access_token()
    except (OAuthError, JoseError, OSError, ValueError, KeyError, TypeError) as e:
        raise SSOError(type(e).__name__) from None
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise SSOError("no id token")
    return dict(claims)
