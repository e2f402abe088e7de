#!/usr/bin/env bash
# Create .venv (if needed) and install corridors into it.
#   bash scripts/setup.sh          the runtime only (routing, flows, CLI): what the quick start needs
#   bash scripts/setup.sh dev      every extra and the dev tools (pytest, ruff, mypy, browsers' driver)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup.sh: creating .venv with $PY" >&2
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade "pip>=25.1"
if [ "${1:-runtime}" = dev ]; then
  echo "setup.sh: installing corridors with all extras and the dev tools into .venv" >&2
  .venv/bin/python -m pip install -q -e ".[all]" --group dev
else
  echo "setup.sh: installing corridors (runtime only) into .venv" >&2
  .venv/bin/python -m pip install -q -e .
fi
