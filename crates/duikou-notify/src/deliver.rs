//! The deliverer: claim due outbox rows, send them concurrently, record each outcome.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use duikou_store::{OutboxItem, Store};
use serde::Serialize;
use tokio::task::JoinHandle;

use crate::config::{NotifierConfig, SEND_GRACE};
use crate::error::{NotifyError, SendError};
use crate::send::Senders;

/// The delay before the next attempt after `attempts_so_far` failed ones (at least one):
/// `base × 2^(attempts_so_far − 1)`, at most `max`.
pub fn backoff(base: Duration, max: Duration, attempts_so_far: i64) -> Duration {
    let doublings = attempts_so_far.saturating_sub(1).clamp(0, 31) as u32;
    base.checked_mul(1u32 << doublings)
        .map_or(max, |d| d.min(max))
}

/// Runs one send on a task of its own, so that a panic in it is caught (and told by
/// [`finished`]) and one that outlives `deadline` ends as a timeout.
fn spawn_guarded<F>(deadline: Duration, send: F) -> JoinHandle<Result<(), SendError>>
where
    F: Future<Output = Result<(), SendError>> + Send + 'static,
{
    tokio::spawn(async move {
        tokio::time::timeout(deadline, send)
            .await
            .unwrap_or(Err(SendError::Timeout))
    })
}

/// The result of a send started by [`spawn_guarded`].
async fn finished(task: JoinHandle<Result<(), SendError>>) -> Result<(), SendError> {
    match task.await {
        Ok(r) => r,
        Err(e) if e.is_panic() => Err(SendError::Panicked),
        Err(_) => Err(SendError::Cancelled),
    }
}

/// What became of one claimed delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub outbox_id: i64,
    pub event_id: String,
    pub channel_id: i64,
    /// Which attempt this was (1 for the first).
    pub attempt: i64,
    /// None: delivered.
    pub error: Option<String>,
    /// The delivery failed for the last time allowed and will not be tried again.
    pub gave_up: bool,
    /// Recording the outcome in the store failed; the row comes back when its lease ends.
    pub unrecorded: bool,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub claimed: usize,
    pub delivered: usize,
    /// Failed and scheduled again.
    pub failed: usize,
    /// Failed for the last time.
    pub gave_up: usize,
    pub outcomes: Vec<Outcome>,
}

/// A deliverer over one store. Several may run at once, in one process or many: the outbox's
/// leases keep them from sending the same row at the same time.
pub struct Notifier {
    store: Store,
    config: NotifierConfig,
    lease: chrono::Duration,
    senders: Arc<Senders>,
}

impl Notifier {
    pub fn new(store: Store, config: NotifierConfig) -> Result<Notifier, NotifyError> {
        config.validate()?;
        let lease = chrono::Duration::from_std(config.lease)
            .map_err(|_| NotifyError::Config("lease 过长".into()))?;
        let senders = Arc::new(Senders::new(&config)?);
        Ok(Notifier {
            store,
            config,
            lease,
            senders,
        })
    }

    pub fn config(&self) -> &NotifierConfig {
        &self.config
    }

    /// One round at `now`: claims up to `batch` due deliveries, sends them concurrently (each
    /// bounded by the timeout), and marks each delivered or failed. A send that panics counts
    /// as a failure; one that outlives its deadline as a timeout. Should this future be
    /// dropped, or the process die, mid-round, the rows stay claimed until their lease ends
    /// and are then sent again.
    pub async fn deliver_once(&self, now: DateTime<Utc>) -> Result<DeliveryReport, NotifyError> {
        let items = self
            .store
            .claim_outbox(self.config.batch, self.lease, now)
            .await?;
        let deadline = self.config.timeout + SEND_GRACE;
        let mut running = Vec::with_capacity(items.len());
        for item in items {
            let senders = Arc::clone(&self.senders);
            let channel = item.channel.clone();
            let event_id = item.event_id.clone();
            let payload = item.payload.clone();
            let task = spawn_guarded(deadline, async move {
                if !channel.enabled {
                    return Err(SendError::Disabled);
                }
                senders.send(&channel, &event_id, &payload).await
            });
            running.push((item, task));
        }
        let mut report = DeliveryReport {
            claimed: running.len(),
            ..DeliveryReport::default()
        };
        for (item, task) in running {
            let result = finished(task).await;
            let outcome = self.record(&item, result, now).await;
            if outcome.error.is_none() {
                report.delivered += 1;
            } else if outcome.gave_up {
                report.gave_up += 1;
            } else {
                report.failed += 1;
            }
            report.outcomes.push(outcome);
        }
        Ok(report)
    }

    async fn record(
        &self,
        item: &OutboxItem,
        result: Result<(), SendError>,
        now: DateTime<Utc>,
    ) -> Outcome {
        let attempt = item.attempts + 1;
        // The real time when it is later than the round's (a test's clock may run ahead).
        let at = now.max(Utc::now());
        let mut outcome = Outcome {
            outbox_id: item.id,
            event_id: item.event_id.clone(),
            channel_id: item.channel.id,
            attempt,
            error: None,
            gave_up: false,
            unrecorded: false,
        };
        let written = match result {
            Ok(()) => {
                tracing::info!(
                    outbox_id = item.id,
                    event_id = %item.event_id,
                    channel_id = item.channel.id,
                    attempt,
                    "notification delivered"
                );
                self.store.outbox_delivered(item.id, &item.claim, at).await
            }
            Err(e) => {
                let gave_up = attempt >= self.config.max_attempts;
                let (text, next) = if gave_up {
                    (format!("已停止重试（共尝试{attempt}次）：{e}"), None)
                } else {
                    let delay = backoff(self.config.retry_base, self.config.retry_max, attempt);
                    let delay = chrono::Duration::from_std(delay)
                        .unwrap_or_else(|_| chrono::Duration::hours(1));
                    (e.to_string(), Some(at + delay))
                };
                tracing::warn!(
                    outbox_id = item.id,
                    event_id = %item.event_id,
                    channel_id = item.channel.id,
                    attempt,
                    gave_up,
                    error = %e,
                    "notification not delivered"
                );
                outcome.error = Some(text.clone());
                outcome.gave_up = gave_up;
                self.store
                    .outbox_failed(item.id, &item.claim, &text, next)
                    .await
            }
        };
        match written {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(
                    outbox_id = item.id,
                    "the claim ran out before the outcome was recorded; another deliverer owns the row"
                );
                outcome.unrecorded = true;
            }
            Err(e) => {
                tracing::error!(
                    outbox_id = item.id,
                    error = %e,
                    "outcome of a notification not recorded; it is sent again after its lease"
                );
                outcome.unrecorded = true;
            }
        }
        outcome
    }

    /// Delivers until `shutdown` completes: a round, then a pause of `poll_interval` unless the
    /// round was full. Store errors are logged and the loop goes on. Shutdown is looked at
    /// between rounds, so a round in flight is finished and recorded.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        tracing::info!(
            batch = self.config.batch,
            max_attempts = self.config.max_attempts,
            "notifier started"
        );
        loop {
            let full = match self.deliver_once(Utc::now()).await {
                Ok(r) => {
                    if r.claimed > 0 {
                        tracing::debug!(
                            claimed = r.claimed,
                            delivered = r.delivered,
                            failed = r.failed,
                            gave_up = r.gave_up,
                            "notification round"
                        );
                    }
                    i64::try_from(r.claimed).unwrap_or(i64::MAX) >= self.config.batch
                }
                Err(e) => {
                    tracing::warn!(error = %e, "notification round failed");
                    false
                }
            };
            let pause = if full {
                Duration::ZERO
            } else {
                self.config.poll_interval
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("notifier stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(3600);
        let secs: Vec<u64> = (1..=9).map(|n| backoff(base, max, n).as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(base, max, 0), base);
        assert_eq!(backoff(base, max, i64::MAX), max);
        assert_eq!(backoff(Duration::MAX, max, 3), max);
    }

    #[tokio::test]
    async fn a_panicking_or_hanging_send_ends_as_a_failure() {
        let deadline = Duration::from_millis(50);
        let panicking = spawn_guarded(deadline, async {
            let v: Vec<i64> = Vec::new();
            Err(SendError::Http(v[1].to_string()))
        });
        assert_eq!(finished(panicking).await, Err(SendError::Panicked));
        let hanging = spawn_guarded(deadline, std::future::pending());
        assert_eq!(finished(hanging).await, Err(SendError::Timeout));
        let fine = spawn_guarded(deadline, async { Ok(()) });
        assert_eq!(finished(fine).await, Ok(()));
    }
}
