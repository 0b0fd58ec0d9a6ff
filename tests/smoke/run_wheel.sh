#!/usr/bin/env bash
# Smoke test of what users install: build the wheel, install it with requirements/app.lock
# into a fresh venv outside the checkout, and use it as an operator would.
#   bash tests/smoke/run_wheel.sh            # a few minutes; leaves nothing behind
#   KEEP=1 bash tests/smoke/run_wheel.sh     # keep the venv and instance folder (paths printed)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reviewq-smoke.XXXXXX")
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "smoke: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
step() { echo "smoke: $*" >&2; }
quiet() { grep -v -e '^WARNING: Running pip as' -e "is ignored: it is neither" || true; }

step "building the wheel"
"$PY" -m pip wheel -q --no-deps -w "$WORK/dist" "$REPO" 2>&1 | quiet
WHEEL=$(ls "$WORK"/dist/reviewq-*.whl)
for inside in reviewq/templates/base.html reviewq/migrations/env.py reviewq/static/app.css \
              reviewq/checks/data/surnames.txt; do
  "$PY" -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' \
    "$WHEEL" "$inside" || { echo "smoke: $inside is missing from the wheel" >&2; exit 1; }
done

step "installing it with requirements/app.lock into a fresh venv"
"$PY" -m venv "$WORK/venv"
V="$WORK/venv/bin"
"$V/python" -m pip install -q --disable-pip-version-check --require-hashes --no-deps \
  -r "$REPO/requirements/app.lock" 2>&1 | quiet
"$V/python" -m pip install -q --disable-pip-version-check --no-deps "$WHEEL" 2>&1 | quiet

cd "$WORK"  # nothing of the checkout on sys.path from here on
export REVIEWQ_INSTANCE_DIR="$WORK/instance" REVIEWQ_SECRET_KEY=smoke-test
unset REVIEWQ_DATABASE_URL REVIEWQ_UPLOAD_DIR REVIEWQ_STORAGE_URL PYTHONPATH
"$V/python" - <<'PY'
import importlib.metadata as md, pathlib, sys, reviewq
where = pathlib.Path(reviewq.__file__).resolve()
assert str(where).startswith(sys.prefix), f"reviewq imported from {where}, not the venv"
names = {d.metadata["Name"].lower() for d in md.distributions()}
assert "opencv-python-headless" in names and "opencv-python" not in names, "expected only headless OpenCV"
import cv2  # noqa: F401  (the headless build loads without libGL)
PY
step "the evidence pack's PDF renderer (WeasyPrint, with the system's pango) works from the lock"
"$V/python" -c "import weasyprint; assert weasyprint.HTML(string='<p>x</p>').write_pdf().startswith(b'%PDF-')"
R="$V/reviewq"

step "check-config, init-db (twice: idempotent), user add"
"$R" check-config >/dev/null
"$R" init-db >/dev/null
"$R" init-db >/dev/null
echo "a long smoke password" | "$R" user add smoke@example.org --name Smoke --role staff --role admin \
  --password-stdin >/dev/null

step "serve answers the login page, its stylesheet, /healthz and /readyz"
PORT=$("$V/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$R" serve --port "$PORT" --workers 2 >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
"$V/python" - "$PORT" <<'PY' || { cat "$WORK/serve.log" >&2; exit 1; }
import re, sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
def get(path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()
for _ in range(240):
    try:
        get("/healthz")
        break
    except OSError:
        time.sleep(0.5)
status, ctype, page = get("/login")
assert status == 200 and "text/html" in ctype and 'name="password"' in page, "no login page"
css = re.search(r'<link[^>]+href="([^"]+\.css[^"]*)"', page)
assert css, "the login page links no stylesheet"
status, ctype, body = get(css.group(1))
assert status == 200 and "text/css" in ctype and len(body) > 1000, f"stylesheet {css.group(1)}: {status} {ctype}"
assert get("/readyz")[0] == 200
PY
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

step "worker --once, scan"
"$R" worker --once >/dev/null
out=$(printf '%s\n' '{"id": 1, "text": "Her SSN is 123-45-6789.", "channels": ["x"]}' | "$R" scan)
"$V/python" -c 'import json, sys; r = json.loads(sys.argv[1]); assert r["id"] == 1 and any(f["category"] == "ssn" for f in r["findings"]), r' "$out"
echo "smoke: the installed wheel works ($(du -sm "$WORK/venv/lib" | cut -f1) MB in the venv)"
