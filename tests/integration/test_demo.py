"""`reviewq demo` (the README's first command) starts the web app and the worker on the embedded default."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_serves_the_app_with_demo_accounts(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEWQ_", "SLACK_"))}
    proc = subprocess.Popen([sys.executable, "-m", "reviewq", "demo", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert body is not None, proc.stdout.read() if proc.poll() is not None else "demo did not answer"
        assert "Sign in" in body
        assert (tmp_path / "instance" / "reviewq.db").exists()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "staff@demo.reviewq.test" in out and "reviewer@demo.reviewq.test" in out
    assert "Traceback" not in out
