use std::collections::HashMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use duikou_core::notify::ChannelKind;
use duikou_notify::{Notifier, NotifierConfig};

use crate::support::*;

/// Set in the child process: the database it works on.
const CHILD_DB: &str = "DUIKOU_NOTIFY_TEST_CRASH_DB";
const THIS_TEST: &str = "crash::a_deliverer_killed_mid_send_loses_nothing";
const EVENT: &str = "warning-event-crash-1";
/// The child's lease: the fresh deliverer must wait it out.
const CHILD_LEASE_MINUTES: i64 = 30;

/// A separate process (this test binary again, in child mode) writes the outbox rows for two
/// webhook receivers and starts sending them; the receivers take the requests and never
/// answer; the process is killed (SIGKILL) mid-send. A fresh deliverer over the same database
/// leaves the rows alone while the dead one's lease lasts, then delivers each. Each receiver,
/// de-duplicating by `X-Duikou-Event-Id`, has the event exactly once, and raw at least once.
#[tokio::test]
async fn a_deliverer_killed_mid_send_loses_nothing() {
    if let Ok(path) = std::env::var(CHILD_DB) {
        child(&path).await;
    }

    let db = db().await;
    let hooks = Receiver::start(vec![], Reply::Hang).await;
    for name in ["a", "b"] {
        channel(
            &db.store,
            ChannelKind::Webhook,
            &hooks.url(&format!("/hook/{name}")),
            Some("whsec-0123456789abcdef"),
        )
        .await;
    }
    assert!(outbox_rows(&db.path, EVENT).await.is_empty());

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([THIS_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, &db.path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(120);
    while hooks.received().len() < 2 {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("the child ended before sending ({status}):\n{err}");
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the child's requests never arrived"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished: {status}");

    // What the dead process left: its rows, claimed (the claim counts as an attempt), not
    // delivered.
    let rows = outbox_rows(&db.path, EVENT).await;
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .all(|r| r.attempts == 1 && r.delivered_at.is_none()));

    hooks.answer_from_now_on(Reply::Answer(200, "{}".into()));
    let store = open(&db.path).await;
    let fresh = Notifier::new(store.clone(), config()).unwrap();
    let now = Utc::now();
    let r = fresh.deliver_once(now).await.unwrap();
    assert_eq!(r.claimed, 0, "the dead deliverer's lease still holds");
    let after_lease = now + Duration::minutes(CHILD_LEASE_MINUTES + 1);
    let r = fresh.deliver_once(after_lease).await.unwrap();
    assert_eq!(r.delivered, 2, "{r:?}");
    // The killed attempt counts: this is the second.
    assert!(r.outcomes.iter().all(|o| o.attempt == 2), "{r:?}");
    let r = fresh
        .deliver_once(after_lease + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(r.claimed, 0);

    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.delivered), (0, 2));

    // The receivers' view: raw deliveries, then de-duplicated by event id.
    let mut raw: HashMap<(String, String), usize> = HashMap::new();
    for req in hooks.received() {
        let event = req.header("x-duikou-event-id").unwrap().to_owned();
        *raw.entry((req.path.clone(), event)).or_default() += 1;
    }
    for receiver in ["/hook/a", "/hook/b"] {
        let events: Vec<&String> = raw
            .keys()
            .filter(|(path, _)| path == receiver)
            .map(|(_, e)| e)
            .collect();
        assert_eq!(
            events,
            [EVENT],
            "{receiver}: one event after de-duplication"
        );
        let n = raw[&(receiver.to_owned(), EVENT.to_owned())];
        assert!(n >= 1, "{receiver}: at least once raw");
    }
    let answered: Vec<String> = hooks
        .received()
        .into_iter()
        .filter(|r| r.succeeded())
        .map(|r| r.path)
        .collect();
    assert_eq!(answered.len(), 2);
    assert!(answered.contains(&"/hook/a".to_owned()) && answered.contains(&"/hook/b".to_owned()));
}

/// The child: queue the event (one row per channel), then deliver with a long timeout and
/// lease against receivers that never answer, until killed.
async fn child(path: &str) -> ! {
    let store = open(std::path::Path::new(path)).await;
    assert_eq!(enqueue(&store, EVENT).await, 2);
    let notifier = Notifier::new(
        store,
        NotifierConfig {
            timeout: StdDuration::from_secs(600),
            lease: StdDuration::from_secs(60 * CHILD_LEASE_MINUTES as u64),
            ..config()
        },
    )
    .unwrap();
    let r = notifier.deliver_once(Utc::now()).await;
    eprintln!("child: the round ended instead of hanging: {r:?}");
    std::process::exit(3)
}
