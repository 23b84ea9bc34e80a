//! `duikou audit verify` (being written).

use crate::cli::AuditCommand;

pub async fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify { .. } => anyhow::bail!("audit verify is not written yet"),
    }
}
