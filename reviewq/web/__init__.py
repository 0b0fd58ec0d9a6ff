"""HTML blueprints for people. Each module defines one blueprint `bp`."""
from __future__ import annotations


def register_blueprints(app) -> None:
    from reviewq.web import auth, drafts
    app.register_blueprint(auth.bp)
    app.register_blueprint(drafts.bp)
