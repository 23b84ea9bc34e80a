//! Command-line arguments. Every option has a `DUIKOU_*` environment fallback.

use std::net::SocketAddr;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "duikou",
    version,
    about = "对口合作与重大项目推进平台 — cross-regional cooperation and major-project tracking"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct DatabaseArg {
    /// Database URL: `sqlite:PATH` (default: duikou.db next to the binary) or `postgres://…`.
    #[arg(long, env = "DUIKOU_DATABASE_URL")]
    pub database: Option<String>,
    /// The audit chain's key (64 hex digits), kept apart from the database; created when
    /// missing. Default: PATH.audit-key beside a SQLite file, else audit.key in
    /// $XDG_DATA_HOME/duikou (~/.local/share/duikou).
    #[arg(long, env = "DUIKOU_AUDIT_KEY_FILE")]
    pub audit_key_file: Option<std::path::PathBuf>,
    /// Where each day's signed audit checkpoint is appended (one JSON line). Default:
    /// PATH.audit-checkpoints beside a SQLite file, else audit-checkpoints beside the
    /// default key.
    #[arg(long, env = "DUIKOU_AUDIT_CHECKPOINT_FILE")]
    pub audit_checkpoint_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web UI and the JSON API.
    Serve {
        #[command(flatten)]
        db: DatabaseArg,
        /// Address to listen on.
        #[arg(long, env = "DUIKOU_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Mark session cookies Secure: set when users reach the server over HTTPS (directly
        /// or through a TLS-terminating proxy).
        #[arg(long, env = "DUIKOU_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Minutes between warning sweeps (0: none; run `duikou warn sweep` from cron instead).
        #[arg(long, env = "DUIKOU_SWEEP_INTERVAL", default_value_t = 60)]
        sweep_interval: u64,
        #[command(flatten)]
        notify: NotifyArgs,
    },
    /// Serve the product with demo data: a fresh database in a temporary folder, or the one
    /// given (kept, and reused when it already holds the demo).
    Demo {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long, env = "DUIKOU_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Give every demo user this password (default: a generated one, printed).
        #[arg(long, env = "DUIKOU_DEMO_PASSWORD")]
        demo_password: Option<String>,
        /// Deliver no notifications (a demo whose channels must reach no other host).
        #[arg(long, env = "DUIKOU_NO_NOTIFY")]
        no_notify: bool,
    },
    /// Write a synthetic national data set (regions, partnerships, projects with history,
    /// reports, problems, steps), deterministic for a seed: for benchmarks and load tests.
    Gen {
        /// Number of projects.
        #[arg(long, default_value_t = 100_000)]
        projects: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Accounts: add, list, disable, reset passwords, grant and revoke roles.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for scripts and operators.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Bring the database schema up to date.
    Migrate {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Working days on the official calendar (holidays and make-up working days).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// The steps of a project (项目管家): instantiate a template, show the schedule, update a step.
    #[command(subcommand)]
    Steps(StepsCommand),
    /// Step templates (流程模板): list, export as JSON, import a new version.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Early warnings (预警): sweep, list, thresholds.
    #[command(subcommand)]
    Warn(WarnCommand),
    /// Notifications (通知): test a channel, the outbox's state, retry what was given up.
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// The statistics rollup (统计汇总): rebuild it, check it against direct counting.
    #[command(subcommand)]
    Stats(StatsCommand),
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Count the rollup again from the stage history and the reports (after restoring tables
    /// by hand; `gen` and opening a database after a bulk load do it themselves).
    Rebuild {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Compare the rollup's figures with counting the projects one by one, for the country
    /// and every partnership, as of a date; exits non-zero on a difference.
    Check {
        /// The date (default: today in China).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

/// Where notifications link to and how e-mail leaves.
#[derive(Debug, Clone, clap::Args)]
pub struct NotifyArgs {
    /// The address users open Duikou at, for links in notifications (default: http://LISTEN).
    #[arg(long, env = "DUIKOU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Do not deliver notifications from this server (another one does).
    #[arg(long, env = "DUIKOU_NO_NOTIFY")]
    pub no_notify: bool,
    /// SMTP relay for e-mail channels.
    #[arg(long, env = "DUIKOU_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "DUIKOU_SMTP_PORT", default_value_t = 25)]
    pub smtp_port: u16,
    /// none, starttls or tls.
    #[arg(long, env = "DUIKOU_SMTP_TLS", default_value = "none")]
    pub smtp_tls: String,
    #[arg(long, env = "DUIKOU_SMTP_USER")]
    pub smtp_user: Option<String>,
    #[arg(long, env = "DUIKOU_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The sender address, e.g. "对口项目办 <noreply@example.cn>".
    #[arg(long, env = "DUIKOU_SMTP_FROM", default_value = "duikou@localhost")]
    pub smtp_from: String,
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Send a test message to a channel now (outside the outbox).
    Test {
        #[arg(long)]
        channel: i64,
        #[command(flatten)]
        notify: NotifyArgs,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// How the outbox stands: pending, retrying, delivered, given up.
    Status {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Try the given-up deliveries again (one with --id).
    Retry {
        #[arg(long)]
        id: Option<i64>,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum WarnCommand {
    /// Evaluate the projects whose next check has come (all of them with --full) and report
    /// what was raised, escalated, lowered and cleared.
    Sweep {
        /// Evaluate every project (after a change of thresholds or calendar).
        #[arg(long)]
        full: bool,
        /// The date to evaluate for (default: today in China). Any other day is a dry run:
        /// it says what it would change and writes nothing.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// The active warnings, red first.
    List {
        /// yellow or red.
        #[arg(long)]
        level: Option<String>,
        /// A rule code (step_committed, problem_overdue, …).
        #[arg(long)]
        rule: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// The thresholds in force for an organisation (or all) in a year, as JSON.
    Thresholds {
        #[arg(long)]
        org: Option<i64>,
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a generated first password unless --password is given.
    Add {
        login: String,
        /// Display name (姓名), default the login.
        #[arg(long)]
        name: Option<String>,
        /// The user's org id.
        #[arg(long)]
        org: Option<i64>,
        #[arg(long)]
        password: Option<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
    Disable {
        login: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    Enable {
        login: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Give a user a new generated password, to be changed at the next login.
    ResetPassword {
        login: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Grant ROLE (admin, coordinator, editor, leader, viewer) over SCOPE: `all`, `org:ID`,
    /// `region:CODE` or `partnership:SLUG`.
    Grant {
        login: String,
        role: String,
        scope: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    Revoke {
        login: String,
        role: String,
        scope: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token of a user and print it on its own line (shown once).
    Create {
        #[arg(long)]
        user: String,
        /// Days until it expires (default: never).
        #[arg(long)]
        expires: Option<i64>,
        #[arg(long, default_value = "cli")]
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the audit log; report the first broken link, if any, and any
    /// checkpoint the chain no longer agrees with.
    Verify {
        #[command(flatten)]
        db: DatabaseArg,
        /// A file of checkpoints to check the chain against (default: the checkpoint file of
        /// the database, when it exists; see --audit-checkpoint-file).
        #[arg(long)]
        checkpoint: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StepsCommand {
    /// Instantiate a template on a project: `steps instantiate 42 construction_approval --start 2024-03-01`.
    Instantiate {
        project: i64,
        template: String,
        #[arg(long)]
        version: Option<i32>,
        /// The day the first steps start (default today).
        #[arg(long)]
        start: Option<chrono::NaiveDate>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Print a project's schedule: planned and actual dates, days used and left, lateness.
    Show {
        project: i64,
        /// Print the schedule as JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Replace one step's state with the JSON in FILE (as returned under `states` by the API).
    Update {
        project: i64,
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Take a step action as the step page does:
    /// `steps act 42 land_permit finish actual_finish=2024-06-05`.
    /// Actions: start, finish, deficiency, supply, commitment, verify, replan, suspend,
    /// resume, skip; a list field (missing_documents) takes one item a line.
    Act {
        project: i64,
        step: String,
        action: String,
        /// The action's fields as `field=value`.
        fields: Vec<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// The templates in the database, at their latest versions.
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Print a template as JSON (the import format).
    Export {
        key: String,
        #[arg(long)]
        version: Option<i32>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Store a template from a JSON file as the next version of its key.
    Import {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// The date N working days after DATE (N may be 0 or negative): `calendar add 2024-09-27 3`.
    Add {
        date: chrono::NaiveDate,
        #[arg(allow_hyphen_values = true)]
        days: i64,
        /// Extra notices to merge (CSV: date,kind,name,year), e.g. next year's.
        #[arg(long)]
        file: Vec<std::path::PathBuf>,
    },
    /// Working days d with FROM < d <= TO (or FROM <= d <= TO with --inclusive).
    Between {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        #[arg(long)]
        inclusive: bool,
        #[arg(long)]
        file: Vec<std::path::PathBuf>,
    },
    /// Whether DATE is a working day, and why.
    Check {
        date: chrono::NaiveDate,
        #[arg(long)]
        file: Vec<std::path::PathBuf>,
    },
    /// The years whose official notice is loaded.
    Years {
        #[arg(long)]
        file: Vec<std::path::PathBuf>,
    },
    /// Store a new notice (CSV: date,kind,name,year; kind off or work) in the database, so that
    /// the server counts with it without a rebuild.
    Load {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
