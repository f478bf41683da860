#!/usr/bin/env bash
# Builds and runs every test: the full build's GoogleTest suites through ctest, then the codec
# under ASan+UBSan with a short libFuzzer smoke run of every decoder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# Before anything is built: nothing tracked may refer to a path outside the checkout.
scripts/check_self_contained.sh
# Every tracked C++ file as clang-format (the repo .clang-format) writes it.
scripts/check_format.sh
JOBS=${JOBS:-$(nproc)}

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$JOBS"
ctest --test-dir build -j "$JOBS" --output-on-failure

# Fuzz smoke: codec only (no ns-3), clang, sanitizers. FUZZ_SECONDS per target.
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DTEEPSIM_CODEC_ONLY=ON -DTEEPSIM_FUZZ=ON -DTEEPSIM_SANITIZE=ON -DTEEPSIM_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-fuzz -j "$JOBS" --output-on-failure
scripts/fuzz_smoke.sh build-fuzz "$FUZZ_SECONDS"
