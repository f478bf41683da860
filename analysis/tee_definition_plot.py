#!/usr/bin/python3
"""Seed issue #158: W_danger under the two TEE definitions, from a tee_definition sweep.

usage: /usr/bin/python3 analysis/tee_definition_plot.py DB OUT.png [--table]

DB is the database of `teepsim sweep scenarios/tee_definition.yaml`. For every sweep point
(fleet.0.tee.authorization x fleet.0.tee.status_validity V_a x policy_check.interval P) the
simulated mean of a metric is the mean of its replications' means, with the standard error
sqrt(sum se_r^2) / n over the replications' own standard errors (over devices); the analytic
value is the one `teepsim run` stored beside it (docs/THEORY-AUTHORIZATION.md). The figure
draws mean W_danger against V_a, one colour per P, install-time (squares) and execution-time
(circles) simulated with 95 % error bars, theory dashed, and writes the analytic value beside
every point. --table prints, per point, simulated vs analytic mean X and W_danger with SE and
z = (sim - theory) / SE (markdown). Needs matplotlib; reads the database with sqlite3 only.
"""
import argparse
import math
import sqlite3
import sys
from collections import defaultdict

AUTH = "fleet.0.tee.authorization"
VALIDITY = "fleet.0.tee.status_validity"
INTERVAL = "policy_check.interval"
UNIT_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def seconds(text):
    """'30m' -> 1800.0 (the canonical duration text of run_params)."""
    for unit in sorted(UNIT_S, key=len, reverse=True):
        if text.endswith(unit) and text[: -len(unit)].replace(".", "", 1).isdigit():
            return float(text[: -len(unit)]) * UNIT_S[unit]
    raise ValueError(f"not a duration: {text!r}")


def load(db):
    """{(auth, V_a s, P s): {metric: {"sim": [(mean, se)], "analytic": value, "censored": n}}}"""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    params = defaultdict(dict)
    for run_id, key, value in con.execute(
            "SELECT run_id, key, value FROM run_params WHERE key IN (?, ?, ?)",
            (AUTH, VALIDITY, INTERVAL)):
        params[run_id][key] = value
    points = defaultdict(lambda: defaultdict(lambda: {"sim": [], "analytic": None, "censored": 0}))
    rows = con.execute(
        "SELECT s.run_id, s.metric, s.source, s.mean, s.se, s.n_censored FROM summaries s "
        "JOIN runs r ON r.id = s.run_id WHERE r.status = 'ok' AND s.scope = 'all' "
        "AND s.metric IN ('X', 'W_danger', 'R')")
    for run_id, metric, source, mean, se, censored in rows:
        p = params.get(run_id)
        if not p or len(p) != 3 or mean is None:
            continue
        key = (p[AUTH], seconds(p[VALIDITY]), seconds(p[INTERVAL]))
        cell = points[key][metric]
        if source == "sim":
            cell["sim"].append((mean, se or 0.0))
            cell["censored"] += censored or 0
        else:
            cell["analytic"] = mean  # identical for every replication of a point
    con.close()
    if not points:
        sys.exit(f"{db}: no runs with {AUTH}, {VALIDITY} and {INTERVAL} (not a tee_definition "
                 "sweep?)")
    return points


def pooled(cell):
    """Mean of the replication means and its standard error; (None, None) without runs."""
    sims = cell["sim"]
    if not sims:
        return None, None
    mean = sum(m for m, _ in sims) / len(sims)
    se = math.sqrt(sum(s * s for _, s in sims)) / len(sims)
    return mean, se


def label(s):
    return f"{s / 3600:g} h" if s >= 3600 else f"{s / 60:g} min"


def table(points):
    print("| authorization | V_a | P | runs | X sim (SE) | X theory | z | W_danger sim (SE) | "
          "W_danger theory | z |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key in sorted(points):
        auth, va, p = key
        cells = []
        for metric in ("X", "W_danger"):
            if metric == "X" and auth == "install-time":
                metric = "R"  # the TA runs until it is removed: X = R (no X row is stored)
            mean, se = pooled(points[key][metric])
            theory = points[key][metric]["analytic"]
            z = (mean - theory) / se if mean is not None and theory is not None and se else None
            cens = " cens" if points[key][metric]["censored"] else ""
            cells += [f"{mean / 60:.2f} min ({se / 60:.2f}){cens}" if mean is not None else "-",
                      f"{theory / 60:.2f} min" if theory is not None else "-",
                      f"{z:+.2f}" if z is not None else "-"]
        runs = len(points[key]["W_danger"]["sim"])
        print(f"| {auth} | {label(va)} | {label(p)} | {runs} | " + " | ".join(cells) + " |")


def plot(points, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    intervals = sorted({p for _, _, p in points})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, ax = plt.subplots(figsize=(8, 5.2))
    for i, p in enumerate(intervals):
        colour = colours[i % len(colours)]
        for auth, marker, name in (("install-time", "s", "install-time (-08)"),
                                   ("execution-time", "o", "execution-time (-07)")):
            keys = sorted(k for k in points if k[0] == auth and k[2] == p)
            if not keys:
                continue
            xs = [k[1] / 3600 for k in keys]
            sims = [pooled(points[k]["W_danger"]) for k in keys]
            theory = [points[k]["W_danger"]["analytic"] for k in keys]
            ys = [m / 60 if m is not None else math.nan for m, _ in sims]
            err = [1.96 * s / 60 if s is not None else 0 for _, s in sims]
            ax.errorbar(xs, ys, yerr=err, marker=marker, color=colour, linestyle="-",
                        capsize=3, label=f"{name}, P = {label(p)}")
            if all(t is not None for t in theory):
                ax.plot(xs, [t / 60 for t in theory], color=colour, linestyle="--", linewidth=1)
                for x, t in zip(xs, theory):
                    ax.annotate(f"{t / 60:.1f}", (x, t / 60), textcoords="offset points",
                                xytext=(6, -10 if auth == "execution-time" else 4), fontsize=7,
                                color=colour)
    ax.set_xscale("log")
    ax.set_yscale("log")
    validities = sorted({k[1] for k in points})
    ax.set_xticks([v / 3600 for v in validities])
    ax.set_xticklabels([label(v) for v in validities])
    ax.minorticks_off()
    ax.set_xlabel("status validity V_a (refreshed every V_a / 2)")
    ax.set_ylabel("mean W_danger (min)")
    ax.set_title("Issue #158: W_danger = min(X, T_trust) under the two TEE definitions\n"
                 "(simulated with 95 % CI; theory dashed, its value beside each point)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"written: {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("out", help="PNG file to write")
    ap.add_argument("--table", action="store_true",
                    help="also print simulated vs analytic X and W_danger per point (markdown)")
    args = ap.parse_args()
    points = load(args.db)
    plot(points, args.out)
    if args.table:
        table(points)


if __name__ == "__main__":
    main()
