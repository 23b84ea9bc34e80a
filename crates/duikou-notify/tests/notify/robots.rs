use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use duikou_core::notify::ChannelKind;
use duikou_notify::{run_notifier, sign, Notifier, NotifierConfig};

use crate::support::*;

const HOOK_SECRET: &str = "whsec-0123456789abcdef";

/// The WeCom robot through the real loop (`run_notifier`, real clock, fast backoff): it refuses
/// once (errcode 93000), then accepts; the loop retries by itself, delivers exactly one
/// accepted message, and stops when told to.
#[tokio::test]
async fn wecom_through_the_running_loop_retries_and_shuts_down() {
    let db = db().await;
    let robot = Receiver::start(
        vec![Reply::Answer(
            200,
            r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#.into(),
        )],
        ok_json(),
    )
    .await;
    channel(
        &db.store,
        ChannelKind::Wecom,
        &robot.url("/cgi-bin/webhook/send?key=k-1"),
        None,
    )
    .await;
    enqueue(&db.store, "warning-event-77").await;

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = NotifierConfig {
        retry_base: StdDuration::from_millis(50),
        retry_max: StdDuration::from_millis(200),
        ..config()
    };
    let loop_task = tokio::spawn(run_notifier(db.store.clone(), config, async move {
        let _ = stopped.await;
    }));

    eventually("the WeCom message is delivered", || async {
        db.store.outbox_counts().await.unwrap().delivered == 1
    })
    .await;
    stop.send(()).unwrap();
    loop_task.await.unwrap().unwrap();

    let got = robot.received();
    assert_eq!(got.len(), 2, "one refusal, one success, nothing after");
    assert_eq!(got.iter().filter(|r| r.succeeded()).count(), 1);
    let body = got[1].json();
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().unwrap();
    assert!(content.starts_with(&format!("**{TITLE}**")));
    assert!(content.contains(&format!("[查看详情]({LINK})")));
    assert!(content.contains("事件编号：warning-event-77"));
    assert_eq!(got[1].query["key"], "k-1");
    let rows = outbox_rows(&db.path, "warning-event-77").await;
    assert_eq!(rows[0].attempts, 2);
}

/// A generic webhook receives the payload as is, with the event id, a timestamp, and an
/// HMAC-SHA256 signature that the receiver verifies with its own copy of the secret.
#[tokio::test]
async fn webhook_gets_the_payload_signed_with_the_secret() {
    let db = db().await;
    let hook = Receiver::start(vec![], Reply::Answer(204, String::new())).await;
    channel(
        &db.store,
        ChannelKind::Webhook,
        &hook.url("/hooks/duikou"),
        Some(HOOK_SECRET),
    )
    .await;
    enqueue(&db.store, "warning-event-5").await;
    let notifier = Notifier::new(db.store.clone(), config()).unwrap();
    let r = notifier.deliver_once(Utc::now()).await.unwrap();
    assert_eq!(r.delivered, 1, "{r:?}");

    let got = hook.received();
    assert_eq!(got.len(), 1);
    let req = &got[0];
    assert_eq!(req.json(), payload("warning-event-5"), "the payload as is");
    assert_eq!(req.header("x-duikou-event-id"), Some("warning-event-5"));
    assert!(req
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let ts: i64 = req.header("x-duikou-timestamp").unwrap().parse().unwrap();
    assert!((Utc::now().timestamp() - ts).abs() < 3600);
    let expected = {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(HOOK_SECRET.as_bytes()).unwrap();
        mac.update(format!("{ts}.").as_bytes());
        mac.update(&req.body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("sha256={hex}")
    };
    assert_eq!(req.header("x-duikou-signature"), Some(expected.as_str()));
    assert_ne!(
        sign::webhook_signature(ts, &req.body, "another-secret-0123"),
        expected
    );
}

/// A webhook that accepts the connection and never answers: the send times out, the row is
/// rescheduled (not lost), and goes through once the endpoint answers again.
#[tokio::test]
async fn a_hanging_endpoint_times_out_and_the_row_is_retried() {
    let db = db().await;
    let hook = Receiver::start(vec![Reply::Hang], Reply::Answer(200, "{}".into())).await;
    channel(
        &db.store,
        ChannelKind::Webhook,
        &hook.url("/slow"),
        Some(HOOK_SECRET),
    )
    .await;
    enqueue(&db.store, "warning-event-6").await;
    let notifier = Notifier::new(
        db.store.clone(),
        NotifierConfig {
            timeout: StdDuration::from_millis(300),
            ..config()
        },
    )
    .unwrap();
    let t0 = Utc::now();
    let r1 = notifier.deliver_once(t0).await.unwrap();
    assert_eq!(r1.failed, 1);
    assert_eq!(r1.outcomes[0].error.as_deref(), Some("发送超时"));
    let r2 = notifier
        .deliver_once(t0 + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(r2.delivered, 1);
    assert_eq!(r2.outcomes[0].attempt, 2);
    assert_eq!(hook.received().len(), 2);
}

/// A disabled channel gets nothing from the deliverer; `send_test` still reaches it, so that
/// it can be checked before it is switched on.
#[tokio::test]
async fn disabled_channels_are_skipped_but_can_be_tested() {
    let db = db().await;
    let hook = Receiver::start(vec![], ok_json()).await;
    let ch = channel(&db.store, ChannelKind::Wecom, &hook.url("/w"), None).await;
    enqueue(&db.store, "warning-event-8").await;
    let fields = duikou_core::notify::ChannelFields {
        org_id: None,
        kind: ch.kind,
        name: ch.name.clone(),
        target: ch.target.clone(),
        secret: None,
        min_level: ch.min_level,
        enabled: false,
    };
    db.store
        .as_system("test")
        .update_channel(ch.id, Some(ch.version), &fields)
        .await
        .unwrap();
    let notifier = Notifier::new(db.store.clone(), config()).unwrap();
    let r = notifier.deliver_once(Utc::now()).await.unwrap();
    assert_eq!(r.failed, 1);
    assert_eq!(r.outcomes[0].error.as_deref(), Some("渠道已停用"));
    assert!(hook.received().is_empty());

    let event_id = duikou_notify::send_test(&db.store, ch.id, &config())
        .await
        .unwrap();
    let got = hook.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("x-duikou-event-id"), Some(event_id.as_str()));
    let content = got[0].json()["markdown"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(content.contains("测试"));
    assert!(content.contains(&event_id));
    assert_eq!(
        db.store.outbox_counts().await.unwrap().delivered,
        0,
        "a test message does not touch the outbox"
    );
}
