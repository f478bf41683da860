#!/usr/bin/env bash
# The script of `teepsim sweep --emit slurm` without a scheduler: a fake sbatch/squeue on PATH
# record what the script asks of Slurm. Checks: the script parses (bash -n, and shellcheck where
# installed); `bash SCRIPT` submits the array with its #SBATCH lines and the merge job with
# --dependency=afterany:<array id> and the same partition/time/mem, its --wrap command naming the
# script as one word for /bin/sh although the path holds a space and a quote; a task run by hand
# (SLURM_ARRAY_TASK_ID) writes its runs into a published shard and leaves no work directory;
# `resubmit` merges that shard and submits only the other tasks (--array=0,2%1); bad options
# exit 2 with one line and write no script.
# Usage: emit_script_test.sh TEEPSIM SOURCE_DIR
set -euo pipefail

teepsim=$(readlink -f "$1")
src=$(readlink -f "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/teepsim-emit-test.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Fake Slurm clients: sbatch logs its arguments (one per line, a blank line after each call)
# and answers job ids 101, 102, ...; squeue reports nothing queued.
mkdir -p "$work/bin" "$work/dir with 'quote'" "$work/tmp"
cat >"$work/bin/sbatch" <<'EOF'
#!/usr/bin/env bash
n=$(($(cat "$FAKE_SLURM/count" 2>/dev/null || echo 100) + 1))
echo "$n" >"$FAKE_SLURM/count"
{ printf '%s\n' "$@"; echo; } >>"$FAKE_SLURM/sbatch.log"
echo "$n;fakecluster"
EOF
printf '#!/bin/sh\nexit 0\n' >"$work/bin/squeue"
chmod +x "$work/bin/sbatch" "$work/bin/squeue"
export FAKE_SLURM=$work PATH=$work/bin:$PATH

dir="$work/dir with 'quote'"
cp "$src/tests/slurm/small_sweep.yaml" "$dir/sweep.yaml"
script=$dir/sweep.sbatch
out=$dir/merged.db
"$teepsim" sweep "$dir/sweep.yaml" --set horizon=5h --emit slurm --out "$out" --runs-per-task 2 \
  --max-parallel 1 --partition debug --time 0:05:00 --mem 500M >"$script"

bash -n "$script" || fail "bash -n rejects the script"
if command -v shellcheck >/dev/null; then
  shellcheck -s bash "$script" || fail "shellcheck finds problems in the script"
else
  echo "note: shellcheck not installed; only bash -n checked"
fi
grep -qx '#SBATCH --array=0-2%1' "$script" || fail "array line"

# Submit.
(cd "$work" && bash "$script") >"$work/submit.out"
grep -q 'array job 101 (tasks 0-2), merge job 102 after it' "$work/submit.out" || fail "submit output: $(cat "$work/submit.out")"
mapfile -t call1 < <(awk 'BEGIN{RS=""} NR==1' "$work/sbatch.log")
mapfile -t call2 < <(awk 'BEGIN{RS=""} NR==2' "$work/sbatch.log")
expected1=(--parsable "--output=$out.shards/logs/task-%a.%A.out" "$script" task)
[[ ${call1[*]} == "${expected1[*]}" ]] || fail "array sbatch call: ${call1[*]}"
for want in --dependency=afterany:101 --partition=debug --time=0:05:00 --mem=500M \
  "--output=$out.shards/logs/merge.%j.out" --job-name=teepsim-slurm_small_sweep-merge; do
  printf '%s\n' "${call2[@]}" | grep -qxF -- "$want" || fail "merge sbatch call lacks $want: ${call2[*]}"
done
wrap=$(printf '%s\n' "${call2[@]}" | sed -n 's/^--wrap=//p')
# sbatch --wrap runs its text with /bin/sh: the script must arrive as one argument.
words=$(sh -c "set -- ${wrap#bash }; printf '%s|' \"\$@\"")
[[ $words == "$script|merge|" ]] || fail "--wrap text splits the script path: $wrap"
[[ -d $out.shards/logs ]] || fail "submit did not create the log directory"

# Task 1 by hand, as Slurm would run it: runs 2 and 3 into shard task-1.db.
SLURM_ARRAY_TASK_ID=1 TMPDIR=$work/tmp bash "$script" task >"$work/task.out" 2>&1 || fail "task 1: $(cat "$work/task.out")"
shard=$out.shards/task-1.db
[[ -f $shard ]] || fail "task 1 published no shard"
[[ -z $(find "$work/tmp" -mindepth 1 -print -quit) ]] || fail "task 1 left its work directory: $(ls -A "$work/tmp")"
[[ -z $(find "$out.shards" -name '*partial*' -print -quit) ]] || fail "a .partial copy was left"
SLURM_ARRAY_TASK_ID=3 bash "$script" task 2>/dev/null && fail "task 3 of a 3-task array ran"

# Resubmit: merges task-1.db, then submits tasks 0 and 2 only.
(cd / && bash "$script" resubmit) >"$work/resubmit.out" 2>&1 || fail "resubmit: $(cat "$work/resubmit.out")"
mapfile -t call3 < <(awk 'BEGIN{RS=""} NR==3' "$work/sbatch.log")
[[ ${call3[1]} == --array=0,2%1 ]] || fail "resubmit array call: ${call3[*]}"
grep -q 'array job 103 (tasks 0,2)' "$work/resubmit.out" || fail "resubmit output: $(cat "$work/resubmit.out")"
[[ $("$teepsim" sweep "$dir/sweep.yaml" --set horizon=5h --resubmit "$out" --runs-per-task 2 2>/dev/null) == 0,2 ]] ||
  fail "--resubmit does not list tasks 0 and 2"

# Bad options: exit 2, one line on stderr, nothing on stdout.
for bad in "--time 1h" "--mem 1GB" "--max-parallel 0"; do
  set +e
  # shellcheck disable=SC2086 # split on purpose: option and value
  "$teepsim" sweep "$dir/sweep.yaml" --emit slurm --out "$out" $bad >"$work/bad.out" 2>"$work/bad.err"
  rc=$?
  set -e
  [[ $rc == 2 && ! -s $work/bad.out && $(wc -l <"$work/bad.err") == 1 ]] || fail "$bad: exit $rc, $(cat "$work/bad.err")"
done
echo "PASS: emitted script submits, runs a task, merges and re-submits the missing tasks"
