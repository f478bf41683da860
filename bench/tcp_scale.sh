#!/bin/sh
# Cost of the full TCP transport at fleet scale: runs one `teepsim run` of a scenario with N
# devices for H simulated hours and prints one line per run (a header first):
#   devices  sim_h  events  sessions  events/session  cpu_s  wall_s  peak_rss_MiB  KiB/device
# Track these from session to session; never run from ctest (minutes per point at 10k devices).
#
#   bench/tcp_scale.sh [-b BUILD_DIR] [-s SCENARIO] [-t T0] [-- EXTRA --set ARGS] N [N...]
#   bench/tcp_scale.sh 1000 5000              # 6 simulated hours each, t0 at 3h
#   HOURS=24 bench/tcp_scale.sh -t 12h 10000  # the 10k-devices-for-a-day point
#
# cpu_s (user + system) is the number to compare on a shared machine; wall_s only on an idle
# one. KiB/device is peak RSS / N (fixed costs included, so it falls with N). The database goes
# to a temporary directory and is deleted. Each run uses the scenario's seed: same numbers on
# reruns except the timings.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build="${here}/../build"
scenario="${here}/../scenarios/quickstart.yaml"
hours="${HOURS:-6}"
t0=""
while [ $# -gt 0 ]; do
    case "$1" in
        -b) build="$2"; shift 2 ;;
        -s) scenario="$2"; shift 2 ;;
        -t) t0="$2"; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
counts=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case "$1" in
        ''|*[!0-9]*) echo "tcp_scale.sh: device count must be a positive integer: '$1'" >&2; exit 2 ;;
    esac
    counts="$counts $1"
    shift
done
[ "${1:-}" = "--" ] && shift
[ -n "$counts" ] || { echo "usage: tcp_scale.sh [-b BUILD] [-s SCENARIO] [-t T0] N [N...] [-- --set K=V...]" >&2; exit 2; }
teepsim="${build}/teepsim"
[ -x "$teepsim" ] || { echo "tcp_scale.sh: no teepsim at $teepsim (build it, or pass -b)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "tcp_scale.sh: needs GNU time (/usr/bin/time, Debian package 'time')" >&2; exit 2; }
[ -n "$t0" ] || t0="$((hours * 30))m" # half the horizon: removal sessions are measured too

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%8s %6s %11s %9s %14s %8s %8s %12s %10s\n' devices sim_h events sessions events/session \
    cpu_s wall_s peak_rss_MiB KiB/device
for n in $counts; do
    out="$tmp/run.out"
    # A failed run must not stop the others: report it and go on.
    if ! /usr/bin/time -f '%U %S %e %M' -o "$tmp/time" "$teepsim" run "$scenario" \
        --out "$tmp/run.db" --set "fleet.0.count=$n" --set "horizon=${hours}h" \
        --set "malicious.t0=$t0" "$@" >"$out" 2>"$tmp/err"; then
        echo "tcp_scale.sh: N=$n failed:" >&2
        tail -5 "$tmp/err" >&2
        continue
    fi
    # "323.6 s wall, 10386886 events (32102 events/s), peak RSS 130 MiB" and "sessions: 6000 (...)"
    events=$(sed -n 's/.* s wall, \([0-9]*\) events.*/\1/p' "$out" | head -1)
    sessions=$(sed -n 's/^sessions: \([0-9]*\).*/\1/p' "$out" | head -1)
    read -r user sys wall rss_kb <"$tmp/time"
    awk -v n="$n" -v h="$hours" -v e="${events:-0}" -v s="${sessions:-0}" -v u="$user" \
        -v y="$sys" -v w="$wall" -v r="$rss_kb" 'BEGIN {
        printf "%8d %6g %11d %9d %14.1f %8.1f %8.1f %12.1f %10.1f\n", n, h, e, s,
            (s > 0 ? e / s : 0), u + y, w, r / 1024, r / n }'
    rm -f "$tmp/run.db"
done
