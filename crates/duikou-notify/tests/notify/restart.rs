use chrono::{Duration, Utc};
use duikou_core::notify::ChannelKind;
use duikou_notify::Notifier;
use tokio::net::TcpListener;

use crate::support::*;

/// The endpoint is down (nothing listens on its port) while a first deliverer runs; the
/// deliverer and its store are dropped; the endpoint comes up; a second deliverer over a new
/// store on the same database file delivers the message.
#[tokio::test]
async fn a_message_for_a_down_endpoint_survives_a_restart() {
    let db = db().await;
    let port = closed_port().await;
    let target = format!("http://127.0.0.1:{port}/hook");
    channel(
        &db.store,
        ChannelKind::Webhook,
        &target,
        Some("whsec-0123456789abcdef"),
    )
    .await;
    enqueue(&db.store, "warning-event-31").await;
    let t0 = Utc::now();
    {
        let first = Notifier::new(db.store.clone(), config()).unwrap();
        let r = first.deliver_once(t0).await.unwrap();
        assert_eq!(r.failed, 1);
        let err = r.outcomes[0].error.as_deref().unwrap();
        assert!(err.starts_with("无法连接接收方"), "{err}");
    }
    db.store.close().await;
    let rows = outbox_rows(&db.path, "warning-event-31").await;
    assert_eq!(
        (rows[0].attempts, rows[0].delivered_at.is_none()),
        (1, true)
    );

    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let hook = Receiver::start_on(listener, vec![], Reply::Answer(200, "{}".into()));
    let store = open(&db.path).await;
    let second = Notifier::new(store.clone(), config()).unwrap();
    let r = second
        .deliver_once(t0 + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(r.delivered, 1, "{r:?}");
    assert_eq!(r.outcomes[0].attempt, 2);

    let got = hook.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("x-duikou-event-id"), Some("warning-event-31"));
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.delivered), (0, 1));
}

/// Two deliverers over two stores on one database file (as two servers would be) drain the
/// outbox together, in small batches, at the same time: every event reaches the receiver, and
/// none twice, because a claimed row belongs to its claimer until its lease ends.
#[tokio::test]
async fn two_deliverers_at_once_send_each_event_once() {
    let db = db().await;
    let hook = Receiver::start(vec![], Reply::Answer(200, "{}".into())).await;
    channel(
        &db.store,
        ChannelKind::Webhook,
        &hook.url("/hook"),
        Some("whsec-0123456789abcdef"),
    )
    .await;
    let events: Vec<String> = (1..=12).map(|i| format!("warning-event-{i}")).collect();
    for e in &events {
        enqueue(&db.store, e).await;
    }
    let small = duikou_notify::NotifierConfig {
        batch: 3,
        ..config()
    };
    let a = Notifier::new(db.store.clone(), small.clone()).unwrap();
    let b = Notifier::new(open(&db.path).await, small).unwrap();
    let drain = |n: Notifier| async move {
        let mut delivered = 0;
        loop {
            let r = n.deliver_once(Utc::now()).await.unwrap();
            assert_eq!(r.failed + r.gave_up, 0, "{r:?}");
            delivered += r.delivered;
            if r.claimed == 0 {
                return delivered;
            }
        }
    };
    let (da, db_) = tokio::join!(drain(a), drain(b));
    assert_eq!(da + db_, events.len());

    let mut got: Vec<String> = hook
        .received()
        .iter()
        .map(|r| r.header("x-duikou-event-id").unwrap().to_owned())
        .collect();
    assert_eq!(got.len(), events.len(), "no event sent twice");
    got.sort();
    let mut want = events.clone();
    want.sort();
    assert_eq!(got, want);
    let counts = db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.delivered), (0, 12));
}
