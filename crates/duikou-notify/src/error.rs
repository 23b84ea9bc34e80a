//! Errors. `SendError` texts end up in the outbox's `last_error`, which administrators read:
//! they are in Chinese and never contain a robot URL (its access token) or a secret.

use duikou_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("通知配置有误：{0}")]
    Config(String),
    #[error(transparent)]
    Send(#[from] SendError),
}

/// Why one send failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("无法连接接收方：{0}")]
    Connect(String),
    #[error("发送超时")]
    Timeout,
    #[error("网络请求失败：{0}")]
    Http(String),
    #[error("接收方返回 HTTP {status}：{body}")]
    Status { status: u16, body: String },
    #[error("接收方返回错误 errcode={errcode}：{errmsg}")]
    Api { errcode: i64, errmsg: String },
    #[error("接收方应答无法识别：{0}")]
    BadResponse(String),
    #[error("渠道地址无效：{0}")]
    BadTarget(String),
    #[error("邮件地址无效：{0}")]
    BadAddress(String),
    #[error("未配置SMTP服务器，无法发送邮件")]
    NoSmtp,
    #[error("邮件发送失败：{0}")]
    Smtp(String),
    #[error("渠道已停用")]
    Disabled,
    #[error("发送时程序异常")]
    Panicked,
    #[error("发送被中断")]
    Cancelled,
}

/// An error and its causes on one line (reqwest and lettre put the useful part in sources).
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}
