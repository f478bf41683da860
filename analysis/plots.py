#!/usr/bin/python3
"""Turns a teepsim SQLite database into figures for drafts (PNG, PDF and SVG).

usage: /usr/bin/python3 analysis/plots.py DB OUTDIR [--runs all|ID,ID...] [--threshold DURATION]

Figures (each only when the database can support it; otherwise one line says why it was skipped):
  design_chart          V x P design chart: where E[W_danger] and p99 W_danger stay within the
                        --threshold (default 1h), simulated contours solid, theory dashed
  vs_<param>            R, T_trust, W_danger against each swept parameter: replication mean with
                        its 95 % CI, the analytic value dashed
  heatmap_w_danger_*    mean and p95 W_danger over the V x P grid, theory in each cell
  cdf_r, cdf_t_trust, cdf_w_danger   CDFs per sweep point (R with its analytic CDF dashed)
  removal_curve         S(t) and the stale-trust curve per point, the analytic S(t) dashed
  survival_class, survival_broker    S(t) per device class / per Broker behaviour
  scatter_r_t_trust     R against T_trust per device
  tam_load              TAM utilisation, queue length and wait over time, every point
  tam_load_vs_<param>   utilisation, mean queue wait and busy/error sessions vs a swept
                        fleet size, interval, worker count or service time
  bytes_per_session     bytes on the wire per session, device->TAM and TAM->device, per outcome
Runs that share every parameter except the replication are one point (analysis/teepsim_data.py).
Exit 0 when at least one figure was written, 1 when none, 2 for a missing or foreign database.
"""
import argparse
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import style  # noqa: E402  (sets the Agg backend before pyplot is imported)
import teepsim_data as td  # noqa: E402

HOUR = 3600.0
METRICS = [("R", "removal window R"), ("T_trust", "stale-trust window T_trust"),
           ("W_danger", "danger window W_danger")]
EXTRA_METRICS = [("X", "execution window X")]
MAX_LINES = 9  # lines per panel before a legend stops being readable


class Plots:
    def __init__(self, db, outdir, run_filter=None, threshold=HOUR, formats=style.FORMATS):
        self.formats = formats
        self.con = td.connect(db)
        self.outdir = outdir
        self.threshold = threshold
        self.runs = td.runs(self.con)
        if run_filter:
            self.runs = self.runs[self.runs["run_id"].isin(run_filter)]
        self.swept = [k for k in self.runs.attrs["swept"] if k in self.runs.columns]
        self.units = self.runs.attrs["units"]
        self.points = td.points(self.con)
        if run_filter:
            self.points = self.points[self.points["runs"].apply(
                lambda rs: any(r in run_filter for r in rs))].reset_index(drop=True)
        self.written, self.skipped = [], []
        # X (execution window, TEE authorization at execution time) when the database has it.
        self.metrics = METRICS + [(m, t) for m, t in EXTRA_METRICS
                                  if f"{m}_mean" in self.points.columns
                                  and self.points[f"{m}_mean"].notna().any()]

    # -- helpers ------------------------------------------------------------------------------
    def skip(self, name, reason):
        self.skipped.append((name, reason))

    def label(self, prow, keys=None):
        keys = self.swept if keys is None else keys
        return ", ".join(f"{td.short_key(k)}={td.format_value(prow[k], self.units.get(k))}"
                         for k in keys) or "all runs"

    def first_run(self, prow):
        return min(prow["runs"])

    def series(self, run):
        return set(td.series_names(self.con, run))

    def axis_label(self, key):
        unit = self.units.get(key)
        name = td.short_key(key)
        if unit == "s":
            return f"{name} (hours)"
        return f"{name} ({unit})" if unit and unit not in ("bool", "1", "count") else name

    def axis_value(self, key, v):
        return v / HOUR if self.units.get(key) == "s" else v

    def value_ticks(self, ax, key):
        """Ticks at the swept values, labelled as in the scenario (30m, 1h, 6h); a log axis when
        the values span more than a factor 4."""
        vals = sorted(v for v in self.points[key].dropna().unique())
        if not vals:
            return
        if vals[0] > 0 and vals[-1] > 4 * vals[0]:
            ax.set_xscale("log")
            ax.minorticks_off()
        ax.set_xticks([self.axis_value(key, v) for v in vals],
                      [td.format_value(v, self.units.get(key)) for v in vals])

    # -- figures ------------------------------------------------------------------------------
    def design_chart(self):
        vkey = next((k for k in self.swept if k.endswith("validity")), None)
        pkey = next((k for k in self.swept if k.endswith("interval")), None)
        if not vkey or not pkey:
            return self.skip("design_chart", "needs verifier.validity and policy_check.interval "
                             "both swept")
        p = self.points.dropna(subset=[vkey, pkey])
        vs, ps = sorted(p[vkey].unique()), sorted(p[pkey].unique())
        if len(vs) < 2 or len(ps) < 2:
            return self.skip("design_chart", "needs at least 2 values of V and of P")
        def grid(col):
            g = np.full((len(vs), len(ps)), np.nan)
            for _, r in p.iterrows():
                g[vs.index(r[vkey]), ps.index(r[pkey])] = r.get(col, np.nan)
            return g / HOUR
        mean, p99, theory = grid("W_danger_mean"), grid("W_danger_p99"), grid("W_danger_theory")
        X, Y = np.meshgrid(np.array(ps) / HOUR, np.array(vs) / HOUR)
        Xe, Ye = log_edges(np.array(ps) / HOUR), log_edges(np.array(vs) / HOUR)
        fig, axes = style.figure()
        ax = axes[0, 0]
        ax.grid(False)
        finite = mean[np.isfinite(mean)]
        if finite.size == 0:
            style.close(fig)
            return self.skip("design_chart", "no uncensored W_danger mean at any point")
        mesh = ax.pcolormesh(Xe, Ye, mean, shading="flat", cmap="viridis", alpha=0.85)
        fig.colorbar(mesh, ax=ax, label="simulated E[W_danger] (hours)")
        thr = self.threshold / HOUR
        c = style.colors()
        handles, labels = [], []
        for g, color, ls, text in ((mean, c[1], "-", "E[W_danger], simulated"),
                                   (p99, c[3], "-", "p99 W_danger, simulated"),
                                   (theory, c[1], "--", "E[W_danger], theory")):
            if np.isfinite(g).sum() < 4:
                continue
            lo, hi = np.nanmin(g), np.nanmax(g)
            if not lo <= thr <= hi:
                where = "everywhere" if hi < thr else "nowhere"
                labels.append(f"{text} \u2264 {thr:g} h {where} on this grid")
                handles.append(matplotlib_line(color, ls))
                continue
            ax.contour(X, Y, np.where(np.isfinite(g), g, hi), levels=[thr], colors=[color],
                       linestyles=[ls], linewidths=2)
            handles.append(matplotlib_line(color, ls))
            labels.append(f"{text} = {thr:g} h")
        for i, v in enumerate(vs):
            for j, pp in enumerate(ps):
                if np.isfinite(mean[i, j]):
                    ok = mean[i, j] <= thr and (not np.isfinite(p99[i, j]) or p99[i, j] <= thr)
                    ax.annotate(f"{mean[i, j]:.2g}" + (" \u2713" if ok else ""),
                                (pp / HOUR, v / HOUR), ha="center", va="center", fontsize=7,
                                color="white" if mean[i, j] < np.nanmean(finite) else "black")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(np.array(ps) / HOUR, [td.format_value(x, "s") for x in ps])
        ax.set_yticks(np.array(vs) / HOUR, [td.format_value(x, "s") for x in vs])
        ax.minorticks_off()
        ax.set_xlabel("policy-check interval P (hours, log scale)")
        ax.set_ylabel("attestation-result validity V (hours, log scale)")
        ax.set_title(f"Design chart: target W_danger \u2264 {thr:g} h "
                     "(\u2713: mean and p99 meet it)")
        ax.grid(False)
        style.legend_below(fig, [ax], handles, labels, ncol=1)
        style.save(fig, self.outdir, "design_chart", self.written, self.formats)

    def metric_vs_param(self):
        if not self.swept:
            return self.skip("vs_<param>", "no swept parameter (a single point)")
        for key in self.swept:
            if self.points[key].isna().all():
                self.skip(f"vs_{td.short_key(key)}", f"{key} is not numeric")
                continue
            others = [k for k in self.swept if k != key]
            groups = list(self.points.groupby(others[0] if len(others) == 1 else others,
                                               sort=True)) if others else [((), self.points)]
            fig, axes = style.figure(1, len(self.metrics))
            for (gkey, g), color in zip(groups[:MAX_LINES], style.colors() * 3):
                g = g.sort_values(key)
                x = self.axis_value(key, g[key].to_numpy(dtype=float))
                name = self.label(g.iloc[0], others) if others else "simulation"
                for ax, (m, title) in zip(axes[0], self.metrics):
                    y = g[f"{m}_mean"].to_numpy(dtype=float) / HOUR
                    lo = g[f"{m}_ci_low"].to_numpy(dtype=float) / HOUR
                    hi = g[f"{m}_ci_high"].to_numpy(dtype=float) / HOUR
                    err = np.vstack([np.where(np.isfinite(lo), y - lo, 0),
                                     np.where(np.isfinite(hi), hi - y, 0)])
                    ax.errorbar(x, y, yerr=err, color=color, capsize=3, label=name, **style.SIM)
                    th = g[f"{m}_theory"].to_numpy(dtype=float) / HOUR
                    if np.isfinite(th).any():
                        ax.plot(x, th, color=color, label="theory" if not others else
                                f"{name}, theory", **style.THEORY)
            for ax, (m, title) in zip(axes[0], self.metrics):
                ax.set_xlabel(self.axis_label(key))
                ax.set_ylabel(f"{m} (hours)")
                ax.set_title(title)
                self.value_ticks(ax, key)
            if len(groups) > MAX_LINES:
                fig.suptitle(f"first {MAX_LINES} of {len(groups)} combinations of the other "
                             "parameters", fontsize=8)
            style.legend_below(fig, axes[0], ncol=2 if others else 2)
            fig.text(0.01, 0.01, "mean over replications, bars: 95 % CI; dashed: theory",
                     fontsize=7, transform=fig.transFigure)
            style.save(fig, self.outdir, f"vs_{td.short_key(key)}", self.written, self.formats)

    def heatmaps(self):
        vkey = next((k for k in self.swept if k.endswith("validity")), None)
        pkey = next((k for k in self.swept if k.endswith("interval")), None)
        if not vkey or not pkey:
            return self.skip("heatmap_w_danger_*", "needs V and P both swept")
        s = td.summaries(self.con, scope="all")
        s = s[s.metric == "W_danger"]
        for stat in ("mean", "p95"):
            cells, theory = {}, {}
            for _, pr in self.points.iterrows():
                rows = s[s.run_id.isin(pr["runs"])]
                sim = rows.loc[rows.source == "sim", stat].dropna()
                ana = rows.loc[rows.source == "analytic", stat].dropna()
                if len(sim):
                    cells[(pr[vkey], pr[pkey])] = sim.mean() / HOUR
                    theory[(pr[vkey], pr[pkey])] = ana.mean() / HOUR if len(ana) else None
            if not cells:
                self.skip(f"heatmap_w_danger_{stat}", f"no simulated {stat} of W_danger")
                continue
            vs = sorted({c[0] for c in cells})
            ps = sorted({c[1] for c in cells})
            grid = np.array([[cells.get((v, p), np.nan) for p in ps] for v in vs])
            fig, axes = style.figure()
            ax = axes[0, 0]
            im = ax.imshow(grid, origin="lower", cmap="viridis", aspect="auto")
            ax.set_xticks(range(len(ps)), [td.format_value(p, "s") for p in ps])
            ax.set_yticks(range(len(vs)), [td.format_value(v, "s") for v in vs])
            ax.set_xlabel("policy-check interval P")
            ax.set_ylabel("attestation-result validity V")
            ax.grid(False)
            mid = np.nanmean(grid)
            for i, v in enumerate(vs):
                for j, p in enumerate(ps):
                    if not np.isfinite(grid[i, j]):
                        continue
                    text = f"{grid[i, j]:.2f} h"
                    if theory.get((v, p)) is not None:
                        text += f"\n(theory {theory[(v, p)]:.2f})"
                    ax.text(j, i, text, ha="center", va="center", fontsize=8,
                            color="black" if grid[i, j] > mid else "white")
            fig.colorbar(im, ax=ax, label=f"{stat} W_danger (hours)")
            ax.set_title(f"{stat} danger window W_danger = min(R, T_trust) over V x P")
            style.save(fig, self.outdir, f"heatmap_w_danger_{stat}", self.written, self.formats)

    def cdfs(self):
        ex = td.exposures(self.con)
        ex = ex[ex.run_id.isin(self.runs.run_id)]
        if ex.empty:
            return self.skip("cdf_*", "no affected device (no exposures)")
        pts = self.points.head(MAX_LINES)
        for m, title in METRICS:
            fig, axes = style.figure()
            ax = axes[0, 0]
            drawn = 0
            for (_, pr), color in zip(pts.iterrows(), style.colors() * 3):
                vals = ex.loc[ex.run_id.isin(pr["runs"]), m]
                done = np.sort(vals.dropna().to_numpy()) / HOUR
                if not len(vals) or not len(done):
                    continue
                ys = np.arange(1, len(done) + 1) / len(vals)  # censored values keep it < 1
                ax.step(done, ys, where="post", color=color, label=self.label(pr))
                drawn += 1
                if m == "R" and "removal_curve_analytic" in self.series(self.first_run(pr)):
                    c = td.curve(self.con, self.first_run(pr), "removal_curve").dropna(
                        subset=["analytic"])
                    ax.plot(c.t / HOUR, 1 - c.analytic, color=color, **style.THEORY)
            if not drawn:
                style.close(fig)
                self.skip(f"cdf_{m.lower()}", f"every {m} censored")
                continue
            ax.set_xlabel(f"{title} (hours after t0)")
            ax.set_ylabel("fraction of affected devices")
            ax.set_ylim(0, 1.02)
            ax.set_title(f"CDF of {title}" + (" (dashed: theory)" if m == "R" else ""))
            if len(self.points) > MAX_LINES:
                ax.set_title(ax.get_title() + f"\nfirst {MAX_LINES} of {len(self.points)} points",
                             fontsize=8)
            style.legend_below(fig, [ax], ncol=2)
            style.save(fig, self.outdir, f"cdf_{m.lower()}", self.written, self.formats)

    def removal_curve(self):
        panels = []
        for _, pr in self.points.head(MAX_LINES).iterrows():
            run = self.first_run(pr)
            names = self.series(run)
            if "removal_curve" in names:
                panels.append((pr, run, names))
        if not panels:
            return self.skip("removal_curve", "no removal_curve series")
        cols = min(3, len(panels))
        rows = (len(panels) + cols - 1) // cols
        fig, axes = style.figure(rows, cols, sharey=True)
        for ax in axes.flat[len(panels):]:
            ax.set_visible(False)
        c = style.colors()
        for ax, (pr, run, names) in zip(axes.flat, panels):
            rc = td.curve(self.con, run, "removal_curve")
            ax.step(rc.t / HOUR, rc.sim, where="post", color=c[0],
                    label="simulated S(t): TA still installed")
            if rc.analytic.notna().any():
                ax.plot(rc.t / HOUR, rc.analytic, color=c[0], label="analytic S(t)",
                        **style.THEORY)
            xmax = rc.t[rc.sim > 1e-3].max() if (rc.sim > 1e-3).any() else 0
            if "trust_curve" in names:
                tc = td.curve(self.con, run, "trust_curve")
                ax.step(tc.t / HOUR, tc.sim, where="post", color=c[1],
                        label="simulated: a stale AR still vouches")
                if (tc.sim > 1e-3).any():
                    xmax = max(xmax, tc.t[tc.sim > 1e-3].max())
            ax.set_xlim(0, max(xmax * 1.1, 1e-3) / HOUR)
            ax.set_ylim(0, 1.02)
            ax.set_title(f"{self.label(pr)}\n(run {run})" if self.swept else f"run {run}",
                         fontsize=8)
            ax.set_xlabel("time after t0 (hours)")
            ax.set_ylabel("fraction of affected devices")
        fig.suptitle("Removal and stale-trust curves")
        style.legend_below(fig, list(axes.flat))
        style.save(fig, self.outdir, "removal_curve", self.written, self.formats)

    def survival_by(self, kind, name):
        drawn_any = theory_any = False
        pts = self.points.head(3)
        fig, axes = style.figure(1, max(1, len(pts)), sharey=True)
        for ax, (_, pr) in zip(axes[0], pts.iterrows()):
            run = self.first_run(pr)
            names = sorted(n for n in self.series(run)
                           if n.startswith(f"removal_curve[{kind}=") and "_analytic" not in n)
            if not names:
                ax.set_visible(False)
                continue
            xmax = 0
            for series, color in zip(names, style.colors() * 3):
                cv = td.curve(self.con, run, series)
                group = series[len(f"removal_curve[{kind}="):-1]
                ax.step(cv.t / HOUR, cv.sim, where="post", color=color, label=f"{kind} {group}")
                if cv.analytic.notna().any():
                    theory_any = True
                    ax.plot(cv.t / HOUR, cv.analytic, color=color, label=f"{group}, theory",
                            **style.THEORY)
                alive = cv.t[cv.sim > 1e-3]
                xmax = max(xmax, alive.max() if len(alive) else 0)
            overall = td.curve(self.con, run, "removal_curve")
            if overall.analytic.notna().any():
                theory_any = True
                ax.plot(overall.t / HOUR, overall.analytic, color="black",
                        label="fleet, theory", **style.THEORY)
            ax.set_xlim(0, max(xmax * 1.1, 1e-3) / HOUR)
            ax.set_ylim(0, 1.02)
            ax.set_xlabel("time after t0 (hours)")
            ax.set_ylabel("fraction still running the TA")
            ax.set_title(f"{self.label(pr)} (run {run})" if self.swept else f"run {run}",
                         fontsize=8)
            drawn_any = True
        if not drawn_any:
            style.close(fig)
            return self.skip(name, f"one {kind} only: no per-{kind} curves in the database")
        what = "device class" if kind == "class" else "Broker behaviour"
        fig.suptitle(f"Removal curve S(t) per {what}" + (" (dashed: theory)" if theory_any else
                                                          " (no closed form for this scenario)"))
        style.legend_below(fig, list(axes.flat))
        style.save(fig, self.outdir, name, self.written, self.formats)

    def scatter(self):
        ex = td.exposures(self.con)
        fig, axes = style.figure()
        ax = axes[0, 0]
        drawn = 0
        for (_, pr), color in zip(self.points.head(MAX_LINES).iterrows(), style.colors() * 3):
            e = ex[ex.run_id.isin(pr["runs"])].dropna(subset=["R", "T_trust"]).head(5000)
            if len(e):
                ax.scatter(e.R / HOUR, e.T_trust / HOUR, s=4, alpha=0.5, color=color,
                           label=self.label(pr))
                drawn += 1
        if not drawn:
            style.close(fig)
            return self.skip("scatter_r_t_trust", "no device with both R and T_trust known")
        lim = max(ax.get_xlim()[1], ax.get_ylim()[1])
        ax.plot([0, lim], [0, lim], "k:", lw=0.8, label="R = T_trust")
        ax.set_xlabel("removal window R (hours)")
        ax.set_ylabel("stale-trust window T_trust (hours)")
        ax.set_title("R against T_trust per device")
        style.legend_below(fig, [ax], ncol=2)
        style.save(fig, self.outdir, "scatter_r_t_trust", self.written, self.formats)

    LOAD = [("tam_load", "TAM utilisation", "busy workers / workers"),
            ("tam_queue_length", "mean queue length", "requests"),
            ("tam_queue_delay_mean", "mean wait for a worker", "s"),
            ("sessions_failed_per_s", "failed sessions", "1/s")]

    def tam_load(self):
        pts = self.points.head(MAX_LINES)
        present = []
        for series, title, unit in self.LOAD:
            if any(series in self.series(r) for _, pr in pts.iterrows() for r in pr["runs"][:1]):
                present.append((series, title, unit))
        if not present:
            return self.skip("tam_load", "no TAM time series")
        fig, axes = style.figure(len(present), 1, size=(style.SINGLE[0], 1.9 * len(present) + 0.4),
                                 sharex=True)
        bucket = None
        for (_, pr), color in zip(pts.iterrows(), style.colors() * 3):
            for ax, (series, title, unit) in zip(axes[:, 0], present):
                frames = [td.curve(self.con, r, series) for r in pr["runs"]
                          if series in self.series(r)]
                if not frames:
                    continue
                bucket = bucket or frames[0].attrs.get("bucket")
                avg = pd.concat(frames).groupby("t")["sim"].mean()  # mean over replications
                ax.plot(avg.index / HOUR, avg.values, color=color, lw=0.9, label=self.label(pr))
        for ax, (series, title, unit) in zip(axes[:, 0], present):
            ax.set_ylabel(f"{title}\n({unit})")
        t0 = td.exposures(self.con)["t0"].min()
        if pd.notna(t0):
            for ax in axes[:, 0]:
                ax.axvline(t0 / HOUR, color="red", ls="--", lw=0.8)
        axes[-1, 0].set_xlabel("simulated time (hours)")
        width = f"{bucket:g} s buckets, " if bucket and np.isfinite(bucket) else ""
        axes[0, 0].set_title(f"TAM load over time ({width}mean over replications; red: t0)")
        style.legend_below(fig, [axes[0, 0]], ncol=2)
        style.save(fig, self.outdir, "tam_load", self.written, self.formats)

    def tam_load_vs(self):
        keys = [k for k in self.swept if re.fullmatch(
            r"fleet\.[^.]+\.count|policy_check\.interval|tam\.workers|tam\.(remediation_)?service_time",
            k)]
        if not keys:
            return self.skip("tam_load_vs_<param>", "no swept fleet size, interval, worker "
                             "count or service time")
        rows = []
        for _, pr in self.points.iterrows():
            util = []
            for r in pr["runs"]:
                if "tam_load" in self.series(r):
                    util.append(td.curve(self.con, r, "tam_load")["sim"].mean())
            ses = td.sessions(self.con, grp="all")
            ses = ses[ses.run_id.isin(pr["runs"])]
            total = ses["count"].sum()
            busy = ses.loc[ses.cause == "tam-busy", "count"].sum()
            err = ses.loc[ses.cause == "tam-error", "count"].sum()
            rows.append({**{k: pr[k] for k in self.swept}, "util": np.mean(util) if util else np.nan,
                         "wait": pr.get("tam_queue_delay_mean", np.nan),
                         "wait_lo": pr.get("tam_queue_delay_ci_low", np.nan),
                         "wait_hi": pr.get("tam_queue_delay_ci_high", np.nan),
                         "busy": busy / total if total else np.nan,
                         "err": err / total if total else np.nan})
        df = pd.DataFrame(rows)
        for key in keys:
            others = [k for k in self.swept if k != key]
            groups = list(df.groupby(others[0] if len(others) == 1 else others)) if others \
                else [((), df)]
            fig, axes = style.figure(1, 3)
            for (_, g), color in zip(groups[:MAX_LINES], style.colors() * 3):
                g = g.sort_values(key)
                x = self.axis_value(key, g[key].to_numpy(dtype=float))
                name = self.label(g.iloc[0], others) if others else "simulation"
                axes[0, 0].plot(x, g.util * 100, color=color, label=name, **style.SIM)
                w = g.wait.to_numpy(dtype=float) * 1e3
                lo = np.where(np.isfinite(g.wait_lo), w - g.wait_lo * 1e3, 0)
                hi = np.where(np.isfinite(g.wait_hi), g.wait_hi * 1e3 - w, 0)
                axes[0, 1].errorbar(x, w, yerr=np.vstack([lo, hi]), color=color, capsize=3,
                                    **style.SIM)
                axes[0, 2].plot(x, g.busy * 100, color=color, **style.SIM)
                axes[0, 2].plot(x, g.err * 100, color=color, marker="s", linestyle=":",
                                markersize=4)
            for ax in axes[0]:
                self.value_ticks(ax, key)
            for ax, ylabel, title in zip(axes[0], ["mean utilisation (%)", "mean wait (ms)",
                                                   "sessions (%)"],
                                         ["TAM utilisation", "wait for a TAM worker (95 % CI)",
                                          "503/busy (solid), other TAM errors (dotted)"]):
                ax.set_xlabel(self.axis_label(key))
                ax.set_ylabel(ylabel)
                ax.set_title(title)
            style.legend_below(fig, [axes[0, 0]], ncol=3)
            style.save(fig, self.outdir, f"tam_load_vs_{td.short_key(key)}", self.written, self.formats)

    def bytes_per_session(self):
        ses = td.sessions(self.con, grp="all")
        ses = ses[ses.run_id.isin(self.runs.run_id) & (ses["count"] > 0)]
        if ses.empty or (ses.bytes_up.sum() + ses.bytes_down.sum()) == 0:
            return self.skip("bytes_per_session", "no session bytes recorded")
        pts = self.points.head(MAX_LINES)
        causes = [c for c in ses.groupby("cause")["count"].sum().sort_values(ascending=False).index]
        fig, axes = style.figure(1, 2, size=(style.PANEL[0] * 2 + 0.5,
                                             max(style.PANEL[1], 0.35 * len(pts) * len(causes) + 1.2)),
                                 sharey=True)
        labels, ups, downs, counts = [], [], [], []
        for _, pr in pts.iterrows():
            s = ses[ses.run_id.isin(pr["runs"])].groupby("cause")[["count", "bytes_up",
                                                                   "bytes_down"]].sum()
            for cause in causes:
                if cause not in s.index:
                    continue
                n = s.loc[cause, "count"]
                labels.append(f"{self.label(pr)}: {cause}" if self.swept else cause)
                ups.append(s.loc[cause, "bytes_up"] / n / 1024)
                downs.append(s.loc[cause, "bytes_down"] / n / 1024)
                counts.append(n)
        y = np.arange(len(labels))
        c = style.colors()
        axes[0, 0].barh(y, ups, color=c[0])
        axes[0, 1].barh(y, downs, color=c[1])
        axes[0, 0].set_yticks(y, labels)
        axes[0, 0].invert_yaxis()
        axes[0, 0].set_xlabel("device \u2192 TAM (KiB per session)")
        axes[0, 1].set_xlabel("TAM \u2192 device (KiB per session)")
        for ax, vals in ((axes[0, 0], ups), (axes[0, 1], downs)):
            for yi, v, n in zip(y, vals, counts):
                ax.annotate(f"{v:.3g} (n={n})", (v, yi), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=7)
            ax.margins(x=0.35)
        fig.suptitle("Bytes on the wire per session, by outcome (the database holds bytes per "
                     "session outcome, not per message type)", fontsize=9)
        style.save(fig, self.outdir, "bytes_per_session", self.written, self.formats)

    def all(self):
        for f in (self.design_chart, self.metric_vs_param, self.heatmaps, self.cdfs,
                  self.removal_curve, lambda: self.survival_by("class", "survival_class"),
                  lambda: self.survival_by("broker", "survival_broker"), self.scatter,
                  self.tam_load, self.tam_load_vs, self.bytes_per_session):
            f()
        return self.written, self.skipped


def log_edges(centres):
    """Cell edges around values on a log axis: geometric midpoints, and half a step beyond the
    ends, so that every cell is centred on its grid value."""
    lc = np.log(centres)
    mids = (lc[1:] + lc[:-1]) / 2
    return np.exp(np.concatenate([[lc[0] - (mids[0] - lc[0])], mids,
                                  [lc[-1] + (lc[-1] - mids[-1])]]))


def matplotlib_line(color, ls):
    from matplotlib.lines import Line2D
    return Line2D([], [], color=color, linestyle=ls, linewidth=2)


def parse_threshold(text):
    value, unit = td.parse_value(text)
    if unit not in ("s", "") or not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive duration such as 1h or 90m")
    return value if unit == "s" else value * HOUR  # a bare number is hours


def make(db, outdir, run_filter=None, threshold=HOUR, formats=style.FORMATS):
    """Writes every figure the database supports; returns (written paths of the first format,
    skipped (name, reason) list)."""
    os.makedirs(outdir, exist_ok=True)
    return Plots(db, outdir, run_filter, threshold, formats).all()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("outdir")
    ap.add_argument("--runs", default="all", help="all, or comma-separated run ids")
    ap.add_argument("--threshold", type=parse_threshold, default=HOUR,
                    help="target for the design chart: W_danger at most this (default 1h)")
    ap.add_argument("--formats", default=",".join(style.FORMATS),
                    help="comma-separated, first one listed on stdout (default png,pdf,svg)")
    args = ap.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    if not formats or set(formats) - set(style.FORMATS):
        print(f"plots: --formats '{args.formats}': choose from {','.join(style.FORMATS)}",
              file=sys.stderr)
        return 2
    try:
        run_filter = None if args.runs == "all" else {int(x) for x in args.runs.split(",")}
    except ValueError:
        print(f"plots: --runs '{args.runs}': expected all or comma-separated run ids",
              file=sys.stderr)
        return 2
    try:
        if td.runs(args.db).empty:
            print("plots: no completed runs in the database", file=sys.stderr)
            return 1
        written, skipped = make(args.db, args.outdir, run_filter, args.threshold, formats)
    except td.DataError as e:
        print(f"plots: {e}", file=sys.stderr)
        return 2
    for w in written:
        print(w)
    for name, reason in skipped:
        print(f"skipped {name}: {reason}")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
