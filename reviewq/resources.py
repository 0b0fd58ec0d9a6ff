"""Where the package's data folders are: templates/ and migrations/.

In the repository they sit at the top level (shared/CONTRACT.md's layout); the
wheel build maps them into the package (pyproject's hatch force-include), so an
installed reviewq finds them through importlib.resources. A source checkout or
an editable install has no reviewq/templates, so the checkout's folder is used.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """The folder `name` ("templates" or "migrations") as a filesystem path.

    Jinja's loader and Alembic's script directory both need real paths, and a
    wheel is always unpacked onto the filesystem, so no temporary copy is made.
    """
    packaged = files("reviewq") / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = _CHECKOUT / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"reviewq is installed without its {name}/ folder; reinstall it from a wheel")
