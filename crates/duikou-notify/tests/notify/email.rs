use chrono::{Duration, Utc};
use duikou_core::notify::ChannelKind;
use duikou_notify::{Notifier, NotifierConfig, SmtpConfig, SmtpTls};

use crate::support::*;

/// E-mail through a plain SMTP relay (the test's sink): without a relay configured the delivery
/// fails and waits; with one, one mail reaches every address of the channel, with the title as
/// subject, a `Message-ID` made of event id and channel id, the event id header, and the text,
/// link and event id in the body.
#[tokio::test]
async fn email_reaches_the_smtp_relay_with_subject_and_event_id() {
    let db = db().await;
    let sink = SmtpSink::start().await;
    let ch = channel(
        &db.store,
        ChannelKind::Email,
        "zhang@example.cn, li@example.org",
        None,
    )
    .await;
    enqueue(&db.store, "warning-event-42").await;
    let t0 = Utc::now();

    let without_relay = Notifier::new(db.store.clone(), config()).unwrap();
    let r = without_relay.deliver_once(t0).await.unwrap();
    assert_eq!(r.failed, 1);
    assert_eq!(
        r.outcomes[0].error.as_deref(),
        Some("未配置SMTP服务器，无法发送邮件")
    );

    let with_relay = Notifier::new(
        db.store.clone(),
        NotifierConfig {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port: sink.port,
                tls: SmtpTls::None,
                username: None,
                password: None,
                from: "对口项目办 <noreply@duikou.example>".into(),
            }),
            ..config()
        },
    )
    .unwrap();
    let r = with_relay
        .deliver_once(t0 + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(r.delivered, 1, "{r:?}");

    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.from, "<noreply@duikou.example>");
    assert_eq!(mail.rcpt, ["<zhang@example.cn>", "<li@example.org>"]);
    assert_eq!(mail.header("Subject").as_deref(), Some(TITLE));
    assert_eq!(
        mail.header("Message-ID"),
        Some(format!("<warning-event-42.{}@duikou.example>", ch.id))
    );
    assert_eq!(
        mail.header("X-Duikou-Event-Id").as_deref(),
        Some("warning-event-42")
    );
    let from = mail.header("From").unwrap();
    assert!(from.contains("对口项目办"), "{from}");
    let body = mail.body();
    assert!(body.contains("规划许可环节已超出承诺时限5个工作日。"));
    assert!(body.contains(&format!("查看详情：{LINK}")));
    assert!(body.contains("事件编号：warning-event-42"));
    let rows = outbox_rows(&db.path, "warning-event-42").await;
    assert_eq!(rows[0].attempts, 2);
    assert!(rows[0].delivered_at.is_some());
}
