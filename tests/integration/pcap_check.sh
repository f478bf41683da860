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
# The Verifier exchange uses RATS media types (issue 16): every POST /appraise sends evidence as
# application/eat+cwt and Accepts application/eat+cwt; every answer carries the EAR profile; the
# TEEP exchange stays application/teep+cbor.
/usr/bin/python3 - "$(ls "$dir"/pcap/teep-*.pcap | head -1)" <<'PY'
import re, sys
raw = open(sys.argv[1], 'rb').read()
heads = re.findall(rb'(?:POST [^\r\n]*|HTTP/1\.1 [^\r\n]*)\r\n(?:[^\r\n]+\r\n)*\r\n', raw)
appraise = [h for h in heads if h.startswith(b'POST /appraise?nonce=')]
ear = [h for h in heads if b'eat_profile="tag:github.com,2023:veraison/ear"' in h]
assert appraise, 'no POST /appraise captured'
for h in appraise:
    assert b'Content-Type: application/eat+cwt; eat_profile=' in h, h
    assert b'Accept: application/eat+cwt' in h, h
assert len(ear) == len(appraise), (len(ear), len(appraise))
for h in heads:
    if h.startswith(b'POST /tam') or h.startswith(b'POST / '):
        assert b'application/teep+cbor' in h, h
print(f'media types ok: {len(appraise)} appraise exchanges')
PY
