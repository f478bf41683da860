#!/usr/bin/env bash
# Wall time of a sweep through the emitted Slurm script on a local single-node Slurm
# (scripts/slurm_local_cluster.sh) against `teepsim sweep --jobs 2` on the same machine.
#   scripts/slurm_measure.sh TEEPSIM [SCENARIO] [RUNS_PER_TASK...]
# SCENARIO defaults to tests/slurm/sweep_200.yaml (200 tiny runs); RUNS_PER_TASK to "1 10".
# Slurm time: from `bash SCRIPT` until the merge job has ended (queue empty, polled every 0.2 s).
# Prints the load average (/proc/loadavg) before each measurement: other work on the machine
# shows in the numbers. Needs root and the Slurm packages, like the cluster script.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
teepsim=$(readlink -f "${1:?usage: $0 TEEPSIM [SCENARIO] [RUNS_PER_TASK...]}")
scenario=$(readlink -f "${2:-$src/tests/slurm/sweep_200.yaml}")
shift $(($# >= 2 ? 2 : 1))
per_task=(1 10)
(($# > 0)) && per_task=("$@")

work=$(mktemp -d "${TMPDIR:-/tmp}/teepsim-slurm-measure.XXXXXX")
trap '"$src/scripts/slurm_local_cluster.sh" stop "$work/cluster"; rm -rf -- "$work"' EXIT
"$src/scripts/slurm_local_cluster.sh" start "$work/cluster" >/dev/null
export SLURM_CONF=$work/cluster/slurm.conf

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
runs=$("$teepsim" sweep "$scenario" --dry-run | tail -n 1)
echo "scenario $scenario: $runs; $(nproc) CPUs"

echo "local: load average $(load)"
t0=$(now)
"$teepsim" sweep "$scenario" --jobs 2 --out "$work/local.db" --progress never >/dev/null
t1=$(now)
printf 'local  teepsim sweep --jobs 2: %.1f s\n' "$(elapsed "$t0" "$t1")"

for r in "${per_task[@]}"; do
  out=$work/slurm-r$r.db
  "$teepsim" sweep "$scenario" --emit slurm --out "$out" --runs-per-task "$r" >"$work/r$r.sbatch"
  echo "slurm R=$r: load average $(load)"
  t0=$(now)
  bash "$work/r$r.sbatch" >/dev/null
  while [[ -n $(squeue -h -o %i) ]]; do sleep 0.2; done
  t1=$(now)
  ok=$(sqlite3 "$out" "SELECT COUNT(*) FROM runs WHERE status = 'ok'")
  printf 'slurm  --emit slurm --runs-per-task %s (%s tasks): %.1f s, %s runs ok in the merged database\n' \
    "$r" "$(sed -n 's/^TASKS=//p' "$work/r$r.sbatch")" \
    "$(elapsed "$t0" "$t1")" "$ok"
done
echo "after: load average $(load)"
