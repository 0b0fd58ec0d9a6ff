"""GET /api/v1/me: who the token belongs to."""
from __future__ import annotations

from reviewq.api import bp, current, ok
from reviewq.api import schemas as S
from reviewq.api.spec import operation


@operation(bp, "/me", "GET", summary="The user the token belongs to", tag="account",
           responses={200: {"description": "you", "schema": S.ME_OUT}})
def me():
    u = current()
    return ok({"id": u.id, "name": u.name, "email": u.email, "roles": sorted(u.roles)})
