#!/usr/bin/env bash
# The hand-built example and `teepsim run` of its equivalent scenario give the same R and T_trust
# for every device, to the nanosecond: the example prints device,ta,r_ns,t_trust_ns from the
# Recorder; the run's database has the same columns in its exposures table. Also checks that the
# comparison is not vacuous (every device exposed, R known for all of them).
# Usage: compare_with_run.sh EXAMPLE TEEPSIM SCENARIO [example arguments...]
set -euo pipefail

if (($# < 3)); then
  echo "usage: $0 EXAMPLE TEEPSIM SCENARIO [example arguments...]" >&2
  exit 2
fi
example=$1 teepsim=$2 scenario=$3
shift 3
for f in "$example" "$teepsim" "$scenario"; do
  [[ -e $f ]] || { echo "compare_with_run: missing $f" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "compare_with_run: sqlite3 not found (scripts/bootstrap.sh)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/teepsim-example.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$example" "$@" >"$tmp/example.csv" 2>"$tmp/example.err" ||
  { cat "$tmp/example.err" >&2; echo "compare_with_run: $example failed" >&2; exit 1; }
"$teepsim" run "$scenario" --out "$tmp/run.db" >"$tmp/run.out" 2>&1 ||
  { cat "$tmp/run.out" >&2; echo "compare_with_run: teepsim run $scenario failed" >&2; exit 1; }

tail -n +2 "$tmp/example.csv" | sort >"$tmp/example.rows"
sqlite3 -csv "$tmp/run.db" \
  "SELECT device, ta, IFNULL(r_ns, 'NULL'), IFNULL(t_trust_ns, 'NULL') FROM exposures" |
  tr -d '\r' | sort >"$tmp/run.rows"

rows=$(wc -l <"$tmp/run.rows")
removed=$(grep -vc ',NULL,' "$tmp/run.rows" || true)
if ((rows == 0 || removed == 0)); then
  echo "compare_with_run: the run has $rows exposures, $removed with R known: nothing to compare" >&2
  exit 1
fi
if ! diff -u "$tmp/run.rows" "$tmp/example.rows" >"$tmp/diff"; then
  echo "compare_with_run: R / T_trust differ (- teepsim run, + example):" >&2
  cat "$tmp/diff" >&2
  exit 1
fi
echo "compare_with_run: $rows exposures ($removed removed) equal to the nanosecond"
cat "$tmp/example.err"
