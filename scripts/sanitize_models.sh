#!/usr/bin/env bash
# The ns-3 models under ASan + UBSan + LeakSanitizer: builds the models, their tests and teepsim
# in build-asan (TEEPSIM_SANITIZE), runs the model tests (ctest -R) and a few small scenario
# runs (both transports, Broker and no-REE drivers), and fails on any sanitizer report, a leak
# at exit included. Not part of scripts/test.sh (see its wall time in the issue-16 report).
#   scripts/sanitize_models.sh            # JOBS=<n> for the build/test parallelism
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
BUILD=build-asan
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTEEPSIM_SANITIZE=ON \
  -DTEEPSIM_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target model_tests teepsim

# Any report is fatal: ASan and UBSan stop at the first error, LSan fails the process at exit.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=exitcode=99

# The model tests: every test of the model_tests binary (ctest names carry it as prefix).
ctest --test-dir "$BUILD" -R '^model_tests\.' -j "$JOBS" --output-on-failure

# Small scenario runs to completion (LSan checks each exit): the full TCP transport with
# Brokers, then without an REE; the message transport with the legacy profile and compromised
# Brokers (drop, tamper) next to honest ones.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
  echo "== teepsim run $*"
  "$BUILD/teepsim" run --quiet --out "$out/runs.db" "$@"
}
small=(--set fleet.phones.count=20 --set horizon=30h --set malicious.t0=1d)
run scenarios/quickstart.yaml "${small[@]}"
run scenarios/quickstart.yaml "${small[@]}" --set fleet.phones.ree=false
run scenarios/quickstart.yaml "${small[@]}" --set transport=message --set profile=legacy \
  --set fleet.phones.broker.drop=0.25 --set fleet.phones.broker.tamper=0.25
echo "sanitize_models: no sanitizer report"
