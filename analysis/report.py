#!/usr/bin/python3
"""One self-contained HTML page per teepsim database: figures, simulation vs theory, provenance.

usage: /usr/bin/python3 analysis/report.py DB [DB...] -o DIR [--threshold DURATION]
                                           [--formats png[,pdf,svg]]

For each DB writes DIR/<name>.html (<name>: the file name without .db/.sqlite) and its figures
into DIR/<name>-figures/. The page embeds every PNG as a data: URI and needs no other file, no
script and no network: it can be attached to a mail or a working-group issue as it is. With
--formats png,pdf,svg the PDF and SVG versions for drafts are written beside it and linked.
Sections: summary, provenance (teepsim version and commit, schema, seeds, every run's key),
simulation against theory for every sweep point, figures (and why any was skipped), warnings,
session outcomes with bytes per session, and the scenario text.
Exit 0 on success, 1 when a database has no completed run, 2 for usage or a missing database.
"""
import argparse
import base64
import datetime
import html
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matplotlib  # noqa: E402
import pandas as pd  # noqa: E402

import compare  # noqa: E402
import plots  # noqa: E402
import style  # noqa: E402
import teepsim_data as td  # noqa: E402

CAPTIONS = {
    "design_chart": "Design chart over attestation-result validity V and policy-check interval "
                    "P: colour is the simulated mean danger window; the solid lines are where the "
                    "simulated mean and p99 of W_danger reach the target, the dashed line where "
                    "theory puts the mean. Cells marked \u2713 meet the target with both.",
    "vs_": "Each metric against one swept parameter: replication mean with its 95 % confidence "
           "interval (from point_summaries), the analytic value dashed in the same colour.",
    "heatmap_w_danger_mean": "Mean W_danger over the V x P grid, theory in each cell.",
    "heatmap_w_danger_p95": "95th percentile of W_danger over the V x P grid.",
    "cdf_r": "CDF of the removal window R per point (dashed: the analytic CDF). Censored devices "
             "keep the curve below 1.",
    "cdf_t_trust": "CDF of the stale-trust window T_trust per point.",
    "cdf_w_danger": "CDF of the danger window W_danger = min(R, T_trust) per point.",
    "removal_curve": "S(t), the fraction of affected devices still running the TA, and the "
                     "fraction still vouched for by a stale attestation result; the analytic "
                     "S(t) dashed.",
    "survival_class": "Removal curve per device class.",
    "survival_broker": "Removal curve per Broker behaviour.",
    "scatter_r_t_trust": "R against T_trust for every affected device.",
    "tam_load": "TAM utilisation, queue and failed sessions over simulated time, mean over "
                "replications; t0 in red.",
    "tam_load_vs_": "TAM utilisation, mean wait for a worker (95 % CI) and the share of sessions "
                    "the TAM turned away (503/ERR_TEMPORARY_ERROR) or failed, against a swept "
                    "parameter.",
    "bytes_per_session": "Mean bytes on the wire per session in each direction, per session "
                         "outcome.",
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.within{background:#e8f5e9}.off{background:#fff3e0}
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#444}pre{background:#f7f7f7;padding:.8em;overflow-x:auto;
font-size:.8em}.note{color:#555;font-size:.85em}code{font-size:.9em}
"""


def esc(x):
    return html.escape("" if x is None else str(x))


def table_html(head, body, classes=None):
    out = ["<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>",
           "<tbody>"]
    for i, line in enumerate(body):
        cells = []
        for j, cell in enumerate(line):
            cls = classes(i, j, cell) if classes else ""
            cells.append(f"<td{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>{esc(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def caption(name):
    if name in CAPTIONS:
        return CAPTIONS[name]
    for prefix in ("tam_load_vs_", "vs_"):
        if name.startswith(prefix):
            return CAPTIONS[prefix] + f" Parameter: {name[len(prefix):]}."
    return name


def stored_commit(con):
    """The simulator's git commit if the database records it (schema v3 may: a runs column or a
    meta key), else None."""
    cols = td._columns(con, "runs")
    for c in ("teepsim_commit", "git_commit", "commit"):
        if c in cols:
            vals = sorted({r[0] for r in con.execute(f"SELECT DISTINCT {c} FROM runs") if r[0]})
            if vals:
                return ", ".join(vals)
    for key in ("teepsim_commit", "git_commit", "commit"):
        row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row:
            return row[0]
    return None


def provenance(con, db):
    allruns = td.runs(con, status=None)
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall()) if td._has(con, "meta") \
        else {}
    versions = sorted(allruns["teepsim_version"].dropna().unique()) \
        if "teepsim_version" in allruns else []
    commit = stored_commit(con)
    rows = [
        ("database", os.path.abspath(db)),
        ("schema version", meta.get("schema_version", "unknown")),
        ("database created", meta.get("created_at", "unknown")),
        ("teepsim version", ", ".join(versions) or "unknown"),
        ("teepsim commit", commit or "not recorded in this database (the version above and the "
                                     "run keys below identify the runs)"),
        ("scenarios", ", ".join(sorted(allruns["scenario_name"].unique()))),
        ("seeds", ", ".join(str(s) for s in sorted(allruns["seed"].unique()))),
        ("runs", f"{(allruns.status == 'ok').sum()} ok, {(allruns.status != 'ok').sum()} failed"),
        ("first run started", allruns["started_at"].min() if "started_at" in allruns else "?"),
        ("report written", datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ") + f" by analysis/report.py (Python {platform.python_version()}, "
            f"pandas {pd.__version__}, matplotlib {matplotlib.__version__})"),
    ]
    return table_html(["", ""], rows)


def runs_table(con):
    r = td.runs(con, status=None)
    head = ["run id", "scenario", "scenario_hash", "seed", "run", "status", "wall s", "events",
            "error"]
    body = [[row.run_id, row.scenario_name, row.scenario_hash[:16], row.seed, row.run,
             row.status, f"{row.wall_seconds:.1f}" if pd.notna(row.wall_seconds) else "",
             row.events if pd.notna(row.events) else "", row.error or ""]
            for row in r.itertuples()]
    return table_html(head, body)


def points_section(db):
    metrics = [m for m in ("R", "T_trust", "W_danger", "W_clean")]
    varying, rows = compare.load(db, metrics)
    head, body = compare.table(varying, rows, metrics, "h")

    def cls(i, j, cell):
        if cell == "within CI":
            return "within"
        if str(cell).startswith("z="):
            return "off"
        return "num" if j >= len(varying) else ""
    note = ("<p class=note>Hours. Mean over replications of the per-run means, with the 95 % "
            "confidence interval <code>teepsim sweep</code> stored in <code>point_summaries</code> (one "
            "replication: mean \u00b1 1.96 se over devices); theory is the closed-form mean "
            "(THEORY.md); z = (theory \u2212 mean) / se across replications. <b>cens</b>: some "
            "runs had censored values, so the mean is biased low.</p>")
    queue = compare.load(db, ["tam_queue_delay"])
    qhead, qbody = compare.table(queue[0], queue[1], ["tam_queue_delay"], "s")
    qnote = "<p class=note>Wait for a TAM worker per request, in seconds.</p>"
    return (note + table_html(head, body, cls) + "<h3>TAM queue</h3>" + qnote
            + table_html(qhead, qbody, cls))


def warnings_section(con):
    if not td._has(con, "warnings"):
        return "<p class=note>This database has no warnings table.</p>"
    rows = con.execute("SELECT w.run_id, w.code, w.grp, w.text FROM warnings w JOIN runs r ON "
                       "r.id = w.run_id ORDER BY w.run_id, w.seq").fetchall()
    if not rows:
        return "<p>No run recorded a warning.</p>"
    return table_html(["run", "code", "group", "warning"], rows)


def sessions_section(con, pts):
    ses = td.sessions(con, grp="all")
    if ses.empty:
        return "<p class=note>No sessions recorded.</p>"
    swept = pts.attrs["swept"]
    text = pts.attrs.get("text", {})
    head = [td.short_key(k) for k in swept] + ["outcome", "sessions", "share",
                                               "bytes up / session", "bytes down / session"]
    body = []
    for _, pr in pts.iterrows():
        first = min(pr["runs"])
        s = ses[ses.run_id.isin(pr["runs"])].groupby("cause")[["count", "bytes_up",
                                                               "bytes_down"]].sum()
        total = s["count"].sum()
        for cause, row in s.sort_values("count", ascending=False).iterrows():
            n = row["count"]
            body.append([text[k].get(first, "") for k in swept] + [
                cause, int(n), f"{100 * n / total:.1f} %" if total else "-",
                f"{row.bytes_up / n:.0f}" if n else "-", f"{row.bytes_down / n:.0f}" if n else "-"])
    return ("<p class=note>Summed over the replications of each point (the fleet, "
            "<code>grp = 'all'</code>).</p>" + table_html(head, body))


def figures_section(written, skipped, outdir, formats):
    parts = []
    for path in written:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        links = " ".join(f'<a href="{esc(os.path.basename(outdir))}/{esc(name)}.{ext}">{ext.upper()}'
                         "</a>" for ext in formats[1:])
        parts.append(f'<figure id="fig-{esc(name)}"><img alt="{esc(caption(name))}" '
                     f'src="data:image/png;base64,{data}"><figcaption><b>{esc(name)}</b>: '
                     f'{esc(caption(name))} {links}</figcaption></figure>')
    if skipped:
        parts.append("<p>Figures this database cannot support:</p><ul>" + "".join(
            f"<li><b>{esc(n)}</b>: {esc(r)}</li>" for n, r in skipped) + "</ul>")
    return "\n".join(parts)


def scenario_section(con):
    out = []
    for name, text in td.scenario_texts(con).items():
        out.append(f"<h3>{esc(name)}</h3><pre>{esc(text)}</pre>")
    r = td.runs(con)
    swept = r.attrs["swept"]
    if swept:
        out.append("<p class=note>Swept (one value per point, the rest as in the file above "
                   "with any <code>--set</code> overrides; every resolved value of every run is "
                   "in <code>run_params</code>): " + ", ".join(f"<code>{esc(k)}</code>"
                                                                for k in swept) + "</p>")
    return "\n".join(out)


def write_report(db, outdir, threshold=plots.HOUR, formats=("png",)):
    """Writes DIR/<name>.html and DIR/<name>-figures/; returns the HTML path."""
    con = td.connect(db)
    ok = td.runs(con)
    if ok.empty:
        raise td.DataError(f"{db}: no completed runs in the database")
    stem = os.path.basename(db)
    for ext in (".db", ".sqlite", ".sqlite3"):
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
    figdir = os.path.join(outdir, f"{stem}-figures")
    os.makedirs(figdir, exist_ok=True)
    written, skipped = plots.make(db, figdir, threshold=threshold, formats=formats)
    pts = td.points(con)
    names = ", ".join(sorted(ok["scenario_name"].unique()))
    swept = ok.attrs["swept"]
    summary = (f"<p>{len(ok)} completed runs in {len(pts)} point(s)"
               + (f", swept over {', '.join(f'<code>{esc(k)}</code>' for k in swept)}"
                  if swept else "")
               + f"; {len(written)} figures.</p>")
    body = [
        f"<h1>teepsim report: {esc(names)}</h1>", summary,
        "<h2>Simulation against theory, per point</h2>", points_section(db),
        "<h2>Figures</h2>", figures_section(written, skipped, figdir, formats),
        "<h2>Warnings</h2>", warnings_section(con),
        "<h2>Session outcomes</h2>", sessions_section(con, pts),
        "<h2>Provenance</h2>", provenance(con, db),
        "<h3>Run keys</h3>", "<p class=note>A run is identified by (scenario_hash, seed, run); "
        "rerunning the same scenario with the same overrides, seed and run gives the same "
        "rows.</p>", runs_table(con),
        "<h2>Scenario</h2>", scenario_section(con),
    ]
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>teepsim report: {esc(names)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
    path = os.path.join(outdir, f"{stem}.html")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, path)  # never a half-written page
    return path, skipped


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="+")
    ap.add_argument("-o", "--out", required=True, metavar="DIR", help="directory for the pages")
    ap.add_argument("--threshold", type=plots.parse_threshold, default=plots.HOUR,
                    help="target W_danger for the design chart (default 1h)")
    ap.add_argument("--formats", default="png",
                    help="figure formats written beside the page, png first (default png; "
                         "png,pdf,svg for drafts)")
    args = ap.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    if not formats or formats[0] != "png" or set(formats) - set(style.FORMATS):
        print(f"report: --formats '{args.formats}': png first, then any of pdf,svg",
              file=sys.stderr)
        return 2
    for db in args.db:
        if not os.path.exists(db):
            print(f"report: {db}: no such database", file=sys.stderr)
            return 2
    os.makedirs(args.out, exist_ok=True)
    code = 0
    for db in args.db:
        try:
            path, skipped = write_report(db, args.out, args.threshold, formats)
        except td.DataError as e:
            print(f"report: {e}", file=sys.stderr)
            code = max(code, 2 if "not a teepsim database" in str(e) else 1)
            continue
        for name, reason in skipped:
            print(f"report: {os.path.basename(db)}: skipped {name}: {reason}", file=sys.stderr)
        print(path)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
