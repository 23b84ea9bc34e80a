#!/usr/bin/env python3
"""The peer of Duikou's headline statistics: the same question asked of DuckDB over the same
data, exported from the SQLite database to Parquet (Python's sqlite3 + pyarrow; DuckDB's sqlite
extension is not used, nothing is downloaded).

For each scope: the projects in scope, each with the stage it held as of the date (the stage
span containing it) and its latest progress report ending on or before the date, grouped by
(stage, category, >= 1亿) with the count and, for CNY projects, the sums and counts of the six
money fields. Prints one JSON object per line: name, runs, median_ms, p95_ms, count.

    python3 duckdb_stats.py --sqlite /tmp/x.db --parquet /tmp/x.parquet \
        --scope partnership=/1/ --scope region=/210000/ --scope all= \
        --as-of 2020-12-31 --as-of today --runs 20
"""
import argparse
import datetime
import json
import os
import sqlite3
import sys
import time

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = {
    "projects": "SELECT id, partnership_path, host_region_path, source_region_path, category, "
    "currency, planned_investment, agreement_amount FROM projects",
    "stage_changes": "SELECT project_id, to_stage, effective_date, until_date FROM stage_changes",
    "progress_reports": "SELECT id, project_id, period_end, invested_to_date, funds_in_place, "
    "trade_volume, output_value FROM progress_reports",
}

SCHEMAS = {
    "projects": pa.schema([
        ("id", pa.int64()), ("partnership_path", pa.string()), ("host_region_path", pa.string()),
        ("source_region_path", pa.string()), ("category", pa.string()), ("currency", pa.string()),
        ("planned_investment", pa.int64()), ("agreement_amount", pa.int64()),
    ]),
    "stage_changes": pa.schema([
        ("project_id", pa.int64()), ("to_stage", pa.string()), ("effective_date", pa.string()),
        ("until_date", pa.string()),
    ]),
    "progress_reports": pa.schema([
        ("id", pa.int64()), ("project_id", pa.int64()), ("period_end", pa.string()),
        ("invested_to_date", pa.int64()), ("funds_in_place", pa.int64()),
        ("trade_volume", pa.int64()), ("output_value", pa.int64()),
    ]),
}


def export(sqlite_path, out_dir):
    """Writes each table to OUT_DIR/TABLE.parquet unless already there."""
    os.makedirs(out_dir, exist_ok=True)
    con = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    for table, sql in TABLES.items():
        path = os.path.join(out_dir, f"{table}.parquet")
        if os.path.exists(path):
            continue
        schema = SCHEMAS[table]
        tmp = path + ".tmp"
        writer = pq.ParquetWriter(tmp, schema)
        cur = con.execute(sql)
        while True:
            rows = cur.fetchmany(200_000)
            if not rows:
                break
            cols = list(zip(*rows))
            writer.write_table(pa.table(
                [pa.array(c, type=f.type) for c, f in zip(cols, schema)], schema=schema))
        writer.close()
        os.replace(tmp, path)
    con.close()


def stats_sql(cond):
    money = [("p.planned_investment", 0), ("p.agreement_amount", 1), ("r.invested_to_date", 2),
             ("r.funds_in_place", 3), ("r.trade_volume", 4), ("r.output_value", 5)]
    sums = ", ".join(
        f"COALESCE(SUM(CASE WHEN p.currency = 'CNY' THEN {c} END), 0)::BIGINT AS s{i}, "
        f"COUNT(CASE WHEN p.currency = 'CNY' THEN {c} END) AS c{i}" for c, i in money)
    return f"""
        WITH p AS (SELECT * FROM projects p WHERE {cond}),
        h AS (SELECT project_id, to_stage FROM stage_changes
              WHERE effective_date <= $asof AND (until_date IS NULL OR until_date > $asof)),
        r AS (SELECT project_id, arg_max(COLUMNS(* EXCLUDE (project_id, id, period_end)),
                                         (period_end, id))
              FROM progress_reports WHERE period_end <= $asof GROUP BY project_id)
        SELECT h.to_stage AS stage, p.category,
               CASE WHEN p.planned_investment >= 100000000 THEN 1 ELSE 0 END AS large,
               COUNT(*) AS n, {sums}
        FROM p JOIN h ON h.project_id = p.id LEFT JOIN r ON r.project_id = p.id
        GROUP BY ALL"""


def scope_cond(kind, path):
    if kind == "all":
        return "TRUE"
    col = {"partnership": "partnership_path", "region": "host_region_path",
           "source": "source_region_path"}[kind]
    hi = path.rstrip("/") + "0"
    return f"p.{col} >= '{path}' AND p.{col} < '{hi}'"


def pct(sorted_ms, q):
    k = max(0, min(len(sorted_ms) - 1, int(round(q * len(sorted_ms) + 0.5)) - 1))
    return sorted_ms[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqlite", required=True)
    ap.add_argument("--parquet", required=True)
    ap.add_argument("--scope", action="append", default=[], help="KIND=PATH, e.g. region=/210000/")
    ap.add_argument("--as-of", action="append", default=[], help="YYYY-MM-DD or 'today'")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    t0 = time.perf_counter()
    export(args.sqlite, args.parquet)
    print(json.dumps({"name": "export", "seconds": round(time.perf_counter() - t0, 2)}), flush=True)

    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    for t in TABLES:
        # In memory, as a columnar engine holds its working set.
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{args.parquet}/{t}.parquet')")
    for scope in args.scope:
        kind, _, path = scope.partition("=")
        sql = stats_sql(scope_cond(kind, path))
        for as_of in args.as_of:
            d = datetime.date.today().isoformat() if as_of == "today" else as_of
            con.execute(sql, {"asof": d}).fetchall()  # warm-up
            times = []
            count = 0
            for _ in range(args.runs):
                t = time.perf_counter()
                rows = con.execute(sql, {"asof": d}).fetchall()
                times.append((time.perf_counter() - t) * 1000.0)
                count = sum(r[3] for r in rows)
            times.sort()
            print(json.dumps({"name": f"{kind}:{as_of}", "runs": args.runs,
                              "median_ms": round(pct(times, 0.5), 2),
                              "p95_ms": round(pct(times, 0.95), 2), "count": count}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
