//! The synthetic national data set (`duikou gen`). Being written.

use duikou_store::Store;

/// Writes `projects` projects and everything around them, deterministically for `seed`.
pub async fn run(_store: &Store, _projects: u64, _seed: u64) -> anyhow::Result<()> {
    anyhow::bail!("duikou gen is not written yet")
}
