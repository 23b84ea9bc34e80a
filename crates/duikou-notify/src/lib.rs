//! Delivery of warning notifications (预警通知) from the store's outbox.
//!
//! The warnings engine writes one outbox row per event and channel in the transaction that made
//! the event (`duikou-store`'s `outbox`). A [`Notifier`] claims due rows for a lease, sends each
//! to its channel — DingTalk or WeCom group robot, signed webhook, e-mail over SMTP — and marks
//! it delivered, or failed with the time of the next attempt (exponential backoff). A deliverer
//! that dies or hangs mid-send leaves its rows claimed until the lease runs out, after which any
//! deliverer takes them again: delivery is at least once, and every message carries the event
//! id (`X-Duikou-Event-Id`, the e-mail `Message-ID`, the text itself) so that receivers can
//! drop duplicates.
#![forbid(unsafe_code)]

mod config;
mod deliver;
mod error;
mod message;
mod send;
pub mod sign;

use std::future::Future;

use duikou_store::Store;

pub use config::{NotifierConfig, SmtpConfig, SmtpTls};
pub use deliver::{backoff, DeliveryReport, Notifier, Outcome};
pub use error::{NotifyError, SendError};
pub use message::Message;

/// Runs a deliverer over `store` until `shutdown` completes (for `duikou serve`). The batch in
/// flight when `shutdown` fires is finished and recorded first.
pub async fn run_notifier(
    store: Store,
    config: NotifierConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), NotifyError> {
    Notifier::new(store, config)?.run(shutdown).await;
    Ok(())
}

/// Sends a test message straight to channel `channel_id`, bypassing the outbox (for
/// `duikou notify test --channel ID` and a "发送测试消息" button). Disabled channels are sent to
/// as well, so that a channel can be checked before it is switched on. Returns the event id
/// the message carried.
pub async fn send_test(
    store: &Store,
    channel_id: i64,
    config: &NotifierConfig,
) -> Result<String, NotifyError> {
    config.validate()?;
    let channel = store.channel(channel_id).await?;
    let senders = send::Senders::new(config)?;
    let at = chrono::Utc::now();
    let event_id = format!("test-{}-{}", channel.id, at.timestamp_millis());
    let payload = message::test_payload(&event_id, &channel.name, at);
    senders.send(&channel, &event_id, &payload).await?;
    Ok(event_id)
}
