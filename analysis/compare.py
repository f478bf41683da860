#!/usr/bin/python3
"""Simulation against theory, one row per sweep point.

usage: /usr/bin/python3 analysis/compare.py DB [--markdown] [--unit s|m|h] [--metrics R,T_trust,W_danger]

For every sweep point (runs with the same resolved scenario, i.e. the same scenario_hash; the
replications differ only in their run number) and every metric: the mean over replications of
the per-run simulated means with its 95 % confidence interval (Student t, replications - 1
degrees of freedom), the analytic mean `teepsim run` stored beside it, and the verdict: "within
CI" when theory lies inside the interval, else z = (theory - mean) / se across replications.
With one replication the run's own standard error (over devices) is used instead. A point
whose runs have censored values is marked "cens": its simulated mean is biased low.
Columns: the sweep's varying parameters, then per metric sim mean [CI], theory, verdict.
Only the Python standard library is used (sqlite3).
"""
import argparse
import math
import os
import sqlite3
import sys
from collections import defaultdict

UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
IGNORED_KEYS = {"run", "seed", "outputs.database", "outputs.pcap_dir", "output.database",
                "output.pcap_dir"}
# Two-sided 95 % Student t quantiles for 1..30 degrees of freedom (as sim/sweep/point_summaries.cc).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df):
    return T975[df - 1] if df <= 30 else 1.96 + 2.4 / df


class Cell:
    """One metric at one point: replication means, theory, verdict."""

    def __init__(self, sims, theory, censored):
        self.n = len(sims)
        self.mean = sum(m for m, _ in sims) / self.n if sims else None
        self.censored = censored
        self.theory = theory
        self.low = self.high = self.se = None
        if self.n >= 2:
            sd = math.sqrt(sum((m - self.mean) ** 2 for m, _ in sims) / (self.n - 1))
            self.se = sd / math.sqrt(self.n)
        elif self.n == 1:
            self.se = sims[0][1]  # within-run standard error over devices (may be None)
        if self.se is not None:
            half = (t975(self.n - 1) if self.n >= 2 else 1.96) * self.se
            self.low, self.high = self.mean - half, self.mean + half

    def verdict(self):
        if self.theory is None or self.mean is None:
            return "-"
        if self.low is not None and self.low <= self.theory <= self.high:
            return "within CI"
        if not self.se:
            return "no CI"
        return f"z={(self.theory - self.mean) / self.se:+.2f}"


def load(db, metrics):
    runs = {}
    for rid, h in db.execute("SELECT id, scenario_hash FROM runs WHERE status = 'ok' ORDER BY id"):
        runs[rid] = h
    params = defaultdict(dict)
    for rid, key, value in db.execute("SELECT run_id, key, value FROM run_params"):
        params[rid][key] = value
    keys = set().union(*(params[r].keys() for r in runs)) if runs else set()
    varying = sorted(k for k in keys - IGNORED_KEYS
                     if len({params[r].get(k) for r in runs}) > 1 and "replication" not in k)
    points = {}  # scenario_hash -> first run id, in run order
    for rid, h in runs.items():
        points.setdefault(h, rid)
    sims = defaultdict(list)
    theory = defaultdict(list)
    censored = defaultdict(bool)
    marks = ",".join("?" * len(metrics))
    for rid, metric, source, mean, se, ncens in db.execute(
            "SELECT run_id, metric, source, mean, se, n_censored FROM summaries "
            f"WHERE scope = 'all' AND metric IN ({marks}) ORDER BY run_id", metrics):
        if rid not in runs or mean is None:
            continue
        key = (runs[rid], metric)
        if source == "sim":
            sims[key].append((mean, se))
            censored[key] |= bool(ncens)
        elif source == "analytic":
            theory[key].append(mean)
    rows = []
    for h, first in points.items():
        cells = {}
        for m in metrics:
            t = theory.get((h, m))
            cells[m] = Cell(sims.get((h, m), []), sum(t) / len(t) if t else None,
                            censored[(h, m)])
        rows.append(([params[first].get(k, "") for k in varying], cells))
    rows.sort(key=lambda row: [sort_key(v) for v in row[0]])
    return varying, rows


def sort_key(text):
    """Durations by length (30m before 1h), numbers by value, other text after them."""
    t = str(text).strip()
    for unit, scale in (("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60),
                        ("h", 3600), ("d", 86400), ("", 1)):
        if t.endswith(unit):
            try:
                return (0, float(t[: len(t) - len(unit)]) * scale, t)
            except ValueError:
                pass
    return (1, 0.0, t)


def fmt(value, unit):
    return "-" if value is None else f"{value / UNITS[unit]:.4g}"


def table(varying, rows, metrics, unit):
    head = [k.split(".")[-1] for k in varying] + ["reps"]
    for m in metrics:
        head += [f"{m} sim [95% CI] ({unit})", f"{m} theory", f"{m} vs theory"]
    body = []
    for values, cells in rows:
        reps = max((c.n for c in cells.values()), default=0)
        line = list(values) + [str(reps)]
        for m in metrics:
            c = cells[m]
            sim = fmt(c.mean, unit)
            if c.low is not None:
                sim += f" [{fmt(c.low, unit)}, {fmt(c.high, unit)}]"
            if c.censored:
                sim += " cens"
            line += [sim, fmt(c.theory, unit), c.verdict()]
        body.append(line)
    return head, body


def render_plain(head, body):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    out = ["  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip()
           for line in [head] + body]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def render_markdown(head, body):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(x) for x in line) + " |" for line in body]
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table for notes")
    ap.add_argument("--unit", choices=sorted(UNITS), default="h", help="time unit (default h)")
    ap.add_argument("--metrics", default="R,T_trust,W_danger",
                    help="comma-separated summary metrics (default R,T_trust,W_danger)")
    args = ap.parse_args(argv)
    if not os.path.exists(args.db):
        print(f"compare: {args.db}: no such database", file=sys.stderr)
        return 2
    metrics = [m for m in args.metrics.split(",") if m]
    try:
        db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        varying, rows = load(db, metrics)
    except sqlite3.Error as e:
        print(f"compare: {args.db}: not a teepsim database ({e})", file=sys.stderr)
        return 2
    if not rows:
        print("compare: no completed runs in the database", file=sys.stderr)
        return 1
    head, body = table(varying, rows, metrics, args.unit)
    print(render_markdown(head, body) if args.markdown else render_plain(head, body))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
