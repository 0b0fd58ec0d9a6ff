"""Single sign-on with an OpenID Connect provider, through Authlib's Flask client (client.py)."""
