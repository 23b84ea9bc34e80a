//! Project stages (阶段) and the rules for moving between them.

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// Where a project stands. The main line runs lead → operating; `Suspended` and `Terminated`
/// are side states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Lead,
    Negotiating,
    Signed,
    Landed,
    Started,
    Completed,
    Operating,
    Suspended,
    Terminated,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Lead,
        Stage::Negotiating,
        Stage::Signed,
        Stage::Landed,
        Stage::Started,
        Stage::Completed,
        Stage::Operating,
        Stage::Suspended,
        Stage::Terminated,
    ];
    pub const MAIN_LINE: [Stage; 7] = [
        Stage::Lead,
        Stage::Negotiating,
        Stage::Signed,
        Stage::Landed,
        Stage::Started,
        Stage::Completed,
        Stage::Operating,
    ];

    /// The stage after this one on the main line (线索 → … → 投产); none after 投产 or off it.
    pub fn next_on_main_line(self) -> Option<Stage> {
        let at = Stage::MAIN_LINE.iter().position(|s| *s == self)?;
        Stage::MAIN_LINE.get(at + 1).copied()
    }

    pub fn code(self) -> &'static str {
        match self {
            Stage::Lead => "lead",
            Stage::Negotiating => "negotiating",
            Stage::Signed => "signed",
            Stage::Landed => "landed",
            Stage::Started => "started",
            Stage::Completed => "completed",
            Stage::Operating => "operating",
            Stage::Suspended => "suspended",
            Stage::Terminated => "terminated",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// 线索, 洽谈, 签约 ...
    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Lead => "线索",
            Stage::Negotiating => "洽谈",
            Stage::Signed => "签约",
            Stage::Landed => "落地",
            Stage::Started => "开工",
            Stage::Completed => "竣工",
            Stage::Operating => "投产",
            Stage::Suspended => "暂缓",
            Stage::Terminated => "终止",
        }
    }

    /// Position on the main line (0 = lead), `None` for side states.
    pub fn rank(self) -> Option<usize> {
        Stage::MAIN_LINE.iter().position(|s| *s == self)
    }

    pub fn is_main_line(self) -> bool {
        self.rank().is_some()
    }

    /// True when this main-line stage is `other` or beyond it (签约及以后 ...).
    pub fn at_or_beyond(self, other: Stage) -> bool {
        matches!((self.rank(), other.rank()), (Some(a), Some(b)) if a >= b)
    }

    /// Whether a project at this stage has its agreement amount counted: not before signing
    /// (线索, 洽谈); a project paused or stopped keeps the agreement it had.
    pub fn counts_agreement(self) -> bool {
        !matches!(self, Stage::Lead | Stage::Negotiating)
    }

    /// The stages a project has reached this one in (签约及以后: 签约 to 投产), the ones
    /// `at_or_beyond` it; none for a side state.
    pub fn reached_in(self) -> &'static [Stage] {
        match self.rank() {
            Some(r) => &Stage::MAIN_LINE[r..],
            None => &[],
        }
    }
}

/// What kind of move a transition is; recorded with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    /// To the next stage of the main line.
    Forward,
    /// Forward past one or more stages.
    Skip,
    /// Back along the main line.
    Back,
    Suspend,
    /// From suspended back to the stage held before.
    Resume,
    Terminate,
    /// Out of `terminated`.
    Reopen,
}

impl TransitionKind {
    /// Whether the writer confirms the move on a page that shows what it changes before it
    /// is made: every move but the ordinary ones (the next stage, a resumption).
    pub fn needs_confirmation(self) -> bool {
        !matches!(self, TransitionKind::Forward | TransitionKind::Resume)
    }
}

/// A requested change of stage, before it is checked.
#[derive(Debug, Clone)]
pub struct TransitionRequest<'a> {
    pub from: Stage,
    /// The main-line stage held before a suspension (the `from` stage when not suspended).
    pub held_before: Stage,
    pub to: Stage,
    pub reason: Option<&'a str>,
    /// An administrator's override of a rule that otherwise forbids the move.
    pub override_rules: bool,
}

/// Checks a transition against the stage rules: forward moves in order need nothing; skipping,
/// moving back, suspending and terminating need a reason; landing (or beyond) without having
/// signed needs an administrator's override as well; leaving `terminated` needs an override.
pub fn check_transition(req: &TransitionRequest<'_>) -> Result<TransitionKind, ValidationError> {
    if let Some(r) = req.reason {
        crate::text::check("reason", r, crate::text::TextKind::Text)
            .map_err(|e| ValidationError(vec![e]))?;
    }
    let has_reason = req.reason.map(|r| !r.trim().is_empty()).unwrap_or(false);
    let need_reason = |kind: TransitionKind, what: &str| {
        if has_reason {
            Ok(kind)
        } else {
            Err(ValidationError::one(
                "reason",
                "reason_required",
                format!("{what}须填写原因"),
            ))
        }
    };
    if req.from == req.to {
        return Err(ValidationError::one(
            "to",
            "same_stage",
            format!("项目已处于“{}”阶段", req.to.label_zh()),
        ));
    }
    match (req.from, req.to) {
        (Stage::Terminated, _) => {
            if !req.override_rules {
                return Err(ValidationError::one(
                    "to",
                    "terminated",
                    "已终止的项目只能由管理员恢复（override）",
                ));
            }
            need_reason(TransitionKind::Reopen, "恢复已终止项目")
        }
        (_, Stage::Terminated) => need_reason(TransitionKind::Terminate, "终止项目"),
        (_, Stage::Suspended) => need_reason(TransitionKind::Suspend, "暂缓项目"),
        (Stage::Suspended, to) if to == req.held_before => Ok(TransitionKind::Resume),
        (from, to) => {
            let base = if from == Stage::Suspended {
                req.held_before
            } else {
                from
            };
            main_line_move(base, to, req, has_reason)
        }
    }
}

fn main_line_move(
    base: Stage,
    to: Stage,
    req: &TransitionRequest<'_>,
    has_reason: bool,
) -> Result<TransitionKind, ValidationError> {
    let (Some(a), Some(b)) = (base.rank(), to.rank()) else {
        return Err(ValidationError::one("to", "unknown_stage", "目标阶段无效"));
    };
    let kind = if b == a + 1 {
        TransitionKind::Forward
    } else if b > a {
        TransitionKind::Skip
    } else {
        TransitionKind::Back
    };
    let skips_signing = !base.at_or_beyond(Stage::Signed) && to.at_or_beyond(Stage::Landed);
    if skips_signing && !req.override_rules {
        return Err(ValidationError::one(
            "to",
            "not_signed",
            format!(
                "项目尚未签约，不能直接进入“{}”阶段；如确有需要，须由管理员说明原因后强制推进",
                to.label_zh()
            ),
        ));
    }
    let needs_reason = kind != TransitionKind::Forward || req.from == Stage::Suspended;
    if needs_reason && !has_reason {
        let what = match kind {
            TransitionKind::Back => "阶段回退",
            _ => "跨阶段推进",
        };
        return Err(ValidationError::one(
            "reason",
            "reason_required",
            format!("{what}须填写原因"),
        ));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(from: Stage, to: Stage, reason: Option<&str>) -> TransitionRequest<'_> {
        TransitionRequest {
            from,
            held_before: from,
            to,
            reason,
            override_rules: false,
        }
    }

    #[test]
    fn a_stage_is_reached_in_exactly_the_stages_at_or_beyond_it() {
        for target in Stage::ALL {
            let expected: Vec<Stage> = Stage::ALL
                .into_iter()
                .filter(|s| s.at_or_beyond(target))
                .collect();
            assert_eq!(target.reached_in(), expected.as_slice(), "{target:?}");
        }
        assert_eq!(Stage::Lead.reached_in().len(), 7);
        assert!(Stage::Suspended.reached_in().is_empty());
    }

    #[test]
    fn moving_to_the_next_stage_needs_no_reason() {
        for pair in Stage::MAIN_LINE.windows(2) {
            let [from, to] = pair else { unreachable!() };
            assert_eq!(
                check_transition(&req(*from, *to, None)),
                Ok(TransitionKind::Forward)
            );
        }
    }

    #[test]
    fn skipping_a_stage_needs_a_reason() {
        let err = check_transition(&req(Stage::Lead, Stage::Signed, None)).unwrap_err();
        assert_eq!(err.0[0].field, "reason");
        assert_eq!(
            check_transition(&req(Stage::Lead, Stage::Signed, Some("框架协议直接签订"))),
            Ok(TransitionKind::Skip)
        );
    }

    #[test]
    fn landing_before_signing_needs_an_override_even_with_a_reason() {
        let err =
            check_transition(&req(Stage::Negotiating, Stage::Landed, Some("急"))).unwrap_err();
        assert_eq!(err.0[0].code, "not_signed");
        let mut r = req(
            Stage::Negotiating,
            Stage::Landed,
            Some("市政府专题会议决定"),
        );
        r.override_rules = true;
        assert_eq!(check_transition(&r), Ok(TransitionKind::Skip));
    }

    #[test]
    fn moving_back_needs_a_reason() {
        assert!(check_transition(&req(Stage::Started, Stage::Landed, Some("  "))).is_err());
        assert_eq!(
            check_transition(&req(Stage::Started, Stage::Landed, Some("开工手续被撤销"))),
            Ok(TransitionKind::Back)
        );
    }

    #[test]
    fn suspending_and_terminating_need_a_reason() {
        assert!(check_transition(&req(Stage::Signed, Stage::Suspended, None)).is_err());
        assert!(check_transition(&req(Stage::Signed, Stage::Terminated, None)).is_err());
        assert_eq!(
            check_transition(&req(Stage::Signed, Stage::Terminated, Some("投资方撤资"))),
            Ok(TransitionKind::Terminate)
        );
    }

    #[test]
    fn resuming_to_the_stage_held_before_needs_no_reason() {
        let r = TransitionRequest {
            from: Stage::Suspended,
            held_before: Stage::Landed,
            to: Stage::Landed,
            reason: None,
            override_rules: false,
        };
        assert_eq!(check_transition(&r), Ok(TransitionKind::Resume));
        let r = TransitionRequest {
            to: Stage::Started,
            ..r
        };
        assert!(
            check_transition(&r).is_err(),
            "leaving suspension to a new stage needs a reason"
        );
    }

    #[test]
    fn a_terminated_project_stays_terminated_without_override() {
        assert!(check_transition(&req(Stage::Terminated, Stage::Lead, Some("重启"))).is_err());
    }

    #[test]
    fn a_transition_to_the_same_stage_is_refused() {
        assert_eq!(
            check_transition(&req(Stage::Signed, Stage::Signed, None))
                .unwrap_err()
                .0[0]
                .code,
            "same_stage"
        );
    }
}
