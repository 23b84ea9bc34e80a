//! Where a warning stands, and how people answer one (确认, 解除): the rule of which answer
//! a warning in which state takes.

use serde::{Deserialize, Serialize};

use crate::text::{check, TextKind};
use crate::ValidationError;

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningStatus {
    /// 待处理: raised, nobody has answered.
    Open,
    /// 已确认: someone answers for it.
    Acknowledged,
    /// 已解除: closed by hand with a note (re-opened if it escalates while its condition holds).
    Resolved,
    /// 已消除: its condition ended.
    Cleared,
}

impl WarningStatus {
    pub const ALL: [WarningStatus; 4] = [
        WarningStatus::Open,
        WarningStatus::Acknowledged,
        WarningStatus::Resolved,
        WarningStatus::Cleared,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WarningStatus::Open => "open",
            WarningStatus::Acknowledged => "acknowledged",
            WarningStatus::Resolved => "resolved",
            WarningStatus::Cleared => "cleared",
        }
    }

    pub fn parse(code: &str) -> Option<WarningStatus> {
        WarningStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            WarningStatus::Open => "待处理",
            WarningStatus::Acknowledged => "已确认",
            WarningStatus::Resolved => "已解除",
            WarningStatus::Cleared => "已消除",
        }
    }
}

/// How someone answers a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 确认: they answer for an open warning.
    Acknowledge,
    /// 解除: they close the matter by hand (an open or acknowledged warning).
    Resolve,
}

impl Answer {
    /// The status it leaves.
    pub fn status(self) -> WarningStatus {
        match self {
            Answer::Acknowledge => WarningStatus::Acknowledged,
            Answer::Resolve => WarningStatus::Resolved,
        }
    }

    /// Its name in the warning's history and the change log.
    pub fn code(self) -> &'static str {
        self.status().code()
    }

    fn label_zh(self) -> &'static str {
        match self {
            Answer::Acknowledge => "确认",
            Answer::Resolve => "解除",
        }
    }

    /// The status and note a warning in `status` (closed or not) is left with when answered
    /// this way with `note`; every reason it cannot be, by field.
    pub fn apply(
        self,
        status: WarningStatus,
        closed: bool,
        note: &str,
    ) -> Result<(WarningStatus, String), ValidationError> {
        let note = note.trim();
        let mut errs = Vec::new();
        if note.is_empty() {
            errs.push(crate::FieldError::new("note", "required", "请填写处理说明"));
        } else if let Err(e) = check("note", note, TextKind::Text) {
            errs.push(e);
        }
        let allowed = match self {
            Answer::Acknowledge => status == WarningStatus::Open,
            Answer::Resolve => matches!(status, WarningStatus::Open | WarningStatus::Acknowledged),
        };
        if !allowed || closed {
            errs.push(crate::FieldError::new(
                "status",
                "invalid_status",
                format!(
                    "预警当前为「{}」，不能{}",
                    status.label_zh(),
                    self.label_zh()
                ),
            ));
        }
        if errs.is_empty() {
            Ok((self.status(), note.to_owned()))
        } else {
            Err(ValidationError(errs))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_warning_is_acknowledged_then_resolved_and_nothing_after() {
        use WarningStatus::*;
        let ack = Answer::Acknowledge.apply(Open, false, " 已协调 ").unwrap();
        assert_eq!(ack, (Acknowledged, "已协调".to_owned()));
        assert!(Answer::Resolve.apply(Acknowledged, false, "已办结").is_ok());
        assert!(Answer::Acknowledge
            .apply(Acknowledged, false, "再确认")
            .is_err());
        for s in [Resolved, Cleared] {
            assert!(Answer::Resolve.apply(s, false, "x").is_err(), "{s:?}");
        }
        assert!(Answer::Resolve.apply(Open, true, "x").is_err(), "closed");
    }

    #[test]
    fn every_reason_is_named() {
        let e = Answer::Acknowledge
            .apply(WarningStatus::Cleared, false, "  ")
            .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["note", "status"]);
    }
}
