#!/bin/bash
# Cost of the simulator per TEEP session, per device set-up and per device in memory, on a
# steady-state fleet that polls the TAM every hour (template: bench/scale_scenario.yaml): the
# benchmark command of issue 11. For each fleet size N it runs `teepsim run` at two horizons
# H1 < H2 and prints:
#   us/session   marginal CPU per session: (cpu(H2) - cpu(H1)) / (sessions(H2) - sessions(H1))
#   events/sess  marginal ns-3 events per session, the same way
#   setup_us/dev CPU of the H1 run minus its sessions at the marginal rate, over N (includes
#                the process's fixed cost, so it falls with N; see the marginal lines)
#   KiB/dev      peak RSS of the H2 run over N (fixed cost included)
# then, when two or more sizes are given, a summary:
#   marginal set-up us per device and KiB per device between consecutive sizes (the process's
#   fixed cost cancels out): (setup(N2)*N2 - setup(N1)*N1) / (N2 - N1), (rss(N2) - rss(N1)) /
#   (N2 - N1); and every size's us/session relative to the 10k figure (issue 11: 1M <= 1.3x).
#
#   bench/scale.sh [-b BUILD] [-t message|tcp] [-c modelled|real] [-H "H1 H2"] [--1m] [N...]
#                  [-- --set K=V...]
#   bench/scale.sh                           # message transport, modelled crypto, 1k 10k 100k
#   bench/scale.sh -t tcp -c real 1000 10000
#   bench/scale.sh --1m                      # adds 1M devices (minutes of CPU, GiBs of RAM)
#   bench/scale.sh 1000 10000 -- --set tam.workers=8   # extra arguments for every run
#   bench/scale.sh --single 1000000 24h      # ONE run: CPU, wall, peak RSS, sessions, events
#
# CPU is user + system time of the whole process (GNU time), not wall time: the number to
# compare on a shared machine; the load average (uptime) is printed before and after because
# even CPU times vary with it (caches, memory bandwidth). Sessions and events are read from the
# run's database (sessions and runs tables, docs/DATABASE.md). Same scenario + seed => same
# counts on every rerun; only the times vary. Never run from ctest (minutes of CPU at 100k).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="${here}/../build"
transport=message
crypto=modelled
horizons="1h 3h"
counts=()
extra=()
single=""
while [ $# -gt 0 ]; do
    case "$1" in
        -b) build="$2"; shift 2 ;;
        -t) transport="$2"; shift 2 ;;
        -c) crypto="$2"; shift 2 ;;
        -H) horizons="$2"; shift 2 ;;
        --1m) counts+=(1000000); shift ;;
        --single)
            [ $# -ge 3 ] || { echo "scale.sh: --single takes a fleet size and a horizon, e.g. --single 1000000 24h" >&2; exit 2; }
            case "$2" in ''|*[!0-9]*) echo "scale.sh: --single: bad device count '$2'" >&2; exit 2 ;; esac
            single="$2 $3"; shift 3 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        ''|*[!0-9]*) echo "scale.sh: unknown argument or bad device count: '$1'" >&2; exit 2 ;;
        *) counts+=("$1"); shift ;;
    esac
done
case "$transport" in
    message) transport_value=message ;;
    tcp) transport_value=full ;;
    *) echo "scale.sh: -t must be message or tcp, not '$transport'" >&2; exit 2 ;;
esac
case "$crypto" in
    modelled|real) ;;
    *) echo "scale.sh: -c must be modelled or real, not '$crypto'" >&2; exit 2 ;;
esac
read -r h1 h2 rest <<<"$horizons"
if [ -z "${h1:-}" ] || [ -z "${h2:-}" ] || [ -n "${rest:-}" ]; then
    echo "scale.sh: -H takes two horizons, e.g. -H \"1h 3h\"" >&2
    exit 2
fi
if [ -n "$single" ] && [ ${#counts[@]} -gt 0 ]; then
    echo "scale.sh: --single runs one size: give no other device count (nor --1m)" >&2
    exit 2
fi
if [ ${#counts[@]} -eq 0 ] || { [ ${#counts[@]} -eq 1 ] && [ "${counts[0]}" = 1000000 ]; }; then
    counts=(1000 10000 100000 "${counts[@]}")
fi
teepsim="${build}/teepsim"
[ -x "$teepsim" ] || { echo "scale.sh: no teepsim at $teepsim (build it, or pass -b)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "scale.sh: needs GNU time (/usr/bin/time, Debian package 'time')" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "scale.sh: needs the sqlite3 command" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "${here}/scale_scenario.yaml" "$tmp/scale.yaml"

# run N HORIZON: writes "cpu_s sessions events rss_kib wall_s" to $tmp/result; fails if the
# run does
run() {
    local db="$tmp/run.db"
    rm -f "$db" "$db-wal" "$db-shm"
    if ! /usr/bin/time -f '%U %S %M %e' -o "$tmp/time" "$teepsim" run "$tmp/scale.yaml" \
        --out "$db" --set "fleet.0.count=$1" --set "horizon=$2" \
        --set "transport=$transport_value" --set "crypto.mode=$crypto" \
        ${extra[@]+"${extra[@]}"} >"$tmp/out" 2>"$tmp/err"; then
        echo "scale.sh: N=$1 horizon=$2 failed:" >&2
        tail -5 "$tmp/err" >&2
        return 1
    fi
    local user sys rss wall sessions events
    read -r user sys rss wall <"$tmp/time"
    sessions=$(sqlite3 "$db" "SELECT coalesce(sum(count), 0) FROM sessions WHERE grp = 'all';")
    events=$(sqlite3 "$db" "SELECT events FROM runs ORDER BY id DESC LIMIT 1;")
    echo "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }') $sessions $events $rss $wall" \
        >"$tmp/result"
}

load() { echo "# load: $(uptime | sed 's/^ *//')"; }

echo "# teepsim scale: transport=$transport crypto=$crypto ($("$teepsim" --version), $(date -u +%FT%TZ))"
load

if [ -n "$single" ]; then
    read -r n h <<<"$single"
    echo "# single run: $n devices, horizon $h ${extra[*]+${extra[*]}}"
    run "$n" "$h" || exit 1
    read -r c s e r w <"$tmp/result"
    printf '%8s %8s %10s %12s %8s %8s %9s %11s %13s %9s\n' devices horizon sessions events \
        cpu_s wall_s RSS_MiB KiB/dev events/sess cpu_us/sess
    awk -v n="$n" -v h="$h" -v c="$c" -v s="$s" -v e="$e" -v r="$r" -v w="$w" 'BEGIN {
        printf "%8d %8s %10d %12d %8.1f %8.1f %9.1f %11.2f %13.1f %9.1f\n", n, h, s, e, c, w,
            r / 1024, r / n, (s > 0 ? e / s : 0), (s > 0 ? c / s * 1e6 : 0) }'
    echo "# cpu_us/sess is total CPU (set-up included) over sessions; for the marginal figure run two horizons"
    load
    exit 0
fi

echo "# horizons $h1 $h2"
printf '%8s %9s %9s %8s %8s %11s %11s %12s %8s %8s\n' devices sess_H1 sess_H2 cpu_H1_s \
    cpu_H2_s us/session events/sess setup_us/dev RSS_MiB KiB/dev
rows=() # "n us setup_us rss_kib" per size
for n in "${counts[@]}"; do
    run "$n" "$h1" || exit 1
    read -r c1 s1 e1 r1 w1 <"$tmp/result"
    run "$n" "$h2" || exit 1
    read -r c2 s2 e2 r2 w2 <"$tmp/result"
    line=$(awk -v n="$n" -v c1="$c1" -v s1="$s1" -v e1="$e1" -v c2="$c2" -v s2="$s2" \
        -v e2="$e2" -v r="$r2" 'BEGIN {
        ds = s2 - s1
        us = ds > 0 ? (c2 - c1) / ds * 1e6 : 0
        ev = ds > 0 ? (e2 - e1) / ds : 0
        setup = (c1 - s1 * us / 1e6) / n * 1e6
        printf "%8d %9d %9d %8.2f %8.2f %11.1f %11.1f %12.1f %8.1f %8.2f|%d %.6f %.6f %d\n", n,
            s1, s2, c1, c2, us, ev, setup, r / 1024, r / n, n, us, setup, r }')
    echo "${line%%|*}"
    rows+=("${line#*|}")
done
if [ ${#rows[@]} -gt 1 ]; then
    printf '%s\n' "${rows[@]}" | awk '
        { n[NR] = $1; us[NR] = $2; setup[NR] = $3; rss[NR] = $4; if ($1 == 10000) ref = $2 }
        END {
            for (i = 2; i <= NR; ++i)
                printf "# marginal %d -> %d devices: set-up %.1f us/device, memory %.2f KiB/device\n",
                    n[i - 1], n[i], (setup[i] * n[i] - setup[i - 1] * n[i - 1]) / (n[i] - n[i - 1]),
                    (rss[i] - rss[i - 1]) / (n[i] - n[i - 1])
            if (ref > 0)
                for (i = 1; i <= NR; ++i)
                    printf "# us/session at %d devices: %.2fx the 10k figure%s\n", n[i], us[i] / ref,
                        (n[i] == 1000000 ? " (issue 11: <= 1.3x)" : "")
        }'
fi
load
