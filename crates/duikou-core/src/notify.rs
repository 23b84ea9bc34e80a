//! Notification channels (通知渠道): where warning events are sent, checked before they are
//! stored. Delivery itself (HTTP, SMTP) lives outside the core.

use serde::{Deserialize, Serialize};

use crate::error::{Errors, ValidationError};
use crate::warnings::Level;

/// The kinds of channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// 钉钉群机器人: webhook URL, optional signing secret (加签).
    Dingtalk,
    /// 企业微信群机器人: webhook URL.
    Wecom,
    /// Any HTTPS/HTTP endpoint: JSON body, HMAC-SHA256 signature header with the secret.
    Webhook,
    /// E-mail over SMTP: the target is a comma-separated list of addresses.
    Email,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Dingtalk,
        ChannelKind::Wecom,
        ChannelKind::Webhook,
        ChannelKind::Email,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChannelKind::Dingtalk => "dingtalk",
            ChannelKind::Wecom => "wecom",
            ChannelKind::Webhook => "webhook",
            ChannelKind::Email => "email",
        }
    }

    pub fn parse(code: &str) -> Option<ChannelKind> {
        ChannelKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ChannelKind::Dingtalk => "钉钉群机器人",
            ChannelKind::Wecom => "企业微信群机器人",
            ChannelKind::Webhook => "Webhook",
            ChannelKind::Email => "电子邮件",
        }
    }
}

/// What an administrator sets on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChannelFields {
    /// The organisation whose warnings it carries; None: every organisation's.
    #[serde(default)]
    pub org_id: Option<i64>,
    pub kind: ChannelKind,
    pub name: String,
    /// Robot or webhook URL, or e-mail addresses separated by commas.
    pub target: String,
    /// DingTalk signing secret or webhook HMAC key; never shown again once stored.
    #[serde(default)]
    pub secret: Option<String>,
    /// The lowest level sent (yellow: everything).
    #[serde(default = "default_level")]
    pub min_level: Level,
    #[serde(default = "default_true")]
    pub enabled: bool,
}

fn default_level() -> Level {
    Level::Yellow
}

fn default_true() -> bool {
    true
}

/// A plausible e-mail address: one `@`, something before it, a dotted domain after it.
fn is_address(a: &str) -> bool {
    match a.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !a.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

impl ChannelFields {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errors = Errors::new();
        if self.name.trim().is_empty() {
            errors.push("name", "required", "渠道名称不能为空");
        }
        let target = self.target.trim();
        match self.kind {
            ChannelKind::Email => {
                let bad: Vec<&str> = target
                    .split(',')
                    .map(str::trim)
                    .filter(|a| !is_address(a))
                    .collect();
                if target.is_empty() || !bad.is_empty() {
                    errors.push(
                        "target",
                        "invalid_email",
                        format!("收件地址无效：{}", bad.join("，")),
                    );
                }
            }
            _ => {
                if !(target.starts_with("https://") || target.starts_with("http://"))
                    || target.len() < 12
                {
                    errors.push(
                        "target",
                        "invalid_url",
                        "机器人或Webhook地址须以 https:// 或 http:// 开头",
                    );
                }
            }
        }
        if self.kind == ChannelKind::Webhook
            && self.secret.as_deref().is_none_or(|s| s.trim().len() < 16)
        {
            errors.push("secret", "too_short", "Webhook签名密钥至少16个字符");
        }
        errors.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: ChannelKind, target: &str, secret: Option<&str>) -> ChannelFields {
        ChannelFields {
            org_id: None,
            kind,
            name: "项目办".into(),
            target: target.into(),
            secret: secret.map(str::to_owned),
            min_level: Level::Yellow,
            enabled: true,
        }
    }

    #[test]
    fn targets_are_checked_by_kind() {
        let ok = fields(
            ChannelKind::Dingtalk,
            "https://robot.example/send?access_token=x",
            None,
        );
        assert!(ok.validate().is_ok());
        let bad = fields(ChannelKind::Wecom, "ftp://x", None);
        let e = bad.validate().expect_err("bad url");
        assert_eq!(e.0[0].field, "target");
        let mail = fields(ChannelKind::Email, "a@b.cn, c@d.org", None);
        assert!(mail.validate().is_ok());
        let e = fields(ChannelKind::Email, "a@b.cn, nobody", None)
            .validate()
            .expect_err("bad address");
        assert!(e.0[0].message.contains("nobody"));
    }

    #[test]
    fn a_webhook_needs_a_real_secret() {
        let e = fields(
            ChannelKind::Webhook,
            "http://127.0.0.1:9/hook",
            Some("short"),
        )
        .validate()
        .expect_err("short secret");
        assert_eq!(e.0[0].field, "secret");
        assert!(fields(
            ChannelKind::Webhook,
            "http://127.0.0.1:9/hook",
            Some("0123456789abcdef")
        )
        .validate()
        .is_ok());
    }
}
