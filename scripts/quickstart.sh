#!/usr/bin/env bash
# The main job from a clean clone: install packages, build, run the default scenario into
# out/quickstart.db and draw its figures into out/figures/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
JOBS=${JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$JOBS" --target teepsim
mkdir -p out
rm -f out/quickstart.db
build/teepsim run scenarios/quickstart.yaml --out out/quickstart.db
/usr/bin/python3 analysis/plots.py out/quickstart.db out/figures
