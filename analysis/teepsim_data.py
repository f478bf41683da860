"""A teepsim results database as pandas DataFrames with numeric columns.

    import sys; sys.path.insert(0, "analysis")
    import teepsim_data as td
    td.runs("out/v.db")              # one row per run, every parameter a column (SI units)
    td.points("out/v.db")            # one row per sweep point: mean, 95 % CI, theory, z per metric
    td.exposures("out/v.db", run=1)  # one row per affected (device, TA), windows in seconds
    td.curve("out/v.db", 1, "removal_curve")  # t (s after t0), sim, analytic on one grid

This module is the one place that adapts to the schema: with schema 3 it takes each
parameter's number, unit and swept flag from `run_params.num/unit/swept` and the bucket width from
`runs.bucket_ns`; with schema 2 it parses the text ("30m", "64KiB", "10Mbps", "1%") and calls
swept the keys whose value differs between the runs of one scenario. Either way the frames are the
same (the views `run_wide`/`point_wide` of schema 3 hold the same numbers for SQL users). Units:
durations in seconds, sizes in bytes, rates in bit/s, probabilities as fractions;
`frame.attrs["units"]` names the unit of every parameter column and `frame.attrs["swept"]` lists
the swept parameters.

Confidence intervals are never recomputed here: they are the ones `teepsim sweep` stored in
`point_summaries` (Student t, from the simulator's one t-table). A point written by `teepsim
run` alone (one replication, no sweep) gets the within-run interval mean ± 1.96·se over devices
instead; several replications without point summaries get no interval (run `teepsim sweep`).
Only the standard library, numpy and pandas are used.
"""
import math
import os
import re
import sqlite3

import numpy as np
import pandas as pd

METRICS = ("R", "T_trust", "W_danger", "W_clean")
# Parameters that identify a run or a file, never a point of the design.
NOT_PARAMETERS = {"run", "seed", "name", "description", "outputs.database", "outputs.pcap_dir",
                  "output.database", "output.pcap_dir"}
NS_PER_S = 1e9

_UNITS = [  # (suffix, scale to SI, SI unit); longest suffixes first where they overlap
    ("Gbps", 1e9, "bit/s"), ("Mbps", 1e6, "bit/s"), ("kbps", 1e3, "bit/s"), ("bps", 1.0, "bit/s"),
    ("GiB", 2.0 ** 30, "B"), ("MiB", 2.0 ** 20, "B"), ("KiB", 2.0 ** 10, "B"),
    ("GB", 1e9, "B"), ("MB", 1e6, "B"), ("kB", 1e3, "B"),
    ("ns", -1e9, "s"), ("us", -1e6, "s"), ("ms", -1e3, "s"),  # negative: divide (exact)
    ("B", 1.0, "B"), ("d", 86400.0, "s"), ("h", 3600.0, "s"), ("m", 60.0, "s"), ("s", 1.0, "s"),
    ("%", -100.0, ""),
]
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z%]*)\s*$")


class DataError(Exception):
    """The file is missing, not SQLite, or not a teepsim database."""


def parse_value(text):
    """'30m' -> (1800.0, 's'); '64KiB' -> (65536.0, 'B'); '0.5' -> (0.5, ''); 'true' -> (1.0,
    'bool'); text that is no quantity -> (nan, None)."""
    if text is None:
        return math.nan, None
    t = str(text).strip()
    if t in ("true", "false"):
        return (1.0 if t == "true" else 0.0), "bool"
    m = _NUMBER.match(t)
    if not m:
        return math.nan, None
    number, suffix = float(m.group(1)), m.group(2)
    if not suffix:
        return number, ""
    for unit, scale, si in _UNITS:
        if suffix == unit:
            return (number * scale if scale > 0 else number / -scale), si
    return math.nan, None


def connect(db):
    """A read-only connection; DataError (one line naming the file) when it is not a database."""
    if isinstance(db, sqlite3.Connection):
        return db
    if not os.path.exists(db):
        raise DataError(f"{db}: no such database")
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        con.execute("SELECT 1 FROM runs LIMIT 1").fetchall()
    except sqlite3.Error as e:
        raise DataError(f"{db}: not a teepsim database ({e})") from None
    return con


def _has(con, name):
    return con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def _columns(con, table):
    return {r[1] for r in con.execute(f"PRAGMA table_info({table})")}


def schema_version(db):
    con = connect(db)
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() \
        if _has(con, "meta") else None
    return int(row[0]) if row else None


def _params_long(con):
    """run_id, key, value, num, unit, swept (swept may be None: decided by _mark_swept)."""
    cols = _columns(con, "run_params")
    if {"num", "unit"} <= cols:
        swept = "swept" if "swept" in cols else "NULL"
        df = pd.read_sql_query(
            f"SELECT run_id, key, value, num, unit, {swept} AS swept FROM run_params", con)
        df["num"] = pd.to_numeric(df["num"], errors="coerce")
        return df
    df = pd.read_sql_query("SELECT run_id, key, value FROM run_params", con)
    parsed = [parse_value(v) for v in df["value"]]
    df["num"] = [p[0] for p in parsed]
    df["unit"] = [p[1] for p in parsed]
    df["swept"] = None
    return df


def _mark_swept(params, run_rows):
    """Swept keys: the file's own flag, else the keys whose value differs between the runs of one
    scenario (run numbers, seeds and names aside)."""
    if params["swept"].notna().any():
        return sorted(params.loc[params["swept"].fillna(0).astype(int) == 1, "key"].unique())
    scen = run_rows.set_index("run_id")["scenario_name"]
    p = params[~params["key"].isin(NOT_PARAMETERS)].copy()
    p["scenario"] = p["run_id"].map(scen)
    p = p[p["scenario"].notna()]
    counts = p.groupby(["scenario", "key"])["value"].nunique()
    return sorted(set(counts[counts > 1].index.get_level_values("key")))


def runs(db, status="ok"):
    """One row per run (status 'ok' by default, None for all): the runs columns (run_id,
    scenario_name, scenario_hash, seed, run, teepsim_version, started_at, wall_seconds, events,
    peak_rss_kib, horizon in seconds, status, error) then one column per parameter, numeric in SI
    units where the value is a quantity, else the text. attrs: units, swept, text (the original
    text of every parameter, e.g. '30m')."""
    con = connect(db)
    base = pd.read_sql_query("SELECT * FROM runs ORDER BY id", con).rename(columns={"id": "run_id"})
    if status is not None:
        base = base[base["status"] == status]
    if "horizon_ns" in base.columns:
        base["horizon"] = base.pop("horizon_ns") / NS_PER_S
    base = base.drop(columns=["scenario_text"], errors="ignore").reset_index(drop=True)
    params = _params_long(con)
    swept = _mark_swept(params, base)
    params = params[params["run_id"].isin(base["run_id"])]
    numeric = params.groupby("key")["num"].apply(lambda s: s.notna().all())
    units, text = {}, {}
    frames = []
    for key, group in params.groupby("key", sort=True):
        g = group.set_index("run_id")
        text[key] = g["value"]
        if numeric.get(key, False) and len(g):
            units[key] = g["unit"].dropna().iloc[0] if g["unit"].notna().any() else ""
            frames.append(g["num"].rename(key))
        else:
            frames.append(g["value"].rename(key))
    out = base
    if frames:
        table = pd.concat(frames, axis=1)
        clash = [c for c in table.columns if c in out.columns]
        table = table.rename(columns={c: f"param.{c}" for c in clash})
        out = out.merge(table, left_on="run_id", right_index=True, how="left")
    out.attrs["units"] = units
    out.attrs["swept"] = swept
    out.attrs["text"] = text
    return out


def _summaries(con, scope):
    return pd.read_sql_query(
        "SELECT s.run_id, s.metric, s.source, s.unit, s.n, s.n_censored, s.mean, s.se, s.p99, "
        "r.scenario_hash FROM summaries s JOIN runs r ON r.id = s.run_id "
        "WHERE r.status = 'ok' AND s.scope = ?", con, params=(scope,))


def points(db, scope="all", metrics=None):
    """One row per sweep point (scenario_hash), in the order of its first run: the swept
    parameters (numeric), `reps`, `runs` (the run ids), and for every metric M: M_mean, M_sd,
    M_ci_low, M_ci_high (95 %, from point_summaries), M_p99 (mean of the runs' p99), M_theory
    (analytic mean), M_z ((theory - mean) / se across replications), M_censored (runs with
    censored values: the mean is biased low), M_within (theory inside the CI). Durations in s.
    attrs: units, swept, ci_source ('point_summaries', 'within-run' or 'none' per point)."""
    con = connect(db)
    rw = runs(con)
    swept = rw.attrs["swept"]
    if rw.empty:
        out = pd.DataFrame(columns=["scenario_hash", *swept, "reps", "runs"])
        out.attrs.update(units=rw.attrs["units"], swept=swept, ci_source={})
        return out
    s = _summaries(con, scope)
    if metrics is None:
        metrics = [m for m in (*METRICS, "tam_queue_delay") if m in set(s["metric"])]
        metrics += sorted(set(s.loc[s.source == "sim", "metric"]) - set(metrics))
    stored = None
    if _has(con, "point_summaries"):
        stored = pd.read_sql_query(
            "SELECT scenario_hash, metric, replications, mean, sd, ci95_low, ci95_high "
            "FROM point_summaries WHERE scope = ?", con, params=(scope,))
    first = rw.groupby("scenario_hash", sort=False)["run_id"].min().sort_values()
    empty = s.iloc[0:0]
    by = {k: g for k, g in s.groupby(["scenario_hash", "metric", "source"], sort=False)}
    stored_by = {k: g for k, g in stored.groupby(["scenario_hash", "metric"], sort=False)} \
        if stored is not None else {}
    members_by = rw.groupby("scenario_hash")["run_id"].apply(list).to_dict()
    rows, ci_source = [], {}
    for h, first_run in first.items():
        prow = rw[rw["run_id"] == first_run].iloc[0]
        members = members_by[h]
        row = {"scenario_hash": h, **{k: prow[k] for k in swept if k in prow}, "runs": members}
        reps = 0
        for m in metrics:
            sim_all = by.get((h, m, "sim"), empty)
            sim = sim_all[sim_all["mean"].notna()]  # a run censored throughout has no mean
            ana = by.get((h, m, "analytic"), empty)
            ana = ana[ana["mean"].notna()]
            n = len(sim)
            reps = max(reps, n)
            mean = sim["mean"].mean() if n else math.nan
            sd = sim["mean"].std(ddof=1) if n >= 2 else math.nan
            low = high = math.nan
            src = "none"
            st = stored_by.get((h, m), pd.DataFrame())
            if len(st) and st["replications"].iloc[0] == n and n >= 2:
                mean, sd = st["mean"].iloc[0], st["sd"].iloc[0]
                low, high = st["ci95_low"].iloc[0], st["ci95_high"].iloc[0]
                src = "point_summaries"
            elif n == 1 and pd.notna(sim["se"].iloc[0]):
                half = 1.96 * sim["se"].iloc[0]  # normal quantile: over devices, not a t-table
                low, high = mean - half, mean + half
                src = "within-run"
            se = sd / math.sqrt(n) if n >= 2 else (sim["se"].iloc[0] if n == 1 else math.nan)
            theory = ana["mean"].mean() if len(ana) else math.nan
            z = (theory - mean) / se if se and pd.notna(se) and se > 0 else math.nan
            row.update({f"{m}_mean": mean, f"{m}_sd": sd, f"{m}_ci_low": low,
                        f"{m}_ci_high": high, f"{m}_p99": sim["p99"].mean() if n else math.nan,
                        f"{m}_theory": theory, f"{m}_z": z,
                        f"{m}_censored": int((sim_all["n_censored"].fillna(0) > 0).sum()),
                        f"{m}_within": bool(pd.notna(low) and low <= theory <= high)})
            ci_source[(h, m)] = src
        row["reps"] = reps
        rows.append(row)
    out = pd.DataFrame(rows)
    for k in swept:
        if k in out.columns and rw.attrs["units"].get(k) is not None:
            out[k] = pd.to_numeric(out[k], errors="coerce")
    if swept:
        out = out.sort_values([k for k in swept if k in out.columns], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(units={k: rw.attrs["units"].get(k) for k in swept}, swept=swept,
                     ci_source=ci_source, metrics=list(metrics), text=rw.attrs["text"])
    return out


def exposures(db, run=None):
    """One row per affected (device, TA) of `run` (None: every ok run): run_id, device, ta,
    class, ree, broker, t0 and the windows R, T_trust, W_danger, W_clean in seconds (NaN when
    censored), r_censored, t_trust_censored."""
    con = connect(db)
    where, args = ("e.run_id = ?", (int(run),)) if run is not None else (
        "e.run_id IN (SELECT id FROM runs WHERE status = 'ok')", ())
    df = pd.read_sql_query(
        "SELECT e.run_id, e.device, e.ta, d.class, d.ree, d.broker, e.t0_ns, e.r_ns, "
        "e.t_trust_ns, e.w_danger_ns, e.w_clean_ns, e.r_censored, e.t_trust_censored "
        "FROM exposures e LEFT JOIN devices d ON d.run_id = e.run_id AND d.device = e.device "
        f"WHERE {where} ORDER BY e.run_id, e.device, e.ta", con, params=args)
    for col, name in (("t0_ns", "t0"), ("r_ns", "R"), ("t_trust_ns", "T_trust"),
                      ("w_danger_ns", "W_danger"), ("w_clean_ns", "W_clean")):
        df[name] = pd.to_numeric(df.pop(col), errors="coerce") / NS_PER_S
    return df


def series_names(db, run):
    con = connect(db)
    return [r[0] for r in con.execute(
        "SELECT DISTINCT series FROM timeseries WHERE run_id = ? ORDER BY series", (int(run),))]


def curve(db, run, metric):
    """One series of a run on one time grid: t (seconds; after t0 for removal/trust curves,
    absolute for bucketed series), sim, analytic. The simulated curve is a step function (held
    between its grid points); the analytic one (series `<metric>_analytic`, if any) is
    interpolated linearly inside its own range and NaN outside it. Both grids are merged, so
    every row carries both values. attrs: unit, bucket (seconds per bucket, bucketed series)."""
    con = connect(db)
    q = "SELECT t_ns, value FROM timeseries WHERE run_id = ? AND series = ? ORDER BY t_ns"
    sim = pd.read_sql_query(q, con, params=(int(run), metric))
    ana = pd.read_sql_query(q, con, params=(int(run), metric + "_analytic"))
    if sim.empty and ana.empty:
        raise DataError(f"run {run} has no series '{metric}' (it has: "
                        f"{', '.join(series_names(con, run)) or 'none'})")
    ts = np.union1d(sim["t_ns"].to_numpy(), ana["t_ns"].to_numpy())
    out = pd.DataFrame({"t": ts / NS_PER_S})
    if len(sim):
        idx = np.searchsorted(sim["t_ns"].to_numpy(), ts, side="right") - 1
        vals = sim["value"].to_numpy()
        out["sim"] = np.where(idx >= 0, vals[np.clip(idx, 0, None)], np.nan)
    else:
        out["sim"] = np.nan
    if len(ana):
        at, av = ana["t_ns"].to_numpy(), ana["value"].to_numpy()
        inside = (ts >= at[0]) & (ts <= at[-1])
        out["analytic"] = np.where(inside, np.interp(ts, at, av), np.nan)
    else:
        out["analytic"] = np.nan
    out.attrs["unit"] = SERIES_UNITS.get(metric.split("[")[0], "")
    if len(sim) > 1 and not metric.startswith(("removal_curve", "trust_curve")):
        out.attrs["bucket"] = bucket_width(con, run)
    return out


SERIES_UNITS = {"removal_curve": "fraction", "trust_curve": "fraction",
                "tam_queue_length": "requests", "tam_queue_length_max": "requests",
                "tam_busy_workers": "workers", "tam_load": "fraction", "sessions_per_s": "1/s",
                "sessions_failed_per_s": "1/s", "tam_queue_delay_mean": "s"}


def bucket_width(db, run):
    """Seconds per time-series bucket: stored by schema v3 (meta or runs), else the spacing of
    the run's bucket grid."""
    con = connect(db)
    if "bucket_ns" in _columns(con, "runs"):
        row = con.execute("SELECT bucket_ns FROM runs WHERE id = ?", (int(run),)).fetchone()
        if row and row[0]:
            return row[0] / NS_PER_S
    ts = [r[0] for r in con.execute(
        "SELECT DISTINCT t_ns FROM timeseries WHERE run_id = ? AND series = 'sessions_per_s' "
        "ORDER BY t_ns LIMIT 3", (int(run),))]
    return (ts[1] - ts[0]) / NS_PER_S if len(ts) > 1 else math.nan


def sessions(db, run=None, grp="all"):
    """Session outcomes: run_id, grp, cause, failure, count, bytes_up, bytes_down, and bytes per
    session in each direction (up_per_session, down_per_session)."""
    con = connect(db)
    where = "s.run_id = ?" if run is not None else "r.status = 'ok'"
    args = [int(run)] if run is not None else []
    if grp is not None:
        where += " AND s.grp = ?"
        args.append(grp)
    df = pd.read_sql_query(
        "SELECT s.run_id, s.grp, s.cause, s.failure, s.count, s.bytes_up, s.bytes_down FROM "
        f"sessions s JOIN runs r ON r.id = s.run_id WHERE {where} ORDER BY s.run_id, s.grp, "
        "s.count DESC", con, params=args)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["up_per_session"] = df["bytes_up"] / df["count"].where(df["count"] > 0)
        df["down_per_session"] = df["bytes_down"] / df["count"].where(df["count"] > 0)
    return df


def summaries(db, run=None, scope=None):
    """The summaries table of ok runs (durations in s), optionally of one run and one scope."""
    con = connect(db)
    where, args = ["r.status = 'ok'"], []
    if run is not None:
        where.append("s.run_id = ?")
        args.append(int(run))
    if scope is not None:
        where.append("s.scope = ?")
        args.append(scope)
    return pd.read_sql_query(
        "SELECT s.* FROM summaries s JOIN runs r ON r.id = s.run_id WHERE "
        + " AND ".join(where) + " ORDER BY s.run_id, s.metric, s.scope, s.source", con,
        params=args)


def scenario_texts(db):
    """{scenario_name: the scenario file text of its first run}."""
    con = connect(db)
    out = {}
    for name, text in con.execute(
            "SELECT scenario_name, scenario_text FROM runs ORDER BY id"):
        out.setdefault(name, text)
    return out


def short_key(key):
    """'fleet.0.broker.drop_probability' -> 'drop_probability' (for labels)."""
    return key.split(".")[-1]


def format_value(value, unit):
    """A parameter value for a label: 1800 s -> '30m', 65536 B -> '64KiB'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if not isinstance(value, (int, float, np.number)):
        return str(value)
    v = float(value)
    if unit == "s":
        for suffix, scale in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1), ("ms", 1e-3),
                              ("us", 1e-6)):
            if abs(v) >= scale or suffix == "us":
                q = v / scale
                return f"{q:g}{suffix}"
    if unit == "B":
        for suffix, scale in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10), ("B", 1)):
            if abs(v) >= scale or suffix == "B":
                return f"{v / scale:g}{suffix}"
    if unit == "bit/s":
        for suffix, scale in (("Gbps", 1e9), ("Mbps", 1e6), ("kbps", 1e3), ("bps", 1)):
            if abs(v) >= scale or suffix == "bps":
                return f"{v / scale:g}{suffix}"
    if unit == "bool":
        return "true" if v else "false"
    return f"{v:g}"
