#!/usr/bin/env bash
# Nothing leaks at exit: small `teepsim run`s under LeakSanitizer, preloaded into the ordinary
# build (gcc's liblsan intercepts malloc; no rebuild needed), with Brokers (honest, dropping and
# tampering) and with devices that have no REE, on both transports. Any leak fails the run with
# exit 99. Args: TEEPSIM_BINARY SOURCE_DIR. (The full ASan+UBSan+LSan run of the model tests is
# scripts/sanitize_models.sh.)
set -euo pipefail
bin=$1; src=$2; dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# awk reads to the end: an early exit would SIGPIPE ldconfig and, under pipefail, end the script.
lsan=$(/sbin/ldconfig -p | awk '/liblsan\.so\.0 / && !found {print $NF; found = 1}')
if [ -z "$lsan" ]; then
  echo "leak_check: liblsan.so.0 not found (Debian package liblsan0, installed by scripts/bootstrap.sh)" >&2
  exit 2
fi
# Self-check: the preloaded LeakSanitizer must catch a known leak, or a clean result means nothing.
printf '#include <stdlib.h>\nvoid* volatile g;\nvoid leak(void) { g = malloc(64); g = 0; }\nint main(void) { leak(); return 0; }\n' >"$dir/leak.c"
cc -O0 -o "$dir/leak" "$dir/leak.c"
if LD_PRELOAD=$lsan LSAN_OPTIONS=exitcode=99 "$dir/leak" 2>/dev/null; then
  echo "leak_check: LeakSanitizer ($lsan) did not report a known leak; cannot check teepsim" >&2
  exit 2
fi
run() {
  echo "== teepsim run $*"
  LD_PRELOAD=$lsan LSAN_OPTIONS=exitcode=99 "$bin" run --quiet --progress never \
    --out "$dir/runs.db" "$@"
}
run "$src/tests/sim/fixtures/e2e_small.yaml"
run "$src/scenarios/broker_dos.yaml" --set fleet.0.count=6 --set warmup=1h --set horizon=8h --set malicious.t0=4h
run "$src/scenarios/microcontrollers.yaml" --set fleet.sensors.count=3 \
  --set fleet.gateways.count=2 --set warmup=1h --set horizon=8h --set malicious.t0=4h
run "$src/scenarios/quickstart.yaml" --set fleet.0.count=3 --set horizon=6h --set malicious.t0=2h
echo "leak_check: no leaks"
