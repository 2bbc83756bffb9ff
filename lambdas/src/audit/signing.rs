//! Signatures on audit records: HMAC-SHA256 over the exact bytes written to
//! the audit topic, carried in a record header, so that anyone who can write
//! to the topic with a Kafka client (or rewrite it) cannot make a record the
//! console shows as genuine.
//!
//! Keys have ids so they can be rotated: the first key signs, every listed key
//! verifies. `AUDIT_SIGNING_KEYS` is `id:secret[,id:secret…]` (locally, or
//! from Secrets Manager in AWS: see `config.rs`).

use std::{collections::HashMap, fmt};

use anyhow::{Context, bail};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The record header that carries the signature: `v1:<key id>:<hex mac>`.
pub const SIGNATURE_HEADER: &str = "configurator-signature";

/// Secrets shorter than this are refused: HMAC-SHA256 wants 32 bytes of key.
const MIN_SECRET_BYTES: usize = 32;

/// Used when nothing is configured and the process runs locally (never in
/// Lambda): the local stack works out of the box, and its records still
/// verify, but they prove nothing.
const LOCAL_DEVELOPMENT_KEYS: &str = "local-dev:configurator-local-development-audit-key";

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct AuditKeys {
    signing_id: String,
    keys: HashMap<String, Vec<u8>>,
}

/// Why a record is not shown as genuine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unverified {
    #[error("the record carries no signature")]
    Unsigned,
    #[error("the signature is not in a form this service writes")]
    Malformed,
    #[error("signed with key {0:?}, which this service does not know")]
    UnknownKey(String),
    #[error("the signature does not match the record: it was changed or written by someone else")]
    Mismatch,
}

impl AuditKeys {
    /// Parses `id:secret[,id:secret…]`; the first key signs.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut keys = HashMap::new();
        let mut signing_id = None;
        for (i, entry) in text.split(',').map(str::trim).enumerate() {
            let (id, secret) = entry
                .split_once(':')
                .with_context(|| format!("key {} must be written id:secret", i + 1))?;
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                bail!("key {}: the id must be letters, digits, '-' or '_'", i + 1);
            }
            if secret.len() < MIN_SECRET_BYTES {
                bail!("key {id}: the secret must have at least {MIN_SECRET_BYTES} bytes");
            }
            if keys.insert(id.to_owned(), secret.as_bytes().to_vec()).is_some() {
                bail!("key {id} is listed twice");
            }
            signing_id.get_or_insert_with(|| id.to_owned());
        }
        Ok(Self {
            signing_id: signing_id.context("no key given")?,
            keys,
        })
    }

    pub fn local_development() -> Self {
        Self::parse(LOCAL_DEVELOPMENT_KEYS).expect("the built-in key parses")
    }

    pub fn is_local_development(&self) -> bool {
        self.signing_id == "local-dev"
    }

    /// The header value for `payload`.
    pub fn sign(&self, payload: &[u8]) -> String {
        let mac = mac(&self.keys[&self.signing_id], payload);
        format!("v1:{}:{}", self.signing_id, hex::encode(mac))
    }

    pub fn verify(&self, payload: &[u8], signature: Option<&[u8]>) -> Result<(), Unverified> {
        let signature = signature.ok_or(Unverified::Unsigned)?;
        let text = std::str::from_utf8(signature).map_err(|_| Unverified::Malformed)?;
        let mut parts = text.splitn(3, ':');
        let (Some("v1"), Some(id), Some(hex_mac)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Unverified::Malformed);
        };
        let expected = hex::decode(hex_mac).map_err(|_| Unverified::Malformed)?;
        let key = self
            .keys
            .get(id)
            .ok_or_else(|| Unverified::UnknownKey(id.to_owned()))?;
        let mut check = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
        check.update(payload);
        // Constant time: a forger learns nothing from how long a refusal takes.
        check.verify_slice(&expected).map_err(|_| Unverified::Mismatch)
    }
}

fn mac(key: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(payload);
    mac.finalize().into_bytes().to_vec()
}

/// Key ids only: secrets never reach a log line.
impl fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&String> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("AuditKeys")
            .field("signing_id", &self.signing_id)
            .field("key_ids", &ids)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_A: &str = "a-secret-that-is-long-enough-0123456789";
    const SECRET_B: &str = "b-secret-that-is-long-enough-0123456789";

    #[test]
    fn a_signed_record_verifies_and_any_change_does_not() {
        let keys = AuditKeys::parse(&format!("k2:{SECRET_B},k1:{SECRET_A}")).unwrap();
        let signature = keys.sign(b"{\"action\":\"topics:delete\"}");
        assert!(signature.starts_with("v1:k2:"));
        assert_eq!(
            keys.verify(b"{\"action\":\"topics:delete\"}", Some(signature.as_bytes())),
            Ok(())
        );
        assert_eq!(
            keys.verify(b"{\"action\":\"topics:create\"}", Some(signature.as_bytes())),
            Err(Unverified::Mismatch)
        );
        assert_eq!(keys.verify(b"{}", None), Err(Unverified::Unsigned));
        assert_eq!(keys.verify(b"{}", Some(b"sig")), Err(Unverified::Malformed));
    }

    #[test]
    fn rotation_keeps_old_records_verifiable_and_forgets_removed_keys() {
        let old = AuditKeys::parse(&format!("k1:{SECRET_A}")).unwrap();
        let record = b"{\"n\":1}";
        let signature = old.sign(record);
        let rotated = AuditKeys::parse(&format!("k2:{SECRET_B},k1:{SECRET_A}")).unwrap();
        assert_eq!(rotated.verify(record, Some(signature.as_bytes())), Ok(()));
        let retired = AuditKeys::parse(&format!("k2:{SECRET_B}")).unwrap();
        assert_eq!(
            retired.verify(record, Some(signature.as_bytes())),
            Err(Unverified::UnknownKey("k1".into()))
        );
        // Another key under the same id is a forgery, not a rotation.
        let impostor = AuditKeys::parse(&format!("k1:{SECRET_B}")).unwrap();
        assert_eq!(
            impostor.verify(record, Some(signature.as_bytes())),
            Err(Unverified::Mismatch)
        );
    }

    #[test]
    fn bad_key_lists_are_refused_and_secrets_never_print() {
        for (text, needle) in [
            ("", "id:secret"),
            ("k1", "id:secret"),
            ("k1:short", "at least 32"),
            (&format!("k 1:{SECRET_A}"), "the id"),
            (&format!("k1:{SECRET_A},k1:{SECRET_B}"), "twice"),
        ] {
            let error = format!("{:#}", AuditKeys::parse(text).unwrap_err());
            assert!(error.contains(needle), "{text}: {error}");
        }
        let keys = AuditKeys::parse(&format!("k1:{SECRET_A}")).unwrap();
        assert!(!format!("{keys:?}").contains(SECRET_A));
    }
}
