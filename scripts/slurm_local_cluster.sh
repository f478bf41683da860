#!/usr/bin/env bash
# A single-node Slurm cluster started by hand (no systemd), everything under one directory:
#   scripts/slurm_local_cluster.sh start DIR   # munged + slurmctld + slurmd, waits until idle
#   scripts/slurm_local_cluster.sh stop DIR    # stops the three daemons started in DIR
#   scripts/slurm_local_cluster.sh env DIR     # prints `export SLURM_CONF=...` for clients
# The clients (sbatch, squeue, scancel) find this cluster through SLURM_CONF=DIR/slurm.conf.
# Needs the Debian packages slurmctld slurmd slurm-client munge (scripts/bootstrap.sh) and
# root (slurmd launches the jobs; as root, SlurmUser/SlurmdUser are root). Nothing outside DIR is
# touched: munged gets its own key, socket, pid, seed and log files in DIR/munge, so a system
# munged (if any) is left alone; the ports are free ones chosen at start.
# Exit codes: 0 ok, 1 a daemon did not come up (its log tail is printed), 2 usage,
# 77 packages missing or not root (callers treat it as "skip").
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|env DIR" >&2
  exit 2
}
(($# == 2)) || usage
cmd=$1
dir=$2
case "$cmd" in start | stop | env) ;; *) usage ;; esac

# The daemons live in /usr/sbin, often not on a plain user's PATH.
PATH=$PATH:/usr/sbin:/sbin

stop_pidfile() { # stop_pidfile FILE NAME: SIGTERM, wait up to 10 s, then SIGKILL
  local f=$1 name=$2 pid
  [[ -s $f ]] || return 0
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "slurm_local_cluster: $name (pid $pid) ignored SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}

if [[ $cmd == stop ]]; then
  [[ -d $dir ]] || exit 0
  # slurmd first (it may still run job steps), then the controller, then munge.
  stop_pidfile "$dir/slurmd.pid" slurmd
  stop_pidfile "$dir/slurmctld.pid" slurmctld
  stop_pidfile "$dir/munge/munged.pid" munged
  exit 0
fi

if [[ $cmd == env ]]; then
  echo "export SLURM_CONF=$(printf '%q' "$(cd "$dir" && pwd)/slurm.conf")"
  exit 0
fi

# ---- start ----
for b in munged slurmctld slurmd sbatch squeue scontrol; do
  if ! command -v "$b" >/dev/null; then
    echo "slurm_local_cluster: $b not found: install the Debian packages slurmctld slurmd slurm-client munge (scripts/bootstrap.sh)" >&2
    exit 77
  fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "slurm_local_cluster: needs root (slurmd starts jobs as their user); running as $(id -un)" >&2
  exit 77
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [[ $dir == *[[:space:]]* ]]; then
  # slurm.conf values cannot hold white space.
  echo "slurm_local_cluster: DIR must not contain white space: $dir" >&2
  exit 2
fi
mkdir -p "$dir"/{munge,state,spool,log}
chmod 700 "$dir/munge"

# A free TCP port at or above $1 (none listening on it).
free_port() {
  local p=$1
  while ss -Htln "sport = :$p" 2>/dev/null | grep -q . || ss -Htln "sport = :$((p + 1))" 2>/dev/null | grep -q .; do
    p=$((p + 2))
  done
  echo "$p"
}
base=$(free_port $((20000 + ($$ % 10000) * 2)))

# munge: own key (1 KiB of random bytes, mode 0400), socket, pid, seed and log.
key=$dir/munge/munge.key
if [[ ! -s $key ]]; then
  head -c 1024 /dev/urandom >"$key"
  chmod 400 "$key"
fi
munged --force --key-file="$key" --socket="$dir/munge/munge.socket.2" \
  --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
  --log-file="$dir/log/munged.log"

mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
cat >"$dir/slurm.conf" <<EOF
# Written by scripts/slurm_local_cluster.sh: a single-node cluster under $dir.
ClusterName=teepsimlocal
SlurmctldHost=localhost
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket.2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
# Quick turnaround for a test cluster: finished jobs leave squeue after MinJobAge seconds.
MinJobAge=60
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf

fail() {
  echo "slurm_local_cluster: $1" >&2
  for l in "$dir"/log/*.log; do
    echo "--- tail of $l" >&2
    tail -n 15 "$l" >&2 || true
  done
  "$0" stop "$dir" || true
  exit 1
}

# -i: ignore a stale state from an earlier start in the same DIR (fresh cluster every time).
slurmctld -i || fail "slurmctld did not start"
slurmd -N localhost || fail "slurmd did not start"

# Up when the node is idle (slurmd registered with the controller).
for _ in $(seq 1 150); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)
  if [[ $state == idle* ]]; then
    echo "slurm_local_cluster: up in $dir (SLURM_CONF=$SLURM_CONF, ports $base/$((base + 1)))"
    exit 0
  fi
  sleep 0.2
done
fail "node not idle after 30 s (state: ${state:-unknown})"
