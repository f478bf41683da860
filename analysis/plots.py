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


def save(fig, outdir, name, written, tight=True):
    if tight:
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


def plot_removal_curve(db, points, outdir, written):
    """S(t) of the first replication of each point (up to 9), the analytic curve over it."""
    panels = []
    for point, runs in list(points.items())[:9]:
        series = defaultdict(list)
        for name, t, v in db.execute(
                "SELECT series, t_ns, value FROM timeseries WHERE run_id = ? AND series IN "
                "('removal_curve', 'removal_curve_analytic', 'trust_curve') ORDER BY series, t_ns",
                (runs[0],)):
            series[name].append((t / NS_PER_H, v))
        if series:
            panels.append((point, runs[0], series))
    if not panels:
        return
    labels = {"removal_curve": ("-", "simulated S(t): still running the TA"),
              "removal_curve_analytic": ("--", "analytic S(t)"),
              "trust_curve": (":", "simulated: a stale AR still vouches")}
    cols = min(3, len(panels))
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols + 1, 3.2 * rows + 0.6),
                             squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (point, run, series) in zip(axes.flat, panels):
        xmax = 0
        for name, pts in sorted(series.items()):
            style, text = labels[name]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=text)
            alive = [p[0] for p in pts if p[1] > 1e-3]
            xmax = max(xmax, max(alive, default=0))
        ax.set_xlim(0, max(xmax * 1.15, 1e-3))  # the curves are flat at 0 after this
        ax.set_ylim(0, 1.02)
        ax.set_title(f"{label(point)} (run {run})", fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[-1, :]:
        ax.set_xlabel("time after t0 (hours)")
    for ax in axes[:, 0]:
        ax.set_ylabel("fraction of affected devices")
    handles, texts = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="lower center", ncol=3, fontsize=8)
    fig.suptitle("Removal and stale-trust curves, simulated and analytic")
    fig.tight_layout(rect=(0, 0.06, 1, 1))  # room for the shared legend
    save(fig, outdir, "removal_curve", written, tight=False)


def find_key(varying, needle):
    return next((k for k in varying if needle in k), None)


def point_average(db, runs, stat, source):
    q = (f"SELECT AVG({stat}) FROM summaries WHERE metric = 'W_danger' AND scope = 'all'"
         f" AND source = ? AND run_id IN ({','.join('?' * len(runs))})")
    (val,) = db.execute(q, [source, *runs]).fetchone()
    return None if val is None else val / 3600  # summaries are in seconds


def plot_heatmaps(db, varying, points, outdir, written):
    vkey, pkey = find_key(varying, "validity"), find_key(varying, "interval")
    if not vkey or not pkey:
        return
    for stat in ("mean", "p95"):
        cells, theory = {}, {}
        for point, runs in points.items():
            d = dict(point)
            val = point_average(db, runs, stat, "sim")
            if val is not None:
                cells[(d[vkey], d[pkey])] = val
                theory[(d[vkey], d[pkey])] = point_average(db, runs, stat, "analytic")
        if not cells:
            continue
        vs = sorted({c[0] for c in cells}, key=duration_sort_key)
        ps = sorted({c[1] for c in cells}, key=duration_sort_key)
        grid = [[cells.get((v, p), float("nan")) for p in ps] for v in vs]
        fig, ax = plt.subplots(figsize=(6, 4.5))
        im = ax.imshow(grid, origin="lower", cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(ps)), ps)
        ax.set_yticks(range(len(vs)), vs)
        ax.set_xlabel("policy-check interval P")
        ax.set_ylabel("attestation-result validity V")
        finite = [x for row in grid for x in row if x == x]
        mid = (min(finite) + max(finite)) / 2
        for i, v in enumerate(vs):
            for j, p in enumerate(ps):
                val = grid[i][j]
                if val != val:
                    continue
                text = f"{val:.2f} h"
                if theory.get((v, p)) is not None:
                    text += f"\n(theory {theory[(v, p)]:.2f})"
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="black" if val > mid else "white")  # readable on viridis
        fig.colorbar(im, ax=ax, label=f"{stat} W_danger (hours)")
        ax.set_title(f"{stat} danger window W_danger = min(R, T_trust) over V x P", fontsize=10)
        save(fig, outdir, f"heatmap_w_danger_{stat}", written)


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


SERIES_UNITS = {"tam_queue_length": "requests", "tam_queue_length_max": "requests",
                "tam_busy_workers": "workers", "tam_load": "fraction", "sessions_per_s": "1/s",
                "sessions_failed_per_s": "1/s", "tam_queue_delay_mean": "s"}
SERIES_LABELS = {"tam_queue_length": "mean queue", "tam_queue_length_max": "max queue",
                 "tam_busy_workers": "busy workers", "tam_load": "TAM load",
                 "sessions_per_s": "sessions", "sessions_failed_per_s": "failed sessions",
                 "tam_queue_delay_mean": "queue delay"}


def plot_tam_load(db, runs, outdir, written):
    run = runs[0]
    series = defaultdict(list)
    for name, t, v in db.execute(
            "SELECT series, t_ns, value FROM timeseries WHERE run_id = ? AND (series LIKE 'tam_%'"
            " OR series LIKE 'sessions%') ORDER BY series, t_ns", (run,)):
        series[name].append((t / NS_PER_H, v))
    if not series:
        return
    fig, axes = plt.subplots(len(series), 1, figsize=(7, 1.8 * len(series) + 0.6), sharex=True,
                             squeeze=False)
    (t0,) = db.execute("SELECT MIN(t0_ns) FROM exposures WHERE run_id = ?", (run,)).fetchone()
    for ax, (name, pts) in zip(axes[:, 0], sorted(series.items())):
        ax.plot([p[0] for p in pts], [p[1] for p in pts], lw=0.8)
        if t0 is not None:
            ax.axvline(t0 / NS_PER_H, color="red", ls="--", lw=0.8)  # the TA is declared malicious
        unit = SERIES_UNITS.get(name, "")
        ax.set_ylabel(f"{SERIES_LABELS.get(name, name)}\n({unit})" if unit else name, fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("simulated time (hours)")
    axes[0, 0].set_title(f"TAM load and queueing over time (run {run}; dashed: t0)")
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
    plot_removal_curve(db, points, args.outdir, written)
    plot_heatmaps(db, varying, points, args.outdir, written)
    plot_scatter(db, points, args.outdir, written)
    plot_tam_load(db, runs, args.outdir, written)
    for w in written:
        print(w)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
