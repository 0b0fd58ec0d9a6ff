"""WSGI entry point: `app` for any WSGI server (reviewq serve uses waitress)."""
from reviewq import create_app

app = create_app()
