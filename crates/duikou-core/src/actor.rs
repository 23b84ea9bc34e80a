//! Who is acting: every write of the store names its actor, so that history and the audit log
//! are answerable from the first record on.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user's id, once accounts exist; `None` for the system itself (migrations, demo).
    pub user_id: Option<i64>,
    /// A readable name for history: a login, or "system", "demo", "cli".
    pub name: String,
    /// Whether this actor may override the stage rules (an administrator).
    pub may_override: bool,
}

impl Actor {
    pub fn system(name: &str) -> Actor {
        Actor {
            user_id: None,
            name: name.to_owned(),
            may_override: true,
        }
    }
}
