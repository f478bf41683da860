#!/usr/bin/env bash
# Runs every built *_fuzz target for a few seconds, seeded with the repository's test vectors
# (tests/vectors, or $TEEPSIM_VECTORS_DIR). A fuzzer started on an empty corpus would still "pass"
# while exploring almost nothing, so missing seeds or missing fuzzers are errors, never a silent run.
# Usage: fuzz_smoke.sh [BUILD_DIR [SECONDS]]   run every BUILD_DIR/*_fuzz (default build-fuzz, 20 s)
#        fuzz_smoke.sh --seeds-only            only collect the seed corpus and report its size
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vectors=${TEEPSIM_VECTORS_DIR:-$root/tests/vectors}

seeds_only=0
if [ "${1:-}" = "--seeds-only" ]; then
  seeds_only=1; shift
fi
if [ $# -gt 2 ]; then
  echo "usage: $0 [BUILD_DIR [SECONDS]] | --seeds-only" >&2; exit 2
fi
dir=${1:-build-fuzz}; secs=${2:-20}
case $secs in
  ''|*[!0-9]*) echo "fuzz: SECONDS must be a positive integer, got '$secs'" >&2; exit 2 ;;
esac

if [ ! -d "$vectors" ]; then
  echo "fuzz: ERROR: seed folder $vectors does not exist" >&2; exit 2
fi
seed_dir=$(mktemp -d)
trap 'rm -rf "$seed_dir"' EXIT
# One seed file per vector, named after its path under the vectors folder so that equal file
# names from different sets (query_request.cbor ...) do not overwrite each other.
while IFS= read -r -d '' f; do
  rel=${f#"$vectors"/}
  cp "$f" "$seed_dir/${rel//\//__}"
done < <(find "$vectors" -type f \( -name '*.cbor' -o -name '*.suit' \) -print0)
nseeds=$(find "$seed_dir" -type f | wc -l)
if [ "$nseeds" -eq 0 ]; then
  echo "fuzz: ERROR: no *.cbor or *.suit seed files under $vectors; refusing to fuzz from an empty corpus" >&2
  exit 2
fi
echo "fuzz: $nseeds seed files from $vectors"
if [ "$seeds_only" -eq 1 ]; then
  exit 0
fi

fuzzers=()
for f in "$dir"/*_fuzz; do
  [ -x "$f" ] && fuzzers+=("$f")
done
if [ ${#fuzzers[@]} -eq 0 ]; then
  echo "fuzz: ERROR: no executable *_fuzz targets in $dir (configure with -DTEEPSIM_FUZZ=ON and build)" >&2
  exit 2
fi

status=0; n=0; failed=0
for f in "${fuzzers[@]}"; do
  name=$(basename "$f"); corpus=$(mktemp -d)
  cp "$seed_dir"/* "$corpus"/
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
