//! The audit key and checkpoint files: where they live, reading and creating the key, and
//! appending checkpoints. The store receives the key as a value and checkpoints through a sink.
//!
//! Defaults: beside a SQLite database file `PATH`, `PATH.audit-key` and
//! `PATH.audit-checkpoints`; for PostgreSQL and in-memory databases, `audit.key` and
//! `audit-checkpoints` in `$XDG_DATA_HOME/duikou` (else `~/.local/share/duikou`, else the
//! current directory).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use duikou_store::{AuditKey, Checkpoint, CheckpointSink};

use crate::cli::DatabaseArg;

/// Where a database's audit key and checkpoints are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuditPaths {
    pub key: PathBuf,
    pub checkpoints: PathBuf,
}

impl AuditPaths {
    /// The paths given by options, else the defaults for `url`.
    pub fn resolve(url: &str, db: &DatabaseArg) -> AuditPaths {
        let default = default_paths(url);
        AuditPaths {
            key: db.audit_key_file.clone().unwrap_or(default.key),
            checkpoints: db
                .audit_checkpoint_file
                .clone()
                .unwrap_or(default.checkpoints),
        }
    }
}

fn default_paths(url: &str) -> AuditPaths {
    if let Some(db) = sqlite_file(url) {
        let beside = |suffix: &str| {
            let mut name = db.clone().into_os_string();
            name.push(suffix);
            PathBuf::from(name)
        };
        return AuditPaths {
            key: beside(".audit-key"),
            checkpoints: beside(".audit-checkpoints"),
        };
    }
    let dir = data_dir();
    AuditPaths {
        key: dir.join("audit.key"),
        checkpoints: dir.join("audit-checkpoints"),
    }
}

/// `$XDG_DATA_HOME/duikou`, else `~/.local/share/duikou`, else the current directory.
fn data_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(xdg) = var("XDG_DATA_HOME") {
        return PathBuf::from(xdg).join("duikou");
    }
    if let Some(home) = var("HOME") {
        return PathBuf::from(home).join(".local/share/duikou");
    }
    PathBuf::from(".")
}

/// The file of a `sqlite:` URL (`sqlite:PATH`, `sqlite://PATH`, with or without `?…`).
pub(crate) fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

/// Reads the key at `path`.
pub(crate) fn load_key(path: &Path) -> anyhow::Result<AuditKey> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "无法读取审计密钥文件 {}（可用 --audit-key-file 指定）",
            path.display()
        )
    })?;
    AuditKey::from_hex(&text).with_context(|| format!("审计密钥文件 {} 有误", path.display()))
}

/// Reads the key at `path`, or creates it there (32 random bytes as hex, mode 0600) when the
/// file does not exist yet.
pub(crate) fn load_or_create_key(path: &Path) -> anyhow::Result<AuditKey> {
    if path.exists() {
        return load_key(path);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    }
    let key = AuditKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("无法创建审计密钥文件 {}", path.display()))?;
    writeln!(file, "{}", key.to_hex())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("无法写入审计密钥文件 {}", path.display()))?;
    tracing::info!(path = %path.display(), "created the audit key");
    eprintln!("已生成审计密钥：{}（请与数据库分开备份）", path.display());
    Ok(key)
}

/// A sink appending each checkpoint to `path` as one JSON line (a failure is logged: the
/// write it accompanies goes on, and the checkpoint is in the server log as well).
pub(crate) fn file_sink(path: PathBuf) -> CheckpointSink {
    Arc::new(move |cp: &Checkpoint| {
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{}", cp.to_line()));
        if let Err(e) = appended {
            tracing::error!(path = %path.display(), "cannot append the audit checkpoint: {e}");
        }
    })
}

/// The checkpoints in the file at `path`, one JSON object a line (blank lines skipped).
pub(crate) fn read_checkpoints(path: &Path) -> anyhow::Result<Vec<Checkpoint>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取检查点文件 {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            Checkpoint::from_line(line)
                .with_context(|| format!("检查点文件 {} 第 {} 行有误", path.display(), i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(key: Option<&str>) -> DatabaseArg {
        DatabaseArg {
            database: None,
            audit_key_file: key.map(PathBuf::from),
            audit_checkpoint_file: None,
        }
    }

    #[test]
    fn a_sqlite_file_keeps_its_key_and_checkpoints_beside_it() {
        let p = AuditPaths::resolve("sqlite:///var/lib/duikou/d.db?mode=rwc", &db(None));
        assert_eq!(p.key, PathBuf::from("/var/lib/duikou/d.db.audit-key"));
        assert_eq!(
            p.checkpoints,
            PathBuf::from("/var/lib/duikou/d.db.audit-checkpoints")
        );
    }

    #[test]
    fn a_key_file_given_wins_over_the_default() {
        let p = AuditPaths::resolve("postgres://x@h/d", &db(Some("/etc/duikou/k")));
        assert_eq!(p.key, PathBuf::from("/etc/duikou/k"));
        assert!(p.checkpoints.ends_with("audit-checkpoints"));
    }

    #[test]
    fn a_created_key_is_private_and_read_back_the_same() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("sub/k");
        let key = load_or_create_key(&path).expect("created");
        assert_eq!(load_or_create_key(&path).expect("read"), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
