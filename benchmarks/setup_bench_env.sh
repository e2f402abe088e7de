#!/usr/bin/env bash
# Create the benchmark-only environment (.venv-bench) with corridors' runtime dependencies
# and AequilibraE. AequilibraE is never a runtime dependency of corridors; it lives only here.
# corridors itself is put on the path with a .pth file pointing at src/ (no build needed).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CORRIDORS_BENCH_VENV:-$HERE/.venv-bench}"
PY="${PYTHON:-python3}"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install numpy scipy pandas pyarrow numba rich typer pyyaml \
    matplotlib platformdirs pycountry aequilibrae
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$HERE/src" > "$SITE/corridors-src.pth"
"$VENV/bin/python" -c "import importlib.metadata as m, aequilibrae; print('aequilibrae', m.version('aequilibrae'))"
