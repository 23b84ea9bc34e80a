//! `duikou-bench`: Duikou at national scale, side by side with its peers.
//!
//! `duikou-bench all` (1 000 000 projects) or `duikou-bench quick` (100 000) builds the data set
//! with `duikou gen` if it is missing, starts the real server as a separate process on a
//! loopback port, and measures: headline statistics, project list pages, HTTP throughput
//! under 64 connections with the server's peak memory, the same statistics in DuckDB over
//! Parquet, and the statistics and lists again on PostgreSQL. Prints a Markdown report (and
//! writes it to `--out`). Add a benchmark by adding a [`Section`] in [`run_suite`].
#![forbid(unsafe_code)]

mod load;
mod report;
mod server;
mod soak;
mod sweep;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use duikou_store::Store;

use report::{ms, Report, Section, Timing};
use server::Server;

#[derive(Debug, Parser)]
#[command(
    name = "duikou-bench",
    about = "Benchmarks of Duikou at national scale"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Clone, clap::Args)]
struct Opts {
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where data sets, Parquet exports and results go.
    #[arg(long, default_value = "/tmp/duikou-bench")]
    dir: PathBuf,
    /// Repetitions of each sequential measurement.
    #[arg(long)]
    runs: Option<usize>,
    /// Seconds of each HTTP load run.
    #[arg(long)]
    load_seconds: Option<u64>,
    /// Projects of the PostgreSQL data set (default: the same as SQLite's).
    #[arg(long)]
    pg_projects: Option<u64>,
    #[arg(long)]
    no_postgres: bool,
    #[arg(long)]
    no_duckdb: bool,
    /// Write the Markdown report here too (default DIR/results-N.md).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Everything at 1 000 000 projects.
    All(Opts),
    /// Everything at 100 000 projects (under two minutes once the data set exists).
    Quick(Opts),
    /// Everything at N projects.
    Run {
        #[arg(long)]
        projects: u64,
        #[command(flatten)]
        opts: Opts,
    },
    /// Warning sweeps and incremental re-evaluation on a copy of the SQLite data set.
    Sweep {
        #[arg(long)]
        projects: u64,
        /// Repetitions of the full re-evaluation.
        #[arg(long, default_value_t = 3)]
        full_runs: usize,
        #[command(flatten)]
        opts: Opts,
    },
    /// The server's resident memory under a long mixed load (lists of 500 rows, project
    /// reads, statistics, writes) on a copy of the SQLite data set: RSS after one minute
    /// against the end of the run, flat within 10 %. Beside it, in the same run, a server with
    /// the memory settings of before the bounds (unless --no-baseline).
    Soak {
        #[arg(long, default_value_t = 100_000)]
        projects: u64,
        /// Minutes of load.
        #[arg(long, default_value_t = 10)]
        minutes: u64,
        /// Seconds of load instead of minutes (short runs; the baseline is then half-way).
        #[arg(long)]
        seconds: Option<u64>,
        /// Seconds between two readings of the server's VmRSS.
        #[arg(long, default_value_t = 5)]
        sample_seconds: u64,
        /// Concurrent clients per server.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Only this build's settings (no server with the settings of before beside it).
        #[arg(long)]
        no_baseline: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Only build (or find) the SQLite data set.
    Gen {
        #[arg(long)]
        projects: u64,
        #[command(flatten)]
        opts: Opts,
    },
    /// The server process the harness starts (the real `duikou serve`).
    #[command(hide = true)]
    Serve {
        #[arg(long)]
        database: String,
        #[arg(long)]
        listen: String,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Cmd::All(o) => run_suite(1_000_000, o).await,
        Cmd::Quick(o) => run_suite(100_000, o).await,
        Cmd::Run { projects, opts } => run_suite(projects, opts).await,
        Cmd::Gen { projects, opts } => sqlite_dataset(&opts, projects).await.map(|_| ()),
        Cmd::Soak {
            projects,
            minutes,
            seconds,
            sample_seconds,
            connections,
            no_baseline,
            opts,
        } => {
            let secs = seconds.unwrap_or(minutes * 60);
            let plan = SoakPlan {
                secs,
                sample_secs: sample_seconds.max(1),
                connections: connections.max(1),
                baseline: !no_baseline,
            };
            run_soak(projects, plan, opts).await
        }
        Cmd::Sweep {
            projects,
            full_runs,
            opts,
        } => run_sweep(projects, full_runs, opts).await,
        Cmd::Serve { database, listen } => {
            let cli = duikou_cli::cli::Cli::parse_from([
                "duikou",
                "serve",
                "--database",
                &database,
                "--listen",
                &listen,
                // The API alone: the server's default sweep at start would run alongside the
                // measurements (at 10^6 a day's sweep takes about a minute and holds the
                // write lock); sweeps have their own benchmark (`sweep`).
                "--sweep-interval",
                "0",
            ]);
            duikou_cli::run(cli).await
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duikou-bench: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// An administrator of the data set (created on first use) and a fresh API token of theirs:
/// every API request is authenticated, so the benchmarks carry the token as a client would.
async fn bench_token(url: &str) -> anyhow::Result<String> {
    use duikou_core::auth::{Grant, Role, Scope};
    use duikou_store::accounts::{NewToken, NewUser};
    let store = open_keyed(url).await?;
    let user = match store.user("bench").await {
        Ok(u) => u,
        Err(_) => {
            let system = duikou_core::Actor::system("bench");
            let new = NewUser {
                login: "bench".into(),
                display_name: "基准测试".into(),
                org_id: None,
                password: Some("Liaoning-2024-dk".into()),
            };
            store.as_system(&system.name).create_user(&new).await?;
            let g = Grant {
                role: Role::Admin,
                scope: Scope::All,
            };
            store.as_system(&system.name).grant("bench", &g).await?
        }
    };
    let new = NewToken {
        parent: None,
        name: "bench".into(),
        expires_in_days: None,
        grants: None,
    };
    let secret = store.create_token(&user, &new, chrono::Utc::now()).await?.1;
    store.close().await;
    Ok(secret)
}

/// Opens a data set for writing with the audit key `duikou gen` left beside a SQLite file
/// (`DB.audit-key`), as the server does; elsewhere with the store's default key.
async fn open_keyed(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url).await?;
    let key_file = url
        .strip_prefix("sqlite:")
        .map(|p| format!("{}.audit-key", p.split('?').next().unwrap_or(p)));
    let store = match key_file.filter(|f| Path::new(f).exists()) {
        Some(f) => {
            let text = std::fs::read_to_string(&f)?;
            store.with_audit_key(duikou_store::AuditKey::from_hex(&text)?)
        }
        None => store,
    };
    Ok(store.ready().await?)
}

/// A data set on disk or on a server: its URL and how long building it took (None: found).
struct Dataset {
    url: String,
    sqlite_path: Option<PathBuf>,
    gen_seconds: Option<f64>,
    /// A data set found: how long opening it took (migrations, a rollup build it lacked).
    open_seconds: Option<f64>,
    projects: u64,
}

/// Opens a data set found from an earlier run: migrations it lacks, and the statistics
/// rollup if it has none yet, happen here rather than in the server's start.
async fn open_found(url: &str) -> anyhow::Result<f64> {
    let t = Instant::now();
    let store = open_keyed(url).await?;
    store.close().await;
    Ok(t.elapsed().as_secs_f64())
}

async fn project_count(url: &str) -> Option<i64> {
    let store = Store::connect(url).await.ok()?;
    let count = store
        .project_count(&duikou_store::ProjectFilter::default())
        .await
        .ok();
    store.close().await;
    count
}

async fn generate(url: &str, projects: u64, seed: u64) -> anyhow::Result<f64> {
    eprintln!(
        "generating {projects} projects (seed {seed}) into {}",
        duikou_store::redact_url(url)
    );
    let store = Store::open(url).await?;
    let t = Instant::now();
    let summary = duikou_cli::gen::generate(&store, projects, seed, true).await?;
    let secs = t.elapsed().as_secs_f64();
    store.close().await;
    eprintln!("generated in {secs:.1} s: {summary:?}");
    Ok(secs)
}

async fn sqlite_dataset(o: &Opts, projects: u64) -> anyhow::Result<Dataset> {
    std::fs::create_dir_all(&o.dir)?;
    let path = o.dir.join(format!("n{projects}-s{}.db", o.seed));
    let url = format!("sqlite:{}", path.display());
    let found = path.exists() && project_count(&url).await == Some(projects as i64);
    let (gen, open_seconds) = if found {
        (None, Some(open_found(&url).await?))
    } else {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        (Some(generate(&url, projects, o.seed).await?), None)
    };
    Ok(Dataset {
        url,
        sqlite_path: Some(path),
        gen_seconds: gen,
        open_seconds,
        projects,
    })
}

async fn postgres_dataset(o: &Opts, projects: u64) -> anyhow::Result<Dataset> {
    let out = std::process::Command::new("bash")
        .arg(repo_root().join(".ci/postgres.sh"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot run .ci/postgres.sh")?;
    if !out.status.success() {
        bail!(".ci/postgres.sh failed");
    }
    let base = String::from_utf8(out.stdout)?.trim().to_owned();
    let name = format!("duikou_bench_n{projects}_s{}", o.seed);
    let Some(slash) = base.rfind('/') else {
        bail!("unexpected PostgreSQL URL");
    };
    let url = format!("{}/{name}", &base[..slash]);
    let found = project_count(&url).await == Some(projects as i64);
    let (gen, open_seconds) = if found {
        (None, Some(open_found(&url).await?))
    } else {
        let admin = Store::connect(&base).await?;
        let _ = admin
            .execute_admin(&format!("DROP DATABASE IF EXISTS {name}"))
            .await;
        admin
            .execute_admin(&format!("CREATE DATABASE {name}"))
            .await?;
        admin.close().await;
        (Some(generate(&url, projects, o.seed).await?), None)
    };
    Ok(Dataset {
        url,
        sqlite_path: None,
        gen_seconds: gen,
        open_seconds,
        projects,
    })
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// The scopes and pages every backend is asked about.
const PARTNERSHIP: &str = "1";
const PARTNERSHIP_PATH: &str = "/1/";
const PROVINCE: &str = "210000";
const AS_OF: &str = "2020-12-31";
/// A day within the busiest month of the generated history (its last): statistics add the
/// month's changes up to the day to the rollup's months.
const MID_MONTH: &str = "2025-06-15";

fn stats_cases() -> Vec<(&'static str, String, &'static str)> {
    let mut v = Vec::new();
    for (label, q) in [
        (
            "partnership 1 (with nested)",
            format!("partnership={PARTNERSHIP}"),
        ),
        ("province 210000 (subtree)", format!("region={PROVINCE}")),
        ("whole country", String::new()),
    ] {
        v.push((label, q.clone(), "today"));
        let sep = if q.is_empty() { "" } else { "&" };
        v.push((label, format!("{q}{sep}as_of={AS_OF}"), AS_OF));
        v.push((label, format!("{q}{sep}as_of={MID_MONTH}"), MID_MONTH));
    }
    v
}

/// The two list queries of the benchmark (without paging).
fn list_queries() -> [(&'static str, String); 2] {
    [
        (
            "province+category+min money, by money desc",
            format!("region={PROVINCE}&category=investment&min_planned_investment=50000000&sort=-planned_investment&limit=50"),
        ),
        (
            "partnership+stage+category, by stage date desc",
            format!("partnership={PARTNERSHIP}&stage=operating&category=investment&sort=-stage_since&limit=50"),
        ),
    ]
}

/// The page a client reaches by following `next`: page 200 (or the last page, when there
/// are fewer), and the query that asks for it.
const KEYSET_PAGE: usize = 200;

async fn keyset_page(server: &Server, q: &str) -> anyhow::Result<(usize, String)> {
    let mut page = 1;
    let mut path = format!("/api/v1/projects?{q}");
    while page < KEYSET_PAGE {
        let body = server.get_path(&path).await?;
        let Some(next) = body["next"].as_str() else {
            break;
        };
        path = format!("/api/v1/projects?{q}&after={next}");
        page += 1;
    }
    Ok((page, path))
}

fn list_cases() -> Vec<(&'static str, String)> {
    let [(_, a), (_, b)] = list_queries();
    vec![
        (
            "province+category+min money, by money desc, page 1",
            format!("{a}&offset=0"),
        ),
        (
            "province+category+min money, by money desc, page 200",
            format!("{a}&offset=9950"),
        ),
        (
            "partnership+stage+category, by stage date desc, page 1",
            format!("{b}&offset=0"),
        ),
        (
            "partnership+stage+category, by stage date desc, page 200",
            format!("{b}&offset=9950"),
        ),
    ]
}

/// Statistics and list pages through the HTTP API, one request at a time.
async fn sequential(
    server: &Server,
    report: &mut Report,
    backend: &str,
    runs: usize,
) -> anyhow::Result<Vec<(String, Timing)>> {
    let mut stats = Section::new(
        &format!("Headline statistics, `/api/v1/stats/projects` ({backend})"),
        &[
            "scope",
            "as_of",
            "median",
            "p95",
            "projects counted",
            "target (p95)",
        ],
    );
    let mut out = Vec::new();
    for (label, q, as_of) in stats_cases() {
        let url = format!("/api/v1/stats/projects?{q}");
        let (t, body) = server.time_get(&url, runs).await?;
        let count = body["total"]["count"].as_i64().unwrap_or(-1);
        let target = if label.starts_with("whole") {
            200.0
        } else {
            50.0
        };
        stats.row(vec![
            label.into(),
            as_of.into(),
            ms(t.median),
            ms(t.p95),
            count.to_string(),
            report::verdict(t.p95, target),
        ]);
        out.push((format!("{label}|{as_of}"), t));
    }
    report.push(stats);
    let mut lists = Section::new(
        &format!("Project list pages, `/api/v1/projects` ({backend})"),
        &["query", "median", "p95", "total matched", "target (p95)"],
    );
    for (label, q) in list_cases() {
        let (t, body) = server
            .time_get(&format!("/api/v1/projects?{q}"), runs)
            .await?;
        lists.row(vec![
            format!("{label}<br>`{q}`"),
            ms(t.median),
            ms(t.p95),
            total_text(&body),
            report::verdict(t.p95, 20.0),
        ]);
    }
    for (label, q) in list_queries() {
        let (page, path) = keyset_page(server, &q).await?;
        let (t, body) = server.time_get(&path, runs).await?;
        lists.row(vec![
            format!(
                "{label}, page {page} by `after` (followed `next` {} times)<br>`{q}&after=…`",
                page - 1
            ),
            ms(t.median),
            ms(t.p95),
            total_text(&body),
            report::verdict(t.p95, 20.0),
        ]);
    }
    report.push(lists);
    Ok(out)
}

/// `total` of a list answer, with "+" when counting stopped at its bound.
fn total_text(body: &serde_json::Value) -> String {
    let total = body["total"].as_i64().unwrap_or(-1);
    if body["total_exact"] == serde_json::Value::Bool(false) {
        format!("{total}+")
    } else {
        total.to_string()
    }
}

async fn run_suite(projects: u64, o: Opts) -> anyhow::Result<()> {
    let started = Instant::now();
    let runs = o
        .runs
        .unwrap_or(if projects >= 1_000_000 { 20 } else { 30 });
    let load_secs = o.load_seconds.unwrap_or(10);
    let mut report = Report::new(projects, o.seed, runs, load_secs);

    // SQLite.
    let ds = sqlite_dataset(&o, projects).await?;
    report.gen_row("SQLite", &ds);
    let token = bench_token(&ds.url).await?;
    let server = Server::start(&ds.url, &token).await?;
    let ours = sequential(&server, &mut report, "SQLite", runs).await?;
    let stats_hwm = server.vm_hwm_kib();
    server.stop();

    // Load, on a fresh server so that its peak memory is the load's.
    let server = Server::start(&ds.url, &token).await?;
    let mut load = Section::new(
        "HTTP under 64 connections (SQLite)",
        &["endpoint", "req/s", "p50", "p99", "errors", "target"],
    );
    let detail = load::run(&server, load::Target::Detail(projects), load_secs).await?;
    load.row(vec![
        "`GET /api/v1/projects/{random id}`".into(),
        format!("{:.0}", detail.rps),
        ms(detail.p50),
        ms(detail.p99),
        detail.errors.to_string(),
        format!(
            "≥ 15 000 req/s: {}; p99 ≤ 25 ms: {}",
            report::yes(detail.rps >= 15_000.0),
            report::yes(detail.p99 <= 25.0)
        ),
    ]);
    let list = load::run(&server, load::Target::List, load_secs).await?;
    load.row(vec![
        "`GET /api/v1/projects?partnership={random 1..50}&limit=50`".into(),
        format!("{:.0}", list.rps),
        ms(list.p50),
        ms(list.p99),
        list.errors.to_string(),
        format!("≥ 3 000 req/s: {}", report::yes(list.rps >= 3_000.0)),
    ]);
    let hwm = server.vm_hwm_kib();
    server.stop();
    load.note(&format!(
        "Load generator: {} (2 threads, 64 connections, {load_secs} s per endpoint) on the same 2 cores as the server. \
         Server peak resident memory (VmHWM) under this load: **{:.0} MB** (target ≤ 300 MB: {}); \
         after the sequential statistics and list runs above, on another server process: {:.0} MB.",
        detail.tool,
        hwm as f64 / 1024.0,
        report::yes(hwm as f64 / 1024.0 <= 300.0),
        stats_hwm as f64 / 1024.0,
    ));
    report.push(load);

    // DuckDB.
    if !o.no_duckdb {
        if let Some(path) = &ds.sqlite_path {
            match duckdb(&o, path, projects, runs).await {
                Ok(peer) => report.peer_section("DuckDB (in memory, from Parquet)", &ours, &peer),
                Err(e) => report.failure("DuckDB", &format!("{e:#}")),
            }
        }
    }

    // PostgreSQL.
    if !o.no_postgres {
        let n = o.pg_projects.unwrap_or(projects);
        match postgres_dataset(&o, n).await {
            Ok(pg) => {
                report.gen_row("PostgreSQL", &pg);
                let server = Server::start(&pg.url, &bench_token(&pg.url).await?).await?;
                let r = sequential(
                    &server,
                    &mut report,
                    &format!("PostgreSQL, {n} projects"),
                    runs,
                )
                .await;
                let detail = load::run(&server, load::Target::Detail(n), load_secs).await;
                let list = load::run(&server, load::Target::List, load_secs).await;
                let hwm = server.vm_hwm_kib();
                server.stop();
                let pg_stats = r?;
                if n == projects {
                    report.peer_section("PostgreSQL (same API, same data)", &ours, &pg_stats);
                }
                let mut load = Section::new(
                    "HTTP under 64 connections (PostgreSQL)",
                    &["endpoint", "req/s", "p50", "p99", "errors"],
                );
                for (name, l) in [("project detail", detail?), ("list", list?)] {
                    load.row(vec![
                        name.into(),
                        format!("{:.0}", l.rps),
                        ms(l.p50),
                        ms(l.p99),
                        l.errors.to_string(),
                    ]);
                }
                load.note(&format!(
                    "Server peak memory: {:.0} MB (the database server's own memory not included).",
                    hwm as f64 / 1024.0
                ));
                report.push(load);
            }
            Err(e) => report.failure("PostgreSQL", &format!("{e:#}")),
        }
    }

    let text = report.markdown(started.elapsed());
    println!("{text}");
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| o.dir.join(format!("results-{projects}.md")));
    std::fs::write(&out, &text)?;
    eprintln!("report written to {}", out.display());
    Ok(())
}

async fn run_sweep(projects: u64, full_runs: usize, o: Opts) -> anyhow::Result<()> {
    let started = Instant::now();
    let ds = sqlite_dataset(&o, projects).await?;
    let path = ds.sqlite_path.context("a SQLite data set")?;
    let copy = o.dir.join(format!("sweep-n{projects}-s{}.db", o.seed));
    sweep::copy_dataset(&path, &copy)?;
    let url = format!("sqlite:{}", copy.display());
    let mut report = Report::new(projects, o.seed, full_runs, 0);
    report.push(sweep::run(&url, projects, full_runs).await?);
    let text = report.markdown(started.elapsed());
    println!("{text}");
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| o.dir.join(format!("sweep-{projects}.md")));
    std::fs::write(&out, &text)?;
    eprintln!("report written to {}", out.display());
    Ok(())
}

struct SoakPlan {
    secs: u64,
    sample_secs: u64,
    connections: usize,
    baseline: bool,
}

/// The bounded settings (the page cache is the server's default; glibc's arenas are the
/// operator's setting, see docs/operations.md), each named so that the run shows them.
const BOUNDED_LABEL: &str = "bounded";
const BOUNDED_ENV: &[(&str, &str)] = &[
    ("DUIKOU_SQLITE_CACHE_KIB", "4096"),
    ("MALLOC_ARENA_MAX", "2"),
];
/// The settings of before the memory bounds, as environment for the server beside ours.
const BEFORE_LABEL: &str = "before the bounds";
const BEFORE_ENV: &[(&str, &str)] = &[("DUIKOU_SQLITE_CACHE_KIB", "16384")];

async fn run_soak(projects: u64, plan: SoakPlan, o: Opts) -> anyhow::Result<()> {
    let started = Instant::now();
    let ds = sqlite_dataset(&o, projects).await?;
    let path = ds.sqlite_path.clone().context("a SQLite data set")?;
    let mut configs: Vec<(&str, &[(&str, &str)])> = vec![(BOUNDED_LABEL, BOUNDED_ENV)];
    if plan.baseline {
        configs.push((BEFORE_LABEL, BEFORE_ENV));
    }
    let mut servers = Vec::new();
    for (i, (label, env)) in configs.iter().enumerate() {
        // A copy per server: the load writes, and other benchmarks read the data set.
        let copy = o.dir.join(format!("soak{i}-n{projects}-s{}.db", o.seed));
        sweep::copy_dataset(&path, &copy)?;
        let url = format!("sqlite:{}", copy.display());
        // The token is made in the copy itself: one made in the data set just before the copy
        // may still sit in its write-ahead log while the closing pool checkpoints it, and a
        // copy taken then lacks it (a whole trial run was refused that way).
        let token = bench_token(&url).await?;
        servers.push((*label, *env, Server::start_with(&url, &token, env).await?));
    }
    eprintln!(
        "soak: {} server(s), {} clients each, {} s",
        servers.len(),
        plan.connections,
        plan.secs
    );
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs(plan.secs);
    let every = Duration::from_secs(plan.sample_secs);
    let mut running = Vec::new();
    for (_, _, server) in &servers {
        running.push((
            soak::start_load(server, projects, plan.connections, deadline),
            soak::start_sampler(server.pid(), t0, every, deadline),
        ));
    }
    let mut results = Vec::new();
    for (load, sampler) in running {
        results.push((load.await??, sampler.await?));
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let baseline_at = soak::baseline_time(plan.secs);
    let mut section = Section::new(
        &format!(
            "Soak: server memory under mixed load ({projects} projects, SQLite, {:.0} min)",
            plan.secs as f64 / 60.0
        ),
        &[
            "settings",
            &format!("RSS at {baseline_at:.0} s"),
            "RSS at the end",
            "growth",
            "peak (VmHWM)",
            "requests (req/s)",
            "refused / errors",
            "flat within 10 %",
        ],
    );
    let mut ends = Vec::new();
    for ((label, env, server), (counts, samples)) in servers.iter().zip(&results) {
        let hwm = soak::vm_kib(server.pid(), "VmHWM:");
        let requests = counts.requests.load(std::sync::atomic::Ordering::Relaxed);
        let get = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
        let settings = if env.is_empty() {
            format!("{label} (defaults)")
        } else {
            let vars: Vec<String> = env.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
            format!("{label}: {}", vars.join(" "))
        };
        let mb = |kib: u64| format!("{:.0} MB", kib as f64 / 1024.0);
        match soak::flatness(samples, baseline_at, 0.10) {
            Some(f) => {
                ends.push(f.end_kib);
                section.note(&format!(
                    "{label}: baseline read at {:.0} s, end at {:.0} s; largest sample {}.",
                    f.baseline_at,
                    f.end_at,
                    mb(f.peak_kib)
                ));
                section.row(vec![
                    settings,
                    mb(f.baseline_kib),
                    mb(f.end_kib),
                    format!("{:+.1} %", f.growth * 100.0),
                    mb(hwm),
                    format!("{requests} ({:.0})", requests as f64 / elapsed),
                    format!("{} / {}", get(&counts.refused), get(&counts.errors)),
                    report::yes(f.flat).into(),
                ]);
            }
            None => {
                let mut row = vec![settings, "no sample at the baseline".into()];
                row.resize(8, "–".into());
                section.row(row);
            }
        }
        section.note(&format!(
            "{label}: VmRSS every minute (MB): {}. Mix: {} lists of 500 rows, {} reads, {} \
             statistics, {} writes.",
            soak::curve(samples, 60.0),
            get(&counts.lists),
            get(&counts.reads),
            get(&counts.stats),
            get(&counts.writes),
        ));
    }
    if let [ours, before] = ends[..] {
        section.note(&format!(
            "Resident memory at the end, bounded / before the bounds: {:.2}.",
            ours as f64 / before as f64
        ));
    }
    section.note(&format!(
        "Each server on its own copy of the data set, {} clients each, both at once on the \
         same cores; VmRSS read every {} s. Mix per request: 40 % project lists of 500 rows \
         (six filter/sort/offset shapes), 35 % project and report reads, 10 % statistics, \
         15 % writes (progress reports of random periods, suspensions and resumptions). \
         Refused: 4xx answers the mix provokes now and then (a period already reported, a \
         terminated project); errors: 5xx or failed requests.",
        plan.connections, plan.sample_secs
    ));
    for (_, _, server) in servers {
        server.stop();
    }
    let mut report = Report::new(projects, o.seed, 0, plan.secs);
    report.method(&format!(
        "Soak: {} s of mixed load through the HTTP API (client on the same machine).",
        plan.secs
    ));
    report.gen_row("SQLite", &ds);
    report.push(section);
    let text = report.markdown(started.elapsed());
    println!("{text}");
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| o.dir.join(format!("soak-{projects}.md")));
    std::fs::write(&out, &text)?;
    eprintln!("report written to {}", out.display());
    Ok(())
}

/// Runs the DuckDB peer script; returns its timings by the same keys as ours.
async fn duckdb(
    o: &Opts,
    sqlite: &Path,
    projects: u64,
    runs: usize,
) -> anyhow::Result<Vec<(String, Timing)>> {
    let script = repo_root().join("crates/duikou-bench/peers/duckdb_stats.py");
    let parquet = o.dir.join(format!("parquet-n{projects}-s{}", o.seed));
    let out = tokio::process::Command::new("python3")
        .arg(script)
        .arg("--sqlite")
        .arg(sqlite)
        .arg("--parquet")
        .arg(&parquet)
        .args(["--scope", &format!("partnership={PARTNERSHIP_PATH}")])
        .args(["--scope", &format!("region=/{PROVINCE}/")])
        .args(["--scope", "all="])
        .args(["--as-of", "today", "--as-of", AS_OF, "--as-of", MID_MONTH])
        .args(["--runs", &runs.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .await
        .context("cannot run python3")?;
    if !out.status.success() {
        bail!("duckdb_stats.py failed (pip install duckdb pyarrow)");
    }
    let labels = stats_cases();
    let mut v = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let j: serde_json::Value = serde_json::from_str(line)?;
        let name = j["name"].as_str().unwrap_or_default();
        let Some((kind, as_of)) = name.split_once(':') else {
            continue;
        };
        let prefix = match kind {
            "partnership" => "partnership",
            "region" => "province",
            "all" => "whole country",
            _ => continue,
        };
        let Some(label) = labels.iter().map(|l| l.0).find(|l| l.starts_with(prefix)) else {
            continue;
        };
        v.push((
            format!("{label}|{as_of}"),
            Timing {
                median: j["median_ms"].as_f64().unwrap_or(f64::NAN),
                p95: j["p95_ms"].as_f64().unwrap_or(f64::NAN),
                extra: j["count"].as_i64().map(|c| format!("{c} projects")),
            },
        ));
    }
    Ok(v)
}

/// Waits up to `limit` for `f` to succeed.
pub(crate) async fn retry<F, Fut, T>(limit: Duration, mut f: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let start = Instant::now();
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) if start.elapsed() > limit => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
