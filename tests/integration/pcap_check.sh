#!/usr/bin/env bash
# Runs a 5-device scenario with pcap on, then verifies the captured TEEP messages with
# independent tools (tests/integration/verify_pcap.py). Args: TEEPSIM_BINARY SOURCE_DIR.
set -euo pipefail
bin=$1; src=$2; dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" run "$src/scenarios/quickstart.yaml" --quiet --out "$dir/run.db" --set fleet.0.count=5 \
  --set horizon=6h --set malicious.t0=2h --set outputs.pcap=true --set "outputs.pcap_dir=$dir/pcap"
ls "$dir/pcap"/tam.pem "$dir/pcap"/verifier.pem "$dir/pcap"/agent-0.pem >/dev/null
/usr/bin/python3 "$src/tests/integration/verify_pcap.py" "$(ls "$dir"/pcap/teep-*.pcap | head -1)" "$dir/pcap"
