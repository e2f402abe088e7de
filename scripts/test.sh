#!/usr/bin/env bash
# Set up, lint, check that importing is silent, then run the whole test suite.
# What it installs and starts (and stops again):
#   - .venv with corridors, every extra and the dev tools (scripts/setup.sh dev);
#   - as root on Debian only: apt-get install chromium and postgresql when missing (for the
#     browser and PostgreSQL tests; otherwise those tests skip, and fail under CI=true);
#   - a throwaway PostgreSQL on 127.0.0.1 (scripts/services.sh), stopped on exit if this run
#     started it. Screenshots go to test-artifacts/ only.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "test.sh: installs .venv (all extras + dev tools); as root on Debian apt-installs chromium" \
  "and postgresql if missing; starts a throwaway PostgreSQL and stops it at exit" >&2
bash scripts/setup.sh dev
.venv/bin/ruff check conftest.py src tests benchmarks tools
.venv/bin/python -W error -c "import corridors"
.venv/bin/mkdocs build --strict --quiet --site-dir test-artifacts/site  # docs site, no CDN assets
# strict typing over the whole package (pandas without pandas-stubs: the stubs are stricter than
# pandas itself and flag every row lookup; see CHANGELOG)
.venv/bin/mypy src/corridors
# modules <= 600 lines, functions <= 80 (docstrings not counted), numba kernels included
.venv/bin/python tools/check_sizes.py src/corridors
# Chromium and a throwaway PostgreSQL on loopback for the API and browser tests (installed with
# apt when run as root on Debian; otherwise those tests skip, and fail under CI=true).
eval "$(bash scripts/services.sh)"
if [ "${CORRIDORS_PG_STARTED:-0}" = 1 ]; then
  trap 'bash scripts/services.sh stop' EXIT
fi
set +e
# doctests over the whole package (the one module left out, and why, is in conftest.py)
.venv/bin/python -m pytest -q --doctest-modules tests src/corridors "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$status"
