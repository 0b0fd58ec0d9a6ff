"""Extensions, created unbound and attached in create_app()."""
from __future__ import annotations

from flask_login import LoginManager
from flask_wtf import CSRFProtect

from reviewq.db import Database

db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
