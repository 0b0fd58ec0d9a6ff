"""reviewq.resources finds templates/ and migrations/ in a checkout (the wheel case: tests/smoke)."""
from pathlib import Path

import pytest

from reviewq.resources import resource_dir

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_uses_its_top_level_folders():
    assert resource_dir("templates") == ROOT / "templates" and (resource_dir("templates") / "base.html").is_file()
    assert (resource_dir("migrations") / "env.py").is_file()


def test_a_missing_folder_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="reinstall"):
        resource_dir("no-such-folder")
