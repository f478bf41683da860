#!/usr/bin/python3
"""Simulation against theory, one row per sweep point.

usage: /usr/bin/python3 analysis/compare.py DB [--markdown] [--unit s|m|h] [--metrics R,T_trust,W_danger]

For every sweep point (runs with the same resolved scenario, i.e. the same scenario_hash; the
replications differ only in their run number) and every metric: the mean over replications of
the per-run simulated means with its 95 % confidence interval as `teepsim sweep` stored it in
`point_summaries` (Student t with replications - 1 degrees of freedom, computed once, by the
simulator), the analytic mean `teepsim run` stored beside it, and the verdict: "within CI" when
theory lies inside the interval, else z = (theory - mean) / se across replications. With one
replication the run's own standard error over devices gives mean ± 1.96 se. Several replications
without stored point summaries (runs added by `teepsim run` alone) get no interval, only z. A
point whose runs have censored values is marked "cens": its simulated mean is biased low.
Columns: the sweep's varying parameters, then per metric sim mean [CI], theory, verdict.
The numbers come from analysis/teepsim_data.py (pandas).
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import teepsim_data as td  # noqa: E402

UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def finite(x):
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def verdict(row, m):
    mean, theory = row[f"{m}_mean"], row[f"{m}_theory"]
    low, high, z = row[f"{m}_ci_low"], row[f"{m}_ci_high"], row[f"{m}_z"]
    if not finite(theory) or not finite(mean):
        return "-"
    if finite(low) and low <= theory <= high:
        return "within CI"
    if not finite(z):
        return "no CI"
    return f"z={z:+.2f}"


def load(db, metrics):
    """(varying parameter keys, rows): rows are (parameter texts, the points() row)."""
    pts = td.points(db, metrics=metrics)
    varying = pts.attrs["swept"]
    text = pts.attrs.get("text", {})
    rows = []
    for _, row in pts.iterrows():
        first = min(row["runs"])
        rows.append(([text[k].get(first, "") if k in text else "" for k in varying], row))
    return varying, rows


def fmt(value, unit):
    return "-" if value is None else f"{value / UNITS[unit]:.4g}"


def table(varying, rows, metrics, unit):
    head = [td.short_key(k) for k in varying] + ["reps"]
    for m in metrics:
        head += [f"{m} sim [95% CI] ({unit})", f"{m} theory", f"{m} vs theory"]
    body = []
    for values, row in rows:
        line = list(values) + [str(int(row["reps"]))]
        for m in metrics:
            mean = row[f"{m}_mean"]
            sim = fmt(mean if finite(mean) else None, unit)
            if finite(row[f"{m}_ci_low"]):
                sim += f" [{fmt(row[f'{m}_ci_low'], unit)}, {fmt(row[f'{m}_ci_high'], unit)}]"
            if row[f"{m}_censored"]:
                sim += " cens"
            theory = row[f"{m}_theory"]
            line += [sim, fmt(theory if finite(theory) else None, unit), verdict(row, m)]
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
    metrics = [m for m in args.metrics.split(",") if m]
    try:
        varying, rows = load(args.db, metrics)
    except td.DataError as e:
        print(f"compare: {e}", file=sys.stderr)
        return 2
    if not rows:
        print("compare: no completed runs in the database", file=sys.stderr)
        return 1
    head, body = table(varying, rows, metrics, args.unit)
    print(render_markdown(head, body) if args.markdown else render_plain(head, body))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
