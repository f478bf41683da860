#!/usr/bin/python3
"""Turns a teepsim SQLite database into figures (PNG and PDF).

usage: /usr/bin/python3 analysis/plots.py DB OUTDIR [--runs all|ID,ID...]

Figures: CDFs of R, T_trust and W_danger per sweep point; the removal curve S(t) with the
analytic curve over it; heatmaps of mean and p95 W_danger over the validity x interval grid;
R vs T_trust scatter; TAM queue and load over time. Runs that share every parameter except the
replication are one point. Figures whose data are absent are skipped with a note.
"""
import argparse
import os
import sqlite3
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NS_PER_H = 3600e9
METRICS = [("r_ns", "removal window R"), ("t_trust_ns", "stale-trust window T_trust"),
           ("w_danger_ns", "danger window W_danger")]
IGNORED_KEYS = {"run", "seed", "output.database", "outputs.database", "output.pcap_dir",
                "outputs.pcap_dir"}


def load_points(db, run_filter):
    runs = [r[0] for r in db.execute("SELECT id FROM runs WHERE status = 'ok' ORDER BY id")]
    if run_filter:
        runs = [r for r in runs if r in run_filter]
    params = defaultdict(dict)
    for run_id, key, value in db.execute("SELECT run_id, key, value FROM run_params"):
        params[run_id][key] = value
    keys = set()
    for r in runs:
        keys |= set(params[r])
    varying = sorted(k for k in keys - IGNORED_KEYS
                     if len({params[r].get(k) for r in runs}) > 1 and "replication" not in k)
    points = defaultdict(list)
    for r in runs:
        points[tuple((k, params[r].get(k)) for k in varying)].append(r)
    return runs, varying, points


def label(point):
    return ", ".join(f"{k.split('.')[-1]}={v}" for k, v in point) or "all runs"


def save(fig, outdir, name, written):
    fig.tight_layout()
    for ext in ("png", "pdf"):
        path = os.path.join(outdir, f"{name}.{ext}")
        fig.savefig(path, dpi=130)
        written.append(path)
    plt.close(fig)


def exposure_values(db, runs, column):
    q = f"SELECT {column} FROM exposures WHERE run_id IN ({','.join('?' * len(runs))})"
    return [v for (v,) in db.execute(q, runs)]


def plot_cdfs(db, points, outdir, written):
    for column, title in METRICS:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        drawn = 0
        for point, runs in list(points.items())[:12]:
            vals = exposure_values(db, runs, column)
            total = len(vals)
            done = sorted(v / NS_PER_H for v in vals if v is not None)
            if not total or not done:
                continue
            ys = [(i + 1) / total for i in range(len(done))]  # censored values keep the CDF < 1
            ax.step(done, ys, where="post", label=label(point))
            drawn += 1
        if not drawn:
            plt.close(fig)
            continue
        ax.set_xlabel(f"{title} (hours after t0)")
        ax.set_ylabel("fraction of affected devices")
        ax.set_title(f"CDF of {title}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        save(fig, outdir, f"cdf_{column[:-3]}", written)


def plot_removal_curve(db, runs, outdir, written):
    series = defaultdict(list)
    run = runs[0]
    for name, t, v in db.execute(
            "SELECT series, t_ns, value FROM timeseries WHERE run_id = ? AND (series LIKE 'removal_curve%'"
            " OR series = 'trust_curve') ORDER BY series, t_ns", (run,)):
        series[name].append((t / NS_PER_H, v))
    if not series:
        return
    labels = {"removal_curve": ("-", "simulated S(t): still running the TA"),
              "removal_curve_analytic": ("--", "analytic S(t)"),
              "trust_curve": (":", "simulated: a stale AR still vouches")}
    fig, ax = plt.subplots(figsize=(7, 4.5))
    xmax = 0
    for name, pts in sorted(series.items()):
        style, text = labels.get(name, ("-", name))
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=text)
        alive = [p[0] for p in pts if p[1] > 1e-3]
        xmax = max(xmax, max(alive, default=0))
    ax.set_xlim(0, max(xmax * 1.15, 1e-3))  # the curves are flat at 0 after this
    ax.set_xlabel("time after t0 (hours)")
    ax.set_ylabel("fraction of affected devices")
    ax.set_title(f"Removal and stale-trust curves (run {run})")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    save(fig, outdir, "removal_curve", written)


def find_key(varying, needle):
    return next((k for k in varying if needle in k), None)


def plot_heatmaps(db, varying, points, outdir, written):
    vkey, pkey = find_key(varying, "validity"), find_key(varying, "interval")
    if not vkey or not pkey:
        return
    for stat, name in (("mean", "mean"), ("p95", "p95")):
        cells = {}
        for point, runs in points.items():
            d = dict(point)
            q = (f"SELECT AVG({stat}) FROM summaries WHERE metric = 'W_danger' AND scope = 'all' AND source = 'sim'"
                 f" AND run_id IN ({','.join('?' * len(runs))})")
            (val,) = db.execute(q, runs).fetchone()
            if val is not None:
                cells[(d[vkey], d[pkey])] = val / 3600  # summaries are in seconds
        if not cells:
            continue
        vs = sorted({c[0] for c in cells}, key=duration_sort_key)
        ps = sorted({c[1] for c in cells}, key=duration_sort_key)
        grid = [[cells.get((v, p), float("nan")) for p in ps] for v in vs]
        fig, ax = plt.subplots(figsize=(6, 4.5))
        im = ax.imshow(grid, origin="lower", cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(ps)), ps)
        ax.set_yticks(range(len(vs)), vs)
        ax.set_xlabel(f"policy-check interval P ({pkey})")
        ax.set_ylabel(f"AR validity V ({vkey})")
        for i, row in enumerate(grid):
            for j, val in enumerate(row):
                ax.text(j, i, f"{val:.2f}", ha="center", va="center", color="w", fontsize=8)
        fig.colorbar(im, ax=ax, label=f"{name} W_danger (hours)")
        ax.set_title(f"{name} W_danger over V x P")
        save(fig, outdir, f"heatmap_w_danger_{name}", written)


def duration_sort_key(text):
    units = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
    t = str(text).strip()
    for u in sorted(units, key=len, reverse=True):
        if t.endswith(u):
            try:
                return float(t[: -len(u)]) * units[u]
            except ValueError:
                break
    try:
        return float(t)
    except ValueError:
        return float("inf")


def plot_scatter(db, points, outdir, written):
    fig, ax = plt.subplots(figsize=(6, 5))
    drawn = 0
    for point, runs in list(points.items())[:12]:
        q = (f"SELECT r_ns, t_trust_ns FROM exposures WHERE r_ns IS NOT NULL AND t_trust_ns IS NOT NULL"
             f" AND run_id IN ({','.join('?' * len(runs))}) LIMIT 5000")
        rows = db.execute(q, runs).fetchall()
        if rows:
            ax.scatter([r / NS_PER_H for r, _ in rows], [t / NS_PER_H for _, t in rows], s=4,
                       alpha=0.5, label=label(point))
            drawn += 1
    if not drawn:
        plt.close(fig)
        return
    lim = ax.get_xlim()[1]
    ax.plot([0, lim], [0, lim], "k:", lw=0.8, label="R = T_trust")
    ax.set_xlabel("removal window R (hours)")
    ax.set_ylabel("stale-trust window T_trust (hours)")
    ax.set_title("R vs T_trust per device")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    save(fig, outdir, "scatter_r_t_trust", written)


def plot_tam_load(db, runs, outdir, written):
    run = runs[0]
    series = defaultdict(list)
    for name, t, v in db.execute(
            "SELECT series, t_ns, value FROM timeseries WHERE run_id = ? AND (series LIKE 'tam_%'"
            " OR series LIKE 'sessions%') ORDER BY series, t_ns", (run,)):
        series[name].append((t / NS_PER_H, v))
    if not series:
        return
    fig, axes = plt.subplots(len(series), 1, figsize=(7, 2.2 * len(series)), sharex=True,
                             squeeze=False)
    for ax, (name, pts) in zip(axes[:, 0], sorted(series.items())):
        ax.plot([p[0] for p in pts], [p[1] for p in pts], lw=0.8)
        ax.set_ylabel(name.replace("_", " "), fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("simulated time (hours)")
    axes[0, 0].set_title(f"TAM load and queueing (run {run})")
    save(fig, outdir, "tam_load", written)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("outdir")
    ap.add_argument("--runs", default="all", help="all, or comma-separated run ids")
    args = ap.parse_args(argv)
    if not os.path.exists(args.db):
        print(f"plots: {args.db}: no such database", file=sys.stderr)
        return 2
    run_filter = None if args.runs == "all" else {int(x) for x in args.runs.split(",")}
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    runs, varying, points = load_points(db, run_filter)
    if not runs:
        print("plots: no completed runs in the database", file=sys.stderr)
        return 1
    os.makedirs(args.outdir, exist_ok=True)
    written = []
    plot_cdfs(db, points, args.outdir, written)
    plot_removal_curve(db, runs, args.outdir, written)
    plot_heatmaps(db, varying, points, args.outdir, written)
    plot_scatter(db, points, args.outdir, written)
    plot_tam_load(db, runs, args.outdir, written)
    for w in written:
        print(w)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
