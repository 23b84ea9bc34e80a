//! One send to one channel: DingTalk and WeCom robots, signed webhooks, e-mail.

use duikou_core::notify::ChannelKind;
use duikou_store::Channel;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use reqwest::header::CONTENT_TYPE;
use reqwest::Url;
use serde_json::{json, Value};

use crate::config::{NotifierConfig, SmtpConfig, SmtpTls};
use crate::error::{chain, NotifyError, SendError};
use crate::message::Message;
use crate::sign;

/// The header names every HTTP message and e-mail carries.
pub const EVENT_ID_HEADER: &str = "X-Duikou-Event-Id";
pub const TIMESTAMP_HEADER: &str = "X-Duikou-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Duikou-Signature";

struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// The clients of every channel kind, built once per deliverer.
pub(crate) struct Senders {
    http: reqwest::Client,
    smtp: Option<Smtp>,
    public_url: String,
}

impl Senders {
    pub(crate) fn new(config: &NotifierConfig) -> Result<Senders, NotifyError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(std::time::Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("duikou-notify/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::Config(format!("HTTP客户端无法创建：{}", chain(&e))))?;
        let smtp = config
            .smtp
            .as_ref()
            .map(|c| smtp(c, config.timeout))
            .transpose()?;
        Ok(Senders {
            http,
            smtp,
            public_url: config.public_url.clone(),
        })
    }

    /// Sends `payload` of event `event_id` to `channel` once.
    pub(crate) async fn send(
        &self,
        channel: &Channel,
        event_id: &str,
        payload: &Value,
    ) -> Result<(), SendError> {
        let message = Message::from_payload(event_id, payload, &self.public_url);
        match channel.kind {
            ChannelKind::Dingtalk => self.dingtalk(channel, &message).await,
            ChannelKind::Wecom => self.wecom(channel, &message).await,
            ChannelKind::Webhook => self.webhook(channel, event_id, payload).await,
            ChannelKind::Email => self.email(channel, &message).await,
        }
    }

    async fn dingtalk(&self, channel: &Channel, m: &Message) -> Result<(), SendError> {
        let mut url = target_url(channel)?;
        if let Some(secret) = channel.secret.as_deref().filter(|s| !s.is_empty()) {
            // DingTalk checks the timestamp against its own clock: the real time, always.
            let ts = chrono::Utc::now().timestamp_millis();
            url.query_pairs_mut()
                .append_pair("timestamp", &ts.to_string())
                .append_pair("sign", &sign::dingtalk_sign(ts, secret));
        }
        let body = json!({
            "msgtype": "markdown",
            "markdown": {"title": m.title, "text": m.dingtalk_markdown()},
        });
        let (status, text) = self
            .post(url, body.to_string().into_bytes(), m, &[])
            .await?;
        robot_answer(status, &text)
    }

    async fn wecom(&self, channel: &Channel, m: &Message) -> Result<(), SendError> {
        let url = target_url(channel)?;
        let body = json!({
            "msgtype": "markdown",
            "markdown": {"content": m.wecom_markdown()},
        });
        let (status, text) = self
            .post(url, body.to_string().into_bytes(), m, &[])
            .await?;
        robot_answer(status, &text)
    }

    async fn webhook(
        &self,
        channel: &Channel,
        event_id: &str,
        payload: &Value,
    ) -> Result<(), SendError> {
        let url = target_url(channel)?;
        let body = payload.to_string().into_bytes();
        let ts = chrono::Utc::now().timestamp();
        let mut headers = vec![(TIMESTAMP_HEADER, ts.to_string())];
        if let Some(secret) = channel.secret.as_deref().filter(|s| !s.is_empty()) {
            headers.push((SIGNATURE_HEADER, sign::webhook_signature(ts, &body, secret)));
        }
        let m = Message {
            event_id: event_id.to_owned(),
            title: String::new(),
            text: String::new(),
            link: None,
        };
        let (status, text) = self.post(url, body, &m, &headers).await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(SendError::Status {
                status,
                body: snippet(&text),
            })
        }
    }

    /// POSTs a JSON body with the event id header; returns the status and the body read.
    async fn post(
        &self,
        url: Url,
        body: Vec<u8>,
        m: &Message,
        headers: &[(&str, String)],
    ) -> Result<(u16, String), SendError> {
        let mut req = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .header(EVENT_ID_HEADER, &m.event_id)
            .body(body);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        let resp = req.send().await.map_err(http_error)?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(http_error)?;
        Ok((status, text))
    }

    async fn email(&self, channel: &Channel, m: &Message) -> Result<(), SendError> {
        let smtp = self.smtp.as_ref().ok_or(SendError::NoSmtp)?;
        let mut builder = lettre::Message::builder()
            .from(smtp.from.clone())
            .subject(m.title.clone())
            .message_id(Some(message_id(&m.event_id, channel.id, &smtp.from)))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str(EVENT_ID_HEADER),
                m.event_id.clone(),
            ));
        for address in channel.target.split(',').map(str::trim) {
            if address.is_empty() {
                continue;
            }
            let to: Mailbox = address
                .parse()
                .map_err(|_| SendError::BadAddress(address.to_owned()))?;
            builder = builder.to(to);
        }
        let part = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::Base64)
            .body(m.email_body());
        let email = builder
            .singlepart(part)
            .map_err(|e| SendError::BadAddress(e.to_string()))?;
        match smtp.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_timeout() => Err(SendError::Timeout),
            Err(e) => Err(SendError::Smtp(chain(&e))),
        }
    }
}

fn smtp(c: &SmtpConfig, timeout: std::time::Duration) -> Result<Smtp, NotifyError> {
    let bad = |e: lettre::transport::smtp::Error| {
        NotifyError::Config(format!("SMTP服务器“{}”无效：{}", c.host, chain(&e)))
    };
    let builder = match c.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
        SmtpTls::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host).map_err(bad)?
        }
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host).map_err(bad)?,
    };
    let mut builder = builder.port(c.port).timeout(Some(timeout));
    if let (Some(user), Some(password)) = (&c.username, &c.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    let from: Mailbox = c
        .from
        .parse()
        .map_err(|_| NotifyError::Config(format!("发件地址“{}”无效", c.from)))?;
    Ok(Smtp {
        transport: builder.build(),
        from,
    })
}

/// `Message-ID` of an event's e-mail to one channel: the same on every attempt, so that mail
/// systems and readers can drop a duplicate. Characters outside `[A-Za-z0-9_-]` of the event id
/// are written `=XX` (hex), which keeps it a valid, unambiguous id.
pub(crate) fn message_id(event_id: &str, channel_id: i64, from: &Mailbox) -> String {
    let mut local = String::with_capacity(event_id.len() + 12);
    for b in event_id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            local.push(char::from(b));
        } else {
            local.push_str(&format!("={b:02X}"));
        }
    }
    format!("<{local}.{channel_id}@{}>", from.email.domain())
}

fn target_url(channel: &Channel) -> Result<Url, SendError> {
    // The error text leaves the URL out: it holds the robot's access token.
    Url::parse(channel.target.trim()).map_err(|e| SendError::BadTarget(format!("无法解析（{e}）")))
}

fn http_error(e: reqwest::Error) -> SendError {
    let e = e.without_url();
    if e.is_timeout() {
        SendError::Timeout
    } else if e.is_connect() {
        SendError::Connect(chain(&e))
    } else {
        SendError::Http(chain(&e))
    }
}

/// A robot's answer: HTTP 200 with `errcode` 0 is success.
fn robot_answer(status: u16, body: &str) -> Result<(), SendError> {
    if status != 200 {
        return Err(SendError::Status {
            status,
            body: snippet(body),
        });
    }
    let v: Value = serde_json::from_str(body).map_err(|_| SendError::BadResponse(snippet(body)))?;
    match v.get("errcode").and_then(Value::as_i64) {
        Some(0) => Ok(()),
        Some(errcode) => Err(SendError::Api {
            errcode,
            errmsg: v
                .get("errmsg")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }),
        None => Err(SendError::BadResponse(snippet(body))),
    }
}

fn snippet(s: &str) -> String {
    s.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robot_answers_need_status_200_and_errcode_0() {
        assert_eq!(robot_answer(200, r#"{"errcode":0,"errmsg":"ok"}"#), Ok(()));
        assert_eq!(
            robot_answer(200, r#"{"errcode":310000,"errmsg":"sign not match"}"#),
            Err(SendError::Api {
                errcode: 310000,
                errmsg: "sign not match".into()
            })
        );
        assert!(matches!(
            robot_answer(500, "oops"),
            Err(SendError::Status { status: 500, .. })
        ));
        assert!(matches!(
            robot_answer(200, "<html>"),
            Err(SendError::BadResponse(_))
        ));
    }

    #[test]
    fn message_ids_are_stable_and_escape_odd_characters() {
        let from: Mailbox = "对口项目办 <noreply@duikou.example>"
            .parse()
            .expect("mailbox");
        assert_eq!(
            message_id("warning-event-123", 4, &from),
            "<warning-event-123.4@duikou.example>"
        );
        assert_eq!(
            message_id("a.b c@d", 4, &from),
            "<a=2Eb=20c=40d.4@duikou.example>"
        );
        assert_ne!(message_id("a.b", 4, &from), message_id("a_b", 4, &from));
    }
}
