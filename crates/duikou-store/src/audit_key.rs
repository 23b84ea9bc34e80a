//! The key of the audit chain and the hashing it keys.
//!
//! Rows from the chain's `keyed_from` on (every row of a database created since migration
//! 0013) are hashed with HMAC-SHA256 under an [`AuditKey`] kept outside the database, so that
//! someone who can write to the database but does not hold the key cannot recompute the chain
//! after changing a row. Rows from before the upgrade keep their plain SHA-256 hashes; the
//! first keyed row links to the last of them, so they are anchored as well.
//!
//! The store never reads the key from a file: the binary does, and hands it over as a value
//! ([`crate::Store::with_audit_key`]). A store given no key uses [`AuditKey::public`], which
//! everyone knows: fine for tests and embedding, no better than plain SHA-256 against tampering.

use hmac::digest::generic_array::GenericArray;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::changes::Keying;
use crate::{Store, StoreError};

type HmacSha256 = Hmac<Sha256>;

/// Tags the plain encoding (rows before `keyed_from`).
const DOMAIN_PLAIN: &[u8] = b"duikou-audit-v1";
/// Tags the keyed encoding (rows from `keyed_from` on).
const DOMAIN_KEYED: &[u8] = b"duikou-audit-v2-hmac";
/// Tags the seal over the boundary between the two.
const DOMAIN_SEAL: &[u8] = b"duikou-audit-keyed-from-v1";
/// Tags a checkpoint's signature.
pub(crate) const DOMAIN_CHECKPOINT: &[u8] = b"duikou-audit-checkpoint-v1";

/// The length of a key in bytes (written to its file as 64 hex digits).
pub const AUDIT_KEY_LEN: usize = 32;

/// The secret of the keyed audit chain: 32 bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey {
    /// The key zero-padded to SHA-256's block size, as HMAC pads it.
    block: [u8; 64],
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

impl AuditKey {
    fn from_bytes(bytes: &[u8; AUDIT_KEY_LEN]) -> AuditKey {
        let mut block = [0u8; 64];
        block[..AUDIT_KEY_LEN].copy_from_slice(bytes);
        AuditKey { block }
    }

    /// A new random key from the operating system's generator.
    pub fn generate() -> AuditKey {
        let mut bytes = [0u8; AUDIT_KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        AuditKey::from_bytes(&bytes)
    }

    /// The key everyone knows, for stores given none (tests, embedding): it keeps the chain's
    /// encoding uniform but protects nothing.
    pub fn public() -> AuditKey {
        AuditKey::from_bytes(&[0u8; AUDIT_KEY_LEN])
    }

    /// Reads a key written as 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<AuditKey, StoreError> {
        let text = text.trim();
        let bad = || StoreError::Config(format!("审计密钥须为 {} 位十六进制数", 2 * AUDIT_KEY_LEN));
        if text.len() != 2 * AUDIT_KEY_LEN || !text.is_ascii() {
            return Err(bad());
        }
        let mut bytes = [0u8; AUDIT_KEY_LEN];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(AuditKey::from_bytes(&bytes))
    }

    /// The key as 64 lowercase hex digits (the key file's content).
    pub fn to_hex(&self) -> String {
        self.block[..AUDIT_KEY_LEN]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as KeyInit>::new(GenericArray::from_slice(&self.block))
    }

    /// A keyed hasher, its encoding tagged with `domain`.
    pub(crate) fn hasher(&self, domain: &[u8]) -> Hasher {
        let mut h = Hasher::Keyed(Box::new(self.mac()));
        h.put(Some(domain));
        h
    }

    /// The seal over the boundary between the plain and the keyed part of the chain.
    pub(crate) fn seal(&self, keyed_from: i64) -> String {
        let mut h = self.hasher(DOMAIN_SEAL);
        h.put_i64(Some(keyed_from));
        h.finish()
    }
}

impl Store {
    /// The chain's boundary and its seal as stored (`None`s when the head row is gone).
    pub(crate) async fn read_keying(&self) -> Result<(Option<i64>, Option<String>), StoreError> {
        let row: Option<(Option<i64>, Option<String>)> =
            sqlx::query_as("SELECT keyed_from, keyed_seal FROM audit_head WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.unwrap_or((None, None)))
    }

    /// How this store's key hashes the chain, when the boundary is sealed with it; `None` when
    /// it is not (another key, or a boundary moved or unsealed).
    pub(crate) async fn sealed_keying(&self) -> Result<Option<Keying<'_>>, StoreError> {
        let key = &self.audit.key;
        Ok(match self.read_keying().await? {
            (Some(keyed_from), Some(seal)) if key.seal(keyed_from) == seal => {
                Some(Keying { key, keyed_from })
            }
            _ => None,
        })
    }

    /// Seals the boundary that migration 0013 has just set, with this store's key.
    pub(crate) async fn seal_keyed_part(&self) -> Result<(), StoreError> {
        let Some(keyed_from) = self.read_keying().await?.0 else {
            return Ok(());
        };
        sqlx::query("UPDATE audit_head SET keyed_seal = $1 WHERE id = 1 AND keyed_seal IS NULL")
            .bind(self.audit.key.seal(keyed_from))
            .execute(&self.pool)
            .await?;
        tracing::info!(keyed_from, "the audit chain is keyed from this seq on");
        Ok(())
    }

    /// Refuses a key other than the one the chain is sealed with: rows appended under it would
    /// not verify. A database without a chain head is left to `verify_audit` to report.
    pub(crate) async fn check_audit_key(&self) -> Result<(), StoreError> {
        if self.read_head().await?.is_none() || self.sealed_keying().await?.is_some() {
            return Ok(());
        }
        Err(StoreError::Config(
            "审计密钥与数据库不符（或审计链的密钥起点被改动），拒绝写入；\
             请检查 --audit-key-file，并运行 duikou audit verify"
                .into(),
        ))
    }
}

/// Hashes a sequence of fields, each written as `0x00` when NULL or `0x01`, its length as a
/// big-endian u64 and its bytes, so that no two different sequences encode alike.
pub(crate) enum Hasher {
    Plain(Sha256),
    Keyed(Box<HmacSha256>),
}

impl Hasher {
    /// A hasher for a chain row: keyed when `key` is given, plain SHA-256 otherwise.
    pub(crate) fn for_row(key: Option<&AuditKey>) -> Hasher {
        match key {
            Some(key) => key.hasher(DOMAIN_KEYED),
            None => {
                let mut h = Hasher::Plain(Sha256::new());
                h.put(Some(DOMAIN_PLAIN));
                h
            }
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Plain(h) => Digest::update(h, bytes),
            Hasher::Keyed(h) => Mac::update(h.as_mut(), bytes),
        }
    }

    pub(crate) fn put(&mut self, field: Option<&[u8]>) {
        match field {
            None => self.update(&[0u8]),
            Some(bytes) => {
                self.update(&[1u8]);
                self.update(&(bytes.len() as u64).to_be_bytes());
                self.update(bytes);
            }
        }
    }

    /// An integer, as decimal text.
    pub(crate) fn put_i64(&mut self, value: Option<i64>) {
        self.put(value.map(|v| v.to_string()).as_deref().map(str::as_bytes));
    }

    pub(crate) fn put_str(&mut self, value: Option<&str>) {
        self.put(value.map(str::as_bytes));
    }

    /// The digest as lowercase hex.
    pub(crate) fn finish(self) -> String {
        match self {
            Hasher::Plain(h) => format!("{:x}", h.finalize()),
            Hasher::Keyed(h) => format!("{:x}", h.finalize().into_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_hex_form_and_bad_hex_is_refused() {
        let key = AuditKey::generate();
        assert_eq!(
            AuditKey::from_hex(&format!("{}\n", key.to_hex())).ok(),
            Some(key)
        );
        assert!(AuditKey::from_hex("abc").is_err());
        assert!(AuditKey::from_hex(&"zz".repeat(AUDIT_KEY_LEN)).is_err());
    }

    #[test]
    fn the_padded_key_gives_the_standard_hmac() {
        // RFC 4231 test case 2 has a short key; HMAC pads it with zeros as `block` does.
        let mut block = [0u8; 64];
        block[..4].copy_from_slice(b"Jefe");
        let mut h = Hasher::Keyed(Box::new(<HmacSha256 as KeyInit>::new(
            GenericArray::from_slice(&block),
        )));
        h.update(b"what do ya want for nothing?");
        assert_eq!(
            h.finish(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn keyed_and_plain_hashes_differ_and_depend_on_the_key() {
        let hash = |key: Option<&AuditKey>| {
            let mut h = Hasher::for_row(key);
            h.put_str(Some("x"));
            h.finish()
        };
        let (a, b) = (AuditKey::generate(), AuditKey::generate());
        assert_ne!(hash(None), hash(Some(&a)));
        assert_ne!(hash(Some(&a)), hash(Some(&b)));
        assert_ne!(a.seal(1), b.seal(1));
        assert_ne!(a.seal(1), a.seal(2));
    }
}
