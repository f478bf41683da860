#!/usr/bin/env bash
# A sweep through a real Slurm (single node, started by scripts/slurm_local_cluster.sh): the
# script of `teepsim sweep --emit slurm` is submitted, one array task is cancelled, the merge job
# (afterany) reports that task missing, `resubmit` submits only that task, and the merged
# database then equals the local `teepsim sweep --jobs 2` database of the same sweep: the same
# runs (scenario hash, seed, run), identical rows in every per-run table, identical per-point
# summaries, integrity_check ok. The daemons are stopped at the end, also on failure.
# Usage: slurm_cluster_sweep.sh TEEPSIM SOURCE_DIR. Exit 77 (ctest skip) only when the Slurm
# packages are not installed or slurmd cannot run (not root).
set -euo pipefail

teepsim=$(readlink -f "$1")
src=$(readlink -f "$2")
cluster_sh=$src/scripts/slurm_local_cluster.sh

PATH=$PATH:/usr/sbin:/sbin
for b in munged slurmctld slurmd sbatch squeue scancel sqlite3; do
  if ! command -v "$b" >/dev/null; then
    echo "SKIP: $b not installed (Debian packages slurmctld slurmd slurm-client munge sqlite3; scripts/bootstrap.sh installs them)"
    exit 77
  fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: a local Slurm node needs root (slurmd starts the jobs); running as $(id -un)"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/teepsim-slurm-test.XXXXXX")
cluster=$work/cluster
cleanup() {
  local rc=$?
  "$cluster_sh" stop "$cluster" || true
  if ((rc != 0)); then
    echo "--- FAILED (exit $rc); logs:" >&2
    for f in "$work"/out/*.shards/logs/* "$cluster"/log/slurmctld.log; do
      [[ -f $f ]] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
    done
  fi
  rm -rf -- "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Waits until no job of ours is queued or running (at most $1 seconds).
wait_idle() {
  local deadline=$((SECONDS + $1))
  while [[ -n $(squeue -h -o %i) ]]; do
    ((SECONDS < deadline)) || fail "jobs still queued after $1 s: $(squeue -h -o '%i %T %r' | tr '\n' ';')"
    sleep 0.5
  done
}

"$cluster_sh" start "$cluster"
export SLURM_CONF=$cluster/slurm.conf

# The scenario and the output under paths with a space and a quote: the script quotes them.
mkdir -p "$work/my sweeps" "$work/out"
scenario="$work/my sweeps/it's small.yaml"
cp "$src/tests/slurm/small_sweep.yaml" "$scenario"
out=$work/out/merged.db
set_opt=(--set horizon=5h)

"$teepsim" sweep "$scenario" "${set_opt[@]}" --emit slurm --out "$out" --runs-per-task 2 \
  --max-parallel 1 --time 5 >"$work/sweep.sbatch"
bash -n "$work/sweep.sbatch" || fail "the emitted script does not parse"
grep -qx '#SBATCH --array=0-2%1' "$work/sweep.sbatch" || fail "expected 3 tasks of 2 runs, 1 at a time"

# Submit, then cancel task 2 at once: with one task at a time it is still pending.
(cd "$work" && bash sweep.sbatch) | tee "$work/submit.out"
jid=$(sed -n 's/.*array job \([0-9]*\).*/\1/p' "$work/submit.out")
[[ -n $jid ]] || fail "no array job id in the submit output"
scancel "${jid}_2"
wait_idle 90

merge_log=$(ls "$out.shards"/logs/merge.*.out)
grep -q 'tasks with missing or failed runs: 2 ' "$merge_log" || fail "merge job did not report task 2 missing: $(cat "$merge_log")"
[[ ! -e $out.shards/task-2.db ]] || fail "the cancelled task left a shard"
ok_runs=$(sqlite3 "$out" "SELECT COUNT(*) FROM runs WHERE status = 'ok'")
[[ $ok_runs == 4 ]] || fail "after the first merge: $ok_runs runs ok, expected 4 (tasks 0 and 1)"

(cd / && bash "$work/sweep.sbatch" resubmit) | tee "$work/resubmit.out"
grep -q 'array job [0-9]* (tasks 2)' "$work/resubmit.out" || fail "resubmit did not submit exactly task 2"
wait_idle 90
(cd / && bash "$work/sweep.sbatch" merge) || fail "the sweep is still incomplete after the resubmission"

# The same sweep locally.
local_db=$work/local.db
"$teepsim" sweep "$scenario" "${set_opt[@]}" --out "$local_db" --jobs 2 --progress never >/dev/null

[[ $(sqlite3 "$out" 'PRAGMA integrity_check') == ok ]] || fail "merged database: integrity_check"
# Every column but the row ids and what depends on the machine (times, memory).
compare() { # compare TABLE KEYCOLS_SQL: rows of TABLE by (scenario_hash, seed, run)
  local table=$1 cols a b n_a n_b
  cols=$(sqlite3 "$out" "SELECT group_concat('t.' || name) FROM pragma_table_info('$table') WHERE name NOT IN ('id', 'run_id', 'started_at', 'wall_seconds', 'peak_rss_kib')")
  if [[ $table == runs || $table == point_summaries ]]; then
    a="SELECT $cols FROM main.$table t"
    b="SELECT $cols FROM l.$table t"
  else
    a="SELECT r.scenario_hash, r.seed, r.run, $cols FROM main.$table t JOIN main.runs r ON r.id = t.run_id"
    b="SELECT r.scenario_hash, r.seed, r.run, $cols FROM l.$table t JOIN l.runs r ON r.id = t.run_id"
  fi
  n_a=$(sqlite3 "$out" "ATTACH '$local_db' AS l; SELECT COUNT(*) FROM ($a)")
  n_b=$(sqlite3 "$out" "ATTACH '$local_db' AS l; SELECT COUNT(*) FROM ($b)")
  diff=$(sqlite3 "$out" "ATTACH '$local_db' AS l; SELECT COUNT(*) FROM ($a EXCEPT $b); SELECT COUNT(*) FROM ($b EXCEPT $a)" | tr '\n' ' ')
  [[ $n_a == "$n_b" && $diff == "0 0 " ]] || fail "$table differs: $n_a merged rows, $n_b local rows, rows only in one: $diff"
  echo "$table: $n_a rows identical"
}
for table in runs run_params devices exposures summaries timeseries sessions groups warnings counters point_summaries; do
  compare "$table"
done
[[ $(sqlite3 "$out" "SELECT COUNT(*) FROM runs") == 6 ]] || fail "merged database: not exactly 6 runs"
[[ $(sqlite3 "$out" "SELECT COUNT(*) FROM exposures") -gt 0 ]] || fail "no exposures to compare"
echo "PASS: emitted Slurm sweep with one cancelled and re-submitted task equals the local sweep"
