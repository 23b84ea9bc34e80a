//! The `duikou` command: serve, demo, migrate. The binary's `main` only parses arguments and
//! calls into here, so that tests drive the same code.
#![forbid(unsafe_code)]

mod audit;
mod audit_files;
pub mod calendar;
pub mod cli;
pub mod demo;
pub mod gen;
mod stats;
mod steps;
mod users;
mod warn;

use std::net::SocketAddr;

use anyhow::Context;
use duikou_store::{redact_url, Store};
use duikou_web::AppState;
use tokio::net::TcpListener;

use crate::cli::{Cli, Command, DatabaseArg};

/// The default database: `duikou.db` next to the binary.
fn default_database() -> String {
    let dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .unwrap_or_else(|| ".".into());
    format!("sqlite:{}", dir.join("duikou.db").display())
}

pub(crate) fn database_url(db: &DatabaseArg) -> String {
    db.database.clone().unwrap_or_else(default_database)
}

/// A progress bar over `len` projects (0: the length comes later), with rate and time left.
pub(crate) fn project_bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} 个项目 {per_sec} 预计剩余 {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// The store without migrating it (for commands that migrate with progress of their own),
/// with its audit key (created when missing) and checkpoint file.
pub(crate) async fn connect(db: &DatabaseArg) -> anyhow::Result<Store> {
    connect_url(&database_url(db), db).await
}

async fn connect_url(url: &str, db: &DatabaseArg) -> anyhow::Result<Store> {
    let paths = audit_files::AuditPaths::resolve(url, db);
    let key = audit_files::load_or_create_key(&paths.key)?;
    Ok(Store::connect(url)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact_url(url)))?
        .with_audit_key(key)
        .with_checkpoint_sink(audit_files::file_sink(paths.checkpoints)))
}

/// The store, migrated and ready for writing.
pub(crate) async fn open(db: &DatabaseArg) -> anyhow::Result<Store> {
    open_url(&database_url(db), db).await
}

async fn open_url(url: &str, db: &DatabaseArg) -> anyhow::Result<Store> {
    connect_url(url, db)
        .await?
        .ready()
        .await
        .with_context(|| format!("无法打开数据库 {}", redact_url(url)))
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            db,
            listen,
            secure_cookies,
            sweep_interval,
            notify,
        } => {
            let store = open(&db).await?;
            let notifier = (!notify.no_notify)
                .then(|| warn::notifier_config(&notify, listen))
                .transpose()?;
            serve(
                store,
                listen,
                None,
                secure_cookies,
                sweep_interval,
                notifier,
            )
            .await
        }
        Command::Migrate { db } => {
            let url = database_url(&db);
            let store = connect(&db).await?;
            store.migrate_schema().await?;
            // An upgrade or a bulk load can leave the rollup unbuilt: count it here, with
            // progress, rather than silently at the next start.
            if !store.stats_rollup_built().await? {
                stats::rebuild(&store).await?;
            }
            println!("数据库已是最新结构：{}", redact_url(&url));
            Ok(())
        }
        Command::Demo {
            db,
            listen,
            demo_password,
            no_notify,
        } => run_demo(db, listen, demo_password, no_notify).await,
        Command::Calendar(cli::CalendarCommand::Load { file, db }) => {
            calendar::load(&file, &db).await
        }
        Command::Calendar(cmd) => calendar::run(cmd),
        Command::Template(cmd) => template(cmd).await,
        Command::Steps(cmd) => steps::run(cmd).await,
        Command::Audit(cmd) => audit::run(cmd).await,
        Command::User(cmd) => users::run(cmd).await,
        Command::Token(cmd) => users::token(cmd).await,
        Command::Warn(cmd) => warn::run(cmd).await,
        Command::Notify(cmd) => warn::notify(cmd).await,
        Command::Stats(cmd) => stats::run(cmd).await,
        Command::Gen { projects, seed, db } => {
            let store = open(&db).await?;
            gen::run(&store, projects, seed).await
        }
    }
}

async fn run_demo(
    db: DatabaseArg,
    listen: SocketAddr,
    password: Option<String>,
    no_notify: bool,
) -> anyhow::Result<()> {
    // Keep the temporary folder alive for as long as the server runs (its audit key and
    // checkpoints, beside the database by default, go with it).
    let (url, _tmp) = match db.database.clone() {
        Some(url) => (url, None),
        None => {
            let dir = tempfile::tempdir().context("无法创建临时目录")?;
            let url = format!("sqlite:{}", dir.path().join("demo.db").display());
            (url, Some(dir))
        }
    };
    let store = open_url(&url, &db).await?;
    if demo::is_loaded(&store).await? {
        println!("演示数据已存在，直接使用：{}", redact_url(&url));
    } else {
        let started = std::time::Instant::now();
        let summary = demo::load(&store, duikou_web::china_today()).await?;
        println!(
            "已载入演示数据（{:.1} 秒）：{} 个行政区划，{} 个单位，{} 个合作关系，{} 个项目，{} 份进展报告",
            started.elapsed().as_secs_f64(),
            summary.regions,
            summary.orgs,
            summary.partnerships,
            summary.projects,
            summary.reports
        );
        println!(
            "{}",
            warn::describe(&summary.sweep, store.today(), true, summary.sweep_seconds)
        );
        let password = match password {
            Some(p) => {
                duikou_core::auth::check_password("", &p)
                    .context("--demo-password 不符合密码规则")?;
                p
            }
            None => demo_password(),
        };
        let logins = demo::create_users(&store, &password).await?;
        println!("演示账号（密码均为 {password}）：");
        for l in &logins {
            println!(
                "  {:<16} {:<10} {:<6} {}",
                l.login,
                l.display_name,
                l.role.label_zh(),
                l.scope
            );
        }
    }
    let notifier = (!no_notify).then(|| duikou_notify::NotifierConfig {
        public_url: format!("http://{listen}"),
        ..duikou_notify::NotifierConfig::default()
    });
    serve(store, listen, Some(&url), false, 60, notifier).await
}

async fn serve(
    store: Store,
    listen: SocketAddr,
    demo_db: Option<&str>,
    secure_cookies: bool,
    sweep_minutes: u64,
    notifier: Option<duikou_notify::NotifierConfig>,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 {listen}"))?;
    let addr = listener.local_addr()?;
    println!("Duikou 已启动：http://{addr}/");
    println!("  接口文档：http://{addr}/api/openapi.json");
    println!(
        "  示例：http://{addr}/api/v1/stats/projects?partnership=shanghai-dalian&as_of=2018-12-31"
    );
    if let Some(db) = demo_db {
        println!("  数据库：{}", redact_url(db));
    }
    println!("按 Ctrl+C 停止。");
    let mut state = AppState::new(store.clone());
    state.secure_cookies = secure_cookies;
    let sweeper = tokio::spawn(warn::periodic(store.clone(), sweep_minutes));
    let (stop_notifier, stopped) = tokio::sync::oneshot::channel::<()>();
    let deliverer = notifier.map(|config| {
        tokio::spawn(duikou_notify::run_notifier(store.clone(), config, async {
            let _ = stopped.await;
        }))
    });
    duikou_web::serve(listener, state, shutdown_signal()).await?;
    sweeper.abort();
    // The batch in flight is finished and recorded; what is left waits in the outbox.
    let _ = stop_notifier.send(());
    if let Some(d) = deliverer {
        match d.await {
            Ok(Err(e)) => tracing::warn!("notifier: {e}"),
            Err(e) => tracing::warn!("notifier task: {e}"),
            Ok(Ok(())) => {}
        }
    }
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

async fn template(cmd: cli::TemplateCommand) -> anyhow::Result<()> {
    use cli::TemplateCommand as T;
    match cmd {
        T::List { db } => {
            let store = open(&db).await?;
            for t in store.templates().await? {
                println!(
                    "{}\tv{}\t{}个环节\t{}",
                    t.key, t.version, t.step_count, t.name
                );
            }
        }
        T::Export { key, version, db } => {
            let store = open(&db).await?;
            println!("{}", store.template(&key, version).await?.to_json());
        }
        T::Import { file, db } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}", file.display()))?;
            let t = duikou_core::steps::Template::from_json(&text)
                .with_context(|| format!("{} 不是有效的流程模板", file.display()))?;
            let store = open(&db).await?;
            let saved = store.as_system("cli").save_template(&t).await?;
            println!(
                "已导入流程模板 {} 第{}版（{}个环节）",
                saved.key,
                saved.version,
                saved.step_count()
            );
        }
    }
    Ok(())
}

/// A generated demo password that meets the policy and is easy to type.
fn demo_password() -> String {
    use rand::Rng;
    let n: u32 = rand::thread_rng().gen_range(1000..10000);
    format!("Duikou-demo-{n}")
}
