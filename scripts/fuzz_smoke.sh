#!/usr/bin/env bash
# Runs every built *_fuzz target for a few seconds, seeded with the shared test vectors.
set -euo pipefail
dir=${1:-build-fuzz}; secs=${2:-20}
vectors="$(cd "$(dirname "$0")/.." && pwd)/../shared/vectors"
status=0; n=0; failed=0
for f in "$dir"/*_fuzz; do
  [ -x "$f" ] || continue
  name=$(basename "$f"); corpus=$(mktemp -d)
  find "$vectors" -type f \( -name '*.cbor' -o -name '*.suit' \) -exec cp {} "$corpus"/ \; 2>/dev/null || true
  if ASAN_OPTIONS=detect_leaks=1 "$f" -max_total_time="$secs" -max_len=8192 -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=0 "$corpus" >"$corpus.log" 2>&1; then
    echo "fuzz: $name ok (${secs}s)"; n=$((n+1))
  else
    echo "fuzz: $name FAILED"; tail -40 "$corpus.log"; status=1; failed=$((failed+1))
  fi
  rm -rf "$corpus" "$corpus.log"
done
echo "fuzz: $n passed, $failed failed"
exit $status
