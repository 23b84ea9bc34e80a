use base64::Engine;
use chrono::{Duration, Utc};
use duikou_core::notify::ChannelKind;
use duikou_notify::Notifier;

use crate::support::*;

const SECRET: &str = "SECd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1";

/// The robot's own check, written from DingTalk's documentation: base64 of HMAC-SHA256 keyed
/// with the secret over "{timestamp}\n{secret}" (the query parameter arrives URL-decoded).
fn robot_expects(timestamp: &str, secret: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A DingTalk robot that fails twice (HTTP 500, then errcode 310000) and then accepts: the
/// message arrives once successfully, every request is correctly signed, the deliverer waits out
/// the backoff between attempts, and the outbox ends with attempts = 3 and delivered.
#[tokio::test]
async fn dingtalk_retries_until_the_robot_accepts_then_stops() {
    let db = db().await;
    let robot = Receiver::start(
        vec![
            Reply::Answer(500, "internal error".into()),
            Reply::Answer(
                200,
                r#"{"errcode":310000,"errmsg":"sign not match"}"#.into(),
            ),
        ],
        ok_json(),
    )
    .await;
    let ch = channel(
        &db.store,
        ChannelKind::Dingtalk,
        &robot.url("/robot/send?access_token=tok123"),
        Some(SECRET),
    )
    .await;
    assert_eq!(enqueue(&db.store, "warning-event-123").await, 1);
    let notifier = Notifier::new(db.store.clone(), config()).unwrap();
    let t0 = Utc::now();

    let r1 = notifier.deliver_once(t0).await.unwrap();
    assert_eq!((r1.claimed, r1.failed, r1.delivered), (1, 1, 0));
    assert_eq!(r1.outcomes[0].attempt, 1);
    assert!(
        r1.outcomes[0]
            .error
            .as_deref()
            .unwrap()
            .contains("HTTP 500"),
        "{:?}",
        r1.outcomes[0]
    );

    // Not due again before the 30 s backoff has passed.
    let early = notifier
        .deliver_once(t0 + Duration::seconds(10))
        .await
        .unwrap();
    assert_eq!(early.claimed, 0);

    let r2 = notifier
        .deliver_once(t0 + Duration::seconds(40))
        .await
        .unwrap();
    assert_eq!((r2.claimed, r2.failed), (1, 1));
    assert_eq!(r2.outcomes[0].attempt, 2);
    assert!(r2.outcomes[0]
        .error
        .as_deref()
        .unwrap()
        .contains("errcode=310000"));

    // The second failure doubles the wait to 60 s.
    let early = notifier
        .deliver_once(t0 + Duration::seconds(80))
        .await
        .unwrap();
    assert_eq!(early.claimed, 0);

    let r3 = notifier
        .deliver_once(t0 + Duration::seconds(120))
        .await
        .unwrap();
    assert_eq!((r3.claimed, r3.delivered), (1, 1));
    assert_eq!(r3.outcomes[0].attempt, 3);
    assert_eq!(r3.outcomes[0].channel_id, ch.id);

    // Delivered once is delivered for good.
    let later = notifier.deliver_once(t0 + Duration::days(2)).await.unwrap();
    assert_eq!(later.claimed, 0);

    let got = robot.received();
    assert_eq!(got.len(), 3);
    assert_eq!(got.iter().filter(|r| r.succeeded()).count(), 1);
    for r in &got {
        assert_eq!(r.query["access_token"], "tok123");
        let ts: i64 = r.query["timestamp"].parse().unwrap();
        assert!(
            (Utc::now().timestamp_millis() - ts).abs() < 3_600_000,
            "DingTalk refuses timestamps more than an hour off"
        );
        assert_eq!(
            r.query["sign"],
            robot_expects(&r.query["timestamp"], SECRET)
        );
        assert_ne!(
            r.query["sign"],
            robot_expects(&r.query["timestamp"], "SECwrong")
        );
        // Base64's '+', '/' and '=' travel percent-encoded, as DingTalk requires.
        let raw_sign = r
            .raw_query
            .split('&')
            .find_map(|p| p.strip_prefix("sign="))
            .unwrap();
        assert!(raw_sign.ends_with("%3D"), "{raw_sign}");
        assert!(!raw_sign.contains(['+', '/', '=']), "{raw_sign}");
        assert_eq!(r.header("x-duikou-event-id"), Some("warning-event-123"));
        let body = r.json();
        assert_eq!(body["msgtype"], "markdown");
        assert_eq!(body["markdown"]["title"], TITLE);
        let text = body["markdown"]["text"].as_str().unwrap();
        assert!(text.contains(TITLE));
        assert!(text.contains("规划许可环节已超出承诺时限5个工作日。"));
        assert!(text.contains(&format!("[查看详情]({LINK})")));
        assert!(text.contains("事件编号：warning-event-123"));
    }

    let rows = outbox_rows(&db.path, "warning-event-123").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].attempts, 3);
    assert!(rows[0].delivered_at.is_some());
    assert_eq!(rows[0].last_error, None);
    let counts = db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.delivered), (0, 1));
}

/// A robot without a secret gets no signature parameters, and a robot that keeps refusing is
/// given up after `max_attempts`: the row stays, undelivered, with its last error, and is not
/// claimed again however late.
#[tokio::test]
async fn a_refusing_robot_is_given_up_after_max_attempts_and_the_row_stays() {
    let db = db().await;
    let robot = Receiver::start(
        vec![],
        Reply::Answer(
            200,
            r#"{"errcode":300001,"errmsg":"token is not exist"}"#.into(),
        ),
    )
    .await;
    channel(
        &db.store,
        ChannelKind::Dingtalk,
        &robot.url("/robot/send?access_token=gone"),
        None,
    )
    .await;
    enqueue(&db.store, "warning-event-9").await;
    let notifier = Notifier::new(
        db.store.clone(),
        duikou_notify::NotifierConfig {
            max_attempts: 3,
            ..config()
        },
    )
    .unwrap();
    let mut now = Utc::now();
    let mut gave_up = 0;
    for attempt in 1..=3 {
        let r = notifier.deliver_once(now).await.unwrap();
        assert_eq!(r.claimed, 1, "attempt {attempt}");
        assert_eq!(r.outcomes[0].attempt, attempt);
        gave_up += r.gave_up;
        now += Duration::hours(2);
    }
    assert_eq!(gave_up, 1);
    let none = notifier
        .deliver_once(now + Duration::days(3650))
        .await
        .unwrap();
    assert_eq!(none.claimed, 0);

    let got = robot.received();
    assert_eq!(got.len(), 3);
    assert!(got
        .iter()
        .all(|r| !r.query.contains_key("sign") && !r.query.contains_key("timestamp")));
    let rows = outbox_rows(&db.path, "warning-event-9").await;
    assert_eq!(rows[0].attempts, 3);
    assert_eq!(rows[0].delivered_at, None);
    let err = rows[0].last_error.as_deref().unwrap();
    assert!(err.starts_with("已停止重试（共尝试3次）"), "{err}");
    assert!(err.contains("errcode=300001"));
    assert!(
        !err.contains("gone"),
        "the robot URL and its token stay out of errors"
    );
    assert!(rows[0].next_attempt_at.starts_with("9999-"));
    let counts = db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.parked, counts.delivered), (0, 1, 0));
    // An operator sends it again.
    assert_eq!(db.store.outbox_retry(None).await.unwrap(), 1);
    let counts = db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.parked), (1, 0));
}
