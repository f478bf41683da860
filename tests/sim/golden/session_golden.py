#!/usr/bin/python3
"""Golden results: the simulator's results must not change when its implementation does.

Runs a fixed set of small scenarios (every transport, crypto mode, Broker behaviour, REE-less
devices, personalization, freshness and authorization models, herds) and compares every row of
every results table with rows recorded before an implementation change (golden/*.txt). Columns
that describe the machine or the simulator's cost (wall time, RSS, version, ns-3 event count)
are left out; doubles are compared exactly (hex). A difference names the scenario, table and row.

Usage: session_golden.py TEEPSIM SOURCE_DIR  (TEEPSIM_UPDATE_GOLDEN=1 re-records)
"""
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile

# name -> (scenario file, overrides). Small: the whole test runs in well under a minute.
CASES = {
    "quickstart": ("scenarios/quickstart.yaml", ["fleet.0.count=40", "horizon=2d"]),
    "broker_dos": ("scenarios/broker_dos.yaml", ["fleet.0.count=60", "horizon=2d"]),
    "personalization": ("scenarios/personalization.yaml", ["fleet.0.count=30", "horizon=2d"]),
    "tampering_ree": ("scenarios/tampering_ree.yaml", ["fleet.0.count=40", "horizon=2d"]),
    "microcontrollers_tcp": ("scenarios/microcontrollers.yaml",
                             ["fleet.0.count=8", "fleet.1.count=4", "horizon=3d",
                              "catalogue.sensor-fw.image_size=64KiB"]),
    "quickstart_tcp_modelled": ("scenarios/quickstart.yaml",
                                ["fleet.0.count=20", "horizon=2d", "transport=full",
                                 "crypto.mode=modelled"]),
    "freshness": ("scenarios/freshness.yaml", ["horizon=2d"]),
    "tee_definition": ("scenarios/tee_definition.yaml", ["horizon=2d"]),
    "herd": ("scenarios/herd.yaml", ["horizon=1d", "fleet.0.count=600"]),
    "scale_modelled": ("bench/scale_scenario.yaml", ["fleet.0.count=50", "horizon=3h"]),
}

# Columns about the machine or the simulator's own cost, not the simulated results.
SKIP = {("runs", c) for c in ("id", "started_at", "wall_seconds", "peak_rss_kib",
                              "teepsim_version", "events")}


# Bulky tables kept as a digest per series (timeseries) or scope (the curves, which are views
# over exposures): a change is still caught, and the recorded files stay small.
DIGESTED = {"timeseries", "removal_curve", "trust_curve"}


def value(v):
    if v is None:
        return "N"
    if isinstance(v, float):
        return "F" + v.hex()
    if isinstance(v, bytes):
        return "B" + v.hex()
    return repr(v)


def dump(db_path):
    db = sqlite3.connect(db_path)
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
    rows = []
    for t in tables:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info('{t}')") if (t, r[1]) not in SKIP]
        if not cols:
            continue
        q = ", ".join(f'"{c}"' for c in cols)
        body = sorted("|".join(value(v) for v in r)
                      for r in db.execute(f'SELECT {q} FROM "{t}"')
                      if not (t == "meta" and r[0] == "created_at"))
        rows.append(f"# {t}: {','.join(cols)} ({len(body)} rows)")
        if t in DIGESTED:
            # One line per series/scope: its row count and the SHA-256 of its rows.
            groups = {}
            for b in body:
                groups.setdefault(b.split("|", 2)[1], []).append(b)
            for key, part in sorted(groups.items()):
                digest = hashlib.sha256("\n".join(part).encode()).hexdigest()
                rows.append(f"{t}|{key}|rows={len(part)}|sha256={digest}")
        else:
            rows.extend(f"{t}|{b}" for b in body)
    db.close()
    return rows


def main():
    teepsim, src = sys.argv[1], sys.argv[2]
    golden_dir = os.path.join(src, "tests/sim/golden")
    update = bool(os.environ.get("TEEPSIM_UPDATE_GOLDEN"))
    failures = 0
    with tempfile.TemporaryDirectory(prefix="teepsim-golden-") as tmp:
        for name, (scenario, sets) in CASES.items():
            db = os.path.join(tmp, name + ".db")
            cmd = [teepsim, "run", os.path.join(src, scenario), "--out", db]
            for s in sets:
                cmd += ["--set", s]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {name}: teepsim run exited {r.returncode}\n{r.stderr}")
                failures += 1
                continue
            rows = dump(db)
            path = os.path.join(golden_dir, name + ".txt")
            if update:
                with open(path, "w") as f:
                    f.write("\n".join(rows) + "\n")
                print(f"re-recorded {path} ({len(rows)} lines)")
                continue
            with open(path) as f:
                golden = f.read().splitlines()
            if rows == golden:
                print(f"ok {name}: {len(rows)} lines identical")
                continue
            failures += 1
            print(f"FAIL {name}: results differ from {path}")
            for i, (a, b) in enumerate(zip(rows, golden)):
                if a != b:
                    print(f"  first difference at line {i + 1}:\n    now:    {a[:300]}\n"
                          f"    golden: {b[:300]}")
                    break
            else:
                print(f"  {len(rows)} lines now, {len(golden)} recorded")
    if failures:
        print(f"{failures} of {len(CASES)} scenarios differ from the recorded results")
        return 1
    print(f"all {len(CASES)} scenarios give the recorded results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
