//! What a deliverer is told: where the web pages are, the SMTP relay, batch, lease, timeouts
//! and retries.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::error::NotifyError;

/// How long a send may run past its own timeout before the deliverer gives up waiting on it.
pub(crate) const SEND_GRACE: Duration = Duration::from_secs(5);

/// Settings of a [`crate::Notifier`].
#[derive(Debug, Clone)]
pub struct NotifierConfig {
    /// The address users open Duikou at (`http://127.0.0.1:8080`); messages link to
    /// `public_url` + the event's `path`.
    pub public_url: String,
    /// The relay for e-mail channels; without it, e-mail deliveries fail and are retried.
    pub smtp: Option<SmtpConfig>,
    /// How many deliveries one round claims (and sends concurrently).
    pub batch: i64,
    /// How long a claimed delivery stays with its deliverer; must exceed `timeout` with room to
    /// spare, or a slow send could be claimed and sent again by another deliverer.
    pub lease: Duration,
    /// The time allowed for one send (HTTP request or SMTP session).
    pub timeout: Duration,
    /// Attempts in all (the first included) before a delivery is given up; the row then stays
    /// in the outbox with its last error.
    pub max_attempts: i64,
    /// Delay after the first failure; doubled after each further one.
    pub retry_base: Duration,
    /// The longest delay between two attempts.
    pub retry_max: Duration,
    /// How long `run` sleeps when the outbox has nothing due.
    pub poll_interval: Duration,
}

impl Default for NotifierConfig {
    fn default() -> Self {
        NotifierConfig {
            public_url: "http://127.0.0.1:8080".into(),
            smtp: None,
            batch: 20,
            lease: Duration::from_secs(300),
            timeout: Duration::from_secs(15),
            // 30 s, 1, 2, 4 … 32 min, then hourly: about 17 hours of trying.
            max_attempts: 24,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(5),
        }
    }
}

impl NotifierConfig {
    pub fn validate(&self) -> Result<(), NotifyError> {
        let bad = |m: &str| Err(NotifyError::Config(m.to_owned()));
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return bad("public_url 须以 http:// 或 https:// 开头");
        }
        if self.batch < 1 {
            return bad("batch 至少为 1");
        }
        if self.max_attempts < 1 {
            return bad("max_attempts 至少为 1");
        }
        if self.timeout.is_zero() {
            return bad("timeout 须大于 0");
        }
        if self.lease < (self.timeout + SEND_GRACE) * 2 {
            return bad("lease 须至少为 (timeout + 5 秒) 的两倍");
        }
        if self.retry_max < self.retry_base {
            return bad("retry_max 不能小于 retry_base");
        }
        Ok(())
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP, for a relay on the same machine or network (port 25).
    None,
    /// Plain connection upgraded with STARTTLS, required (port 587).
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

impl SmtpTls {
    pub fn code(self) -> &'static str {
        match self {
            SmtpTls::None => "none",
            SmtpTls::StartTls => "starttls",
            SmtpTls::Tls => "tls",
        }
    }
}

impl FromStr for SmtpTls {
    type Err = NotifyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" => Ok(SmtpTls::None),
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" | "smtps" => Ok(SmtpTls::Tls),
            other => Err(NotifyError::Config(format!(
                "未知的SMTP加密方式“{other}”（可选 none、starttls、tls）"
            ))),
        }
    }
}

/// The relay e-mail channels send through.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, `noreply@example.cn` or `对口项目办 <noreply@example.cn>`.
    pub from: String,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_settings_are_named() {
        assert!(NotifierConfig::default().validate().is_ok());
        let short_lease = NotifierConfig {
            lease: Duration::from_secs(20),
            ..NotifierConfig::default()
        };
        let e = short_lease
            .validate()
            .expect_err("lease shorter than a send");
        assert!(e.to_string().contains("lease"));
        let no_scheme = NotifierConfig {
            public_url: "duikou.example".into(),
            ..NotifierConfig::default()
        };
        assert!(no_scheme.validate().is_err());
    }

    #[test]
    fn smtp_modes_parse_and_passwords_stay_hidden() {
        assert_eq!("STARTTLS".parse::<SmtpTls>().ok(), Some(SmtpTls::StartTls));
        assert_eq!("none".parse::<SmtpTls>().ok(), Some(SmtpTls::None));
        assert!("ssl3".parse::<SmtpTls>().is_err());
        let c = SmtpConfig {
            host: "smtp.example.cn".into(),
            port: 465,
            tls: SmtpTls::Tls,
            username: Some("u".into()),
            password: Some("hunter2".into()),
            from: "a@example.cn".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
