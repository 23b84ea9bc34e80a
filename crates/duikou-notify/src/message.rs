//! What a notification says, read from the event payload and shaped for each channel.
//!
//! The warnings engine writes `title`, `text` and `path` ready to send; older or partial
//! payloads fall back on `level_label`, `project_name` and `reason`.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// WeCom refuses markdown content over 4096 bytes.
const WECOM_MAX_BYTES: usize = 4096;
/// DingTalk documents no exact limit; stay well inside its 20 000-byte message size.
const DINGTALK_MAX_BYTES: usize = 16_000;

/// One notification, channel-neutral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub event_id: String,
    pub title: String,
    pub text: String,
    /// `public_url` + the event's `path`, when it has one.
    pub link: Option<String>,
}

fn field<'a>(payload: &'a Value, name: &str) -> Option<&'a str> {
    payload
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

impl Message {
    /// Reads a payload. `event_id` is the outbox row's (the payload's own is not needed);
    /// `public_url` is joined with the payload's `path` into the link.
    pub fn from_payload(event_id: &str, payload: &Value, public_url: &str) -> Message {
        let title = match field(payload, "title") {
            Some(t) => t.to_owned(),
            None => match (
                field(payload, "level_label"),
                field(payload, "project_name"),
            ) {
                (Some(l), Some(p)) => format!("【{l}】{p}"),
                (Some(l), None) => format!("【{l}】对口项目预警"),
                (None, Some(p)) => format!("【预警】{p}"),
                (None, None) => "对口项目预警通知".to_owned(),
            },
        };
        let text = field(payload, "text")
            .or_else(|| field(payload, "reason"))
            .unwrap_or("")
            .to_owned();
        let link = field(payload, "path")
            .filter(|p| p.starts_with('/'))
            .map(|p| format!("{}{}", public_url.trim_end_matches('/'), p));
        Message {
            event_id: event_id.to_owned(),
            title,
            text,
            link,
        }
    }

    /// The `markdown.text` of a DingTalk robot message. DingTalk's markdown needs an empty line
    /// for a line break, so the text's lines become paragraphs.
    pub fn dingtalk_markdown(&self) -> String {
        let tail = self.tail("\n\n");
        let head = format!("### {}\n\n", self.title);
        let budget = DINGTALK_MAX_BYTES.saturating_sub(head.len() + tail.len());
        let body = paragraphs(&self.text);
        format!("{head}{}{tail}", truncate(&body, budget))
    }

    /// The `markdown.content` of a WeCom robot message (at most 4096 bytes).
    pub fn wecom_markdown(&self) -> String {
        let tail = self.tail("\n");
        let head = format!("**{}**\n", self.title);
        let budget = WECOM_MAX_BYTES.saturating_sub(head.len() + tail.len());
        format!("{head}{}{tail}", truncate(&self.text, budget))
    }

    /// The plain-text body of an e-mail.
    pub fn email_body(&self) -> String {
        let mut s = String::new();
        s.push_str(&self.title);
        s.push_str("\n\n");
        if !self.text.is_empty() {
            s.push_str(&self.text);
            s.push_str("\n\n");
        }
        if let Some(link) = &self.link {
            s.push_str(&format!("查看详情：{link}\n"));
        }
        s.push_str(&format!("事件编号：{}\n", self.event_id));
        s.push_str("\n（此邮件由对口项目管理系统自动发送，请勿直接回复。）\n");
        s
    }

    /// Link and event id after the text, for the markdown channels.
    fn tail(&self, gap: &str) -> String {
        let mut s = String::from(gap);
        if let Some(link) = &self.link {
            s.push_str(&format!("[查看详情]({link}){gap}"));
        }
        s.push_str(&format!("事件编号：{}", self.event_id));
        s
    }
}

fn paragraphs(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// At most `max` bytes of `s`, cut at a character boundary and marked with an ellipsis.
fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let ellipsis = "…";
    let mut end = max.saturating_sub(ellipsis.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ellipsis}", &s[..end])
}

/// The payload of `send_test`'s message.
pub(crate) fn test_payload(event_id: &str, channel_name: &str, at: DateTime<Utc>) -> Value {
    serde_json::json!({
        "event_id": event_id,
        "type": "notify.test",
        "at": at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        "path": "/",
        "title": "【测试】对口项目预警通知",
        "text": format!(
            "这是一条测试消息：通知渠道“{channel_name}”配置正确，今后的黄色、红色预警将发送到这里。"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full() -> Value {
        json!({
            "event_id": "warning-event-123",
            "type": "warning.raised",
            "project_name": "沈阳新材料产业园",
            "level": "red",
            "level_label": "红色预警",
            "reason": "规划许可环节已超出承诺时限5个工作日",
            "path": "/projects/12",
            "title": "【红色预警】沈阳新材料产业园",
            "text": "规划许可环节已超出承诺时限5个工作日。\n请及时协调。",
        })
    }

    #[test]
    fn a_full_payload_gives_title_text_and_link() {
        let m = Message::from_payload("warning-event-123", &full(), "http://127.0.0.1:8080/");
        assert_eq!(m.title, "【红色预警】沈阳新材料产业园");
        assert!(m.text.starts_with("规划许可环节"));
        assert_eq!(m.link.as_deref(), Some("http://127.0.0.1:8080/projects/12"));
        let d = m.dingtalk_markdown();
        assert!(d.starts_with("### 【红色预警】"));
        assert!(d.contains("5个工作日。\n\n请及时协调。"));
        assert!(d.contains("[查看详情](http://127.0.0.1:8080/projects/12)"));
        assert!(d.ends_with("事件编号：warning-event-123"));
        let e = m.email_body();
        assert!(e.contains("查看详情：http://127.0.0.1:8080/projects/12"));
        assert!(e.contains("事件编号：warning-event-123"));
    }

    #[test]
    fn a_sparse_payload_still_makes_a_message() {
        let m = Message::from_payload(
            "e-1",
            &json!({"level_label": "黄色预警", "project_name": "园区", "path": "projects/1"}),
            "http://x",
        );
        assert_eq!(m.title, "【黄色预警】园区");
        assert_eq!(m.text, "");
        assert_eq!(m.link, None, "a path without a leading slash is not a link");
        let m = Message::from_payload("e-2", &json!({}), "http://x");
        assert_eq!(m.title, "对口项目预警通知");
        assert!(m.wecom_markdown().contains("事件编号：e-2"));
    }

    #[test]
    fn long_texts_are_cut_for_wecom_at_a_character_boundary() {
        let mut p = full();
        p["text"] = json!("超".repeat(3000)); // 9000 bytes
        let m = Message::from_payload("warning-event-123", &p, "http://127.0.0.1:8080");
        let w = m.wecom_markdown();
        assert!(w.len() <= WECOM_MAX_BYTES, "{} bytes", w.len());
        assert!(w.contains("超…"));
        assert!(w.ends_with("事件编号：warning-event-123"));
    }
}
