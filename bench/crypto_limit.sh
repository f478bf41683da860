#!/bin/bash
# The simulator with real crypto against the OpenSSL limit of the same signature operations,
# measured in one process (bench/crypto_limit.cc): sessions per CPU-second, the limit and their
# ratio, on bench/scale_scenario.yaml (message transport unless overridden).
#   bench/crypto_limit.sh [-b BUILD] [-n DEVICES] [--h1 H] [--h2 H] [--seconds S] [--set K=V...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="${here}/../build"
if [ "${1:-}" = "-b" ]; then
    build=$2
    shift 2
fi
bin="${build}/crypto_limit"
[ -x "$bin" ] || { echo "crypto_limit.sh: no $bin (cmake --build build --target crypto_limit)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "${here}/scale_scenario.yaml" "$tmp/scale.yaml"
cd "$tmp"
"$bin" "$tmp/scale.yaml" "$@"
