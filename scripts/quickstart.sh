#!/usr/bin/env bash
# Set up the runtime (no dev tools), then run the main job on the bundled network: describe it,
# route consignments, equilibrium flows. `flows` compiles its kernels on the first run (cached
# in the user cache dir); routing needs no compile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
.venv/bin/corridors network summary
.venv/bin/corridors route "Xi'an" Duisburg --teu 40
.venv/bin/corridors route Almaty Istanbul --teu 2 --avoid RU,BY --top 5
.venv/bin/corridors route Kostanay Oslo --tonnes 5000 --cargo grain --top 5
.venv/bin/corridors flows --top 10
