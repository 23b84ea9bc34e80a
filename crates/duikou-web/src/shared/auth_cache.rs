//! Who a bearer token or session cookie stands for, remembered for a few seconds so that a
//! request costs its own queries only, not the three or more of looking up the token, its
//! user with grants, and the paths the grants resolve to.
//!
//! Freshness: an entry is kept under the store's accounts epoch read *before* the lookup,
//! and the store bumps the epoch after committing any change that can end a session or
//! token, disable a user, change a password or change grants. So such a change made through
//! this process is seen by the very next request. Another server process sharing the
//! database sees it within [`TTL`] (docs/design.md, "Identity cache").
//!
//! Size: at most [`CAPACITY`] entries; a full cache drops its expired entries, then, if still
//! full, every entry (refilled by the next requests at the cost of one lookup each).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use duikou_core::auth::Access;
use duikou_store::accounts::{TokenBound, User};
use duikou_store::{Store, StoreError};

/// How long an identity is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(5);
/// The most identities kept at once.
pub const CAPACITY: usize = 10_000;

/// A user as a token or session makes them known, with their resolved rights.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub access: Access,
    /// The session's CSRF token (sessions only).
    pub csrf: Option<String>,
    /// A token's own grants and expiry (tokens only): what it may hand on to tokens it makes.
    pub token: Option<TokenBound>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Token(String),
    Session(String),
}

#[derive(Debug)]
struct Entry {
    identity: Arc<Identity>,
    epoch: u64,
    fresh_until: Instant,
    /// When the token or session itself ends.
    expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct AuthCache {
    entries: Mutex<HashMap<Key, Entry>>,
    ttl: Duration,
    capacity: usize,
}

impl Default for AuthCache {
    fn default() -> Self {
        Self::new(TTL, CAPACITY)
    }
}

impl AuthCache {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            ttl,
            capacity: capacity.max(1),
        }
    }

    /// How many identities are held now.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The identity of an API token's secret; `None` when unknown, expired or revoked.
    pub async fn token(
        &self,
        store: &Store,
        secret: &str,
    ) -> Result<Option<Arc<Identity>>, StoreError> {
        let key = Key::Token(secret.to_owned());
        let epoch = store.accounts_epoch();
        let now = Utc::now();
        if let Some(found) = self.get(&key, epoch, now) {
            return Ok(Some(found));
        }
        let Some(holder) = store.token_user(secret, now).await? else {
            return Ok(None);
        };
        let access = store.resolve_access(&holder.user, &holder.grants).await?;
        let identity = Identity {
            user: holder.user,
            access,
            csrf: None,
            token: Some(TokenBound {
                grants: holder.grants,
                expires_at: holder.expires_at,
            }),
        };
        Ok(Some(self.put(key, identity, epoch, holder.expires_at)))
    }

    /// The identity of a session cookie's token; `None` when unknown or ended.
    pub async fn session(
        &self,
        store: &Store,
        token: &str,
    ) -> Result<Option<Arc<Identity>>, StoreError> {
        let key = Key::Session(token.to_owned());
        let epoch = store.accounts_epoch();
        let now = Utc::now();
        if let Some(found) = self.get(&key, epoch, now) {
            return Ok(Some(found));
        }
        let Some((user, session)) = store.session_user(token, now).await? else {
            return Ok(None);
        };
        let access = store.resolve_access(&user, &user.grants).await?;
        let identity = Identity {
            user,
            access,
            csrf: Some(session.csrf_token),
            token: None,
        };
        Ok(Some(self.put(
            key,
            identity,
            epoch,
            Some(session.expires_at),
        )))
    }

    fn get(&self, key: &Key, epoch: u64, now: DateTime<Utc>) -> Option<Arc<Identity>> {
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        let live = entry.epoch == epoch
            && Instant::now() < entry.fresh_until
            && entry.expires_at.is_none_or(|e| now < e);
        if live {
            Some(entry.identity.clone())
        } else {
            entries.remove(key);
            None
        }
    }

    fn put(
        &self,
        key: Key,
        identity: Identity,
        epoch: u64,
        expires_at: Option<DateTime<Utc>>,
    ) -> Arc<Identity> {
        let identity = Arc::new(identity);
        if let Ok(mut entries) = self.entries.lock() {
            let now = Instant::now();
            if entries.len() >= self.capacity && !entries.contains_key(&key) {
                entries.retain(|_, e| now < e.fresh_until);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(
                key,
                Entry {
                    identity: identity.clone(),
                    epoch,
                    fresh_until: now + self.ttl,
                    expires_at,
                },
            );
        }
        identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(id: i64) -> Identity {
        let user = User {
            id,
            login: format!("u{id}"),
            display_name: "测试".into(),
            org_id: None,
            must_change_password: false,
            disabled: false,
            grants: Vec::new(),
            lang: None,
        };
        let access = Access::from_grants(Some(id), &user.login, None, &[]);
        Identity {
            user,
            access,
            csrf: None,
            token: None,
        }
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = AuthCache::new(Duration::from_secs(60), 3);
        for i in 0..10 {
            cache.put(Key::Token(format!("t{i}")), identity(i), 0, None);
            assert!(cache.len() <= 3, "{} entries", cache.len());
        }
        assert!(!cache.is_empty());
        let last = cache.get(&Key::Token("t9".into()), 0, Utc::now());
        assert_eq!(last.map(|i| i.user.id), Some(9), "the newest entry is kept");
    }

    #[test]
    fn an_entry_is_dropped_when_the_epoch_moves_or_it_ages_or_expires() {
        let cache = AuthCache::new(Duration::from_secs(60), 10);
        let key = Key::Session("s".into());
        cache.put(key.clone(), identity(1), 4, None);
        assert!(cache.get(&key, 4, Utc::now()).is_some());
        assert!(
            cache.get(&key, 5, Utc::now()).is_none(),
            "an account changed"
        );
        assert!(cache.get(&key, 4, Utc::now()).is_none(), "and it is gone");

        let ended = Utc::now() + chrono::Duration::seconds(1);
        cache.put(key.clone(), identity(1), 4, Some(ended));
        assert!(cache.get(&key, 4, Utc::now()).is_some());
        let later = ended + chrono::Duration::seconds(1);
        assert!(cache.get(&key, 4, later).is_none(), "the session ended");

        let aged = AuthCache::new(Duration::ZERO, 10);
        aged.put(key.clone(), identity(1), 4, None);
        assert!(
            aged.get(&key, 4, Utc::now()).is_none(),
            "older than the TTL"
        );
    }
}
