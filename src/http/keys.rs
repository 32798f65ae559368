//! API keys of merchants and channels, and the admin token.
//!
//! A key reads `gg_<holder_id>.<secret>`; only an argon2 hash of the secret is stored,
//! and the key is shown once, when issued or rotated. Every request reads the key's row
//! (one indexed lookup), so a rotation or revocation on any instance refuses the old key
//! at once everywhere. Argon2 is slow on purpose, so the process remembers, by the key's
//! SHA-256, which stored hash it already verified: the slow check runs again only when
//! the row's hash changed, and then on the blocking pool, never on an actix thread.
//!
//! Each argon2 run takes 19 MiB (the crate's default memory cost). Verifications run at
//! most one per core at a time, and a request that waited looks in the cache again
//! before its own run (requests with the same key wait on one lock): a burst of requests
//! with a key not yet verified (a restart under load, 32 clients at once) costs one run,
//! not 32. Unbounded, such a burst took the
//! process from 50 MB to 500 MB resident for good, the allocator keeping what the
//! parallel runs had touched (`giftgate bench --sessions`, BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use actix_web::HttpRequest;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use giftgate_actors::ports::{ApiKeyRecord, KeyKind, Store};
use rand::RngCore;
use rand::TryRngCore;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::error::ApiError;
use super::scopes::Scope;

/// Who a verified key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHolder {
    /// Holder id (`m_…` merchant, `c_…` channel).
    pub id: String,
    /// Merchant or channel.
    pub kind: KeyKind,
    /// The holder's name.
    pub name: String,
    /// What the key may do (channels; merchants hold every scope).
    pub scopes: Vec<Scope>,
}

impl KeyHolder {
    /// Whether the key may do what `scope` allows.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// Issues and verifies keys.
pub struct KeyRing {
    store: Arc<dyn Store>,
    admin_token: Option<String>,
    /// Key fingerprint → the stored hash it was verified against.
    verified: RwLock<HashMap<[u8; 32], String>>,
    /// One permit per argon2 run allowed at a time.
    argon2_slots: Semaphore,
    /// Argon2 verifications run so far.
    argon2_runs: AtomicU64,
    /// Per key fingerprint being verified: the lock later requests with it wait on.
    in_flight: Mutex<HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>>,
}

const CACHE_LIMIT: usize = 10_000;

impl KeyRing {
    /// A key ring over the store; `admin_token` unset turns admin routes off.
    pub fn new(store: Arc<dyn Store>, admin_token: Option<String>) -> Self {
        KeyRing {
            store,
            admin_token,
            verified: RwLock::new(HashMap::new()),
            argon2_slots: Semaphore::new(
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            ),
            argon2_runs: AtomicU64::new(0),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    fn is_verified(&self, fingerprint: &[u8; 32], stored_hash: &str) -> bool {
        self.verified
            .read()
            .ok()
            .and_then(|cache| cache.get(fingerprint).cloned())
            .is_some_and(|hash| hash == stored_hash)
    }

    /// Issues a key with `scopes`; answers the holder id and the key, which is never
    /// shown again.
    pub async fn issue(
        &self,
        kind: KeyKind,
        name: &str,
        scopes: &[Scope],
    ) -> Result<(String, String), ApiError> {
        let prefix = match kind {
            KeyKind::Merchant => "m",
            KeyKind::Channel => "c",
        };
        let mut id_bytes = [0u8; 8];
        rand::rngs::OsRng.unwrap_err().fill_bytes(&mut id_bytes);
        let holder_id = format!("{prefix}_{}", hex::encode(id_bytes));
        let (secret, secret_hash) = new_secret().await?;
        self.store
            .insert_api_key(&ApiKeyRecord {
                holder_id: holder_id.clone(),
                kind,
                name: name.to_owned(),
                secret_hash,
                created_at: chrono::Utc::now(),
                scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                revoked_at: None,
            })
            .await?;
        Ok((holder_id.clone(), format!("gg_{holder_id}.{secret}")))
    }

    /// Gives a live key a new secret; the old key is refused from now on, on every
    /// instance. Answers the new key, shown this once; `not_found` for an unknown or
    /// revoked holder of `kind`.
    pub async fn rotate(&self, kind: KeyKind, holder_id: &str) -> Result<String, ApiError> {
        let (secret, secret_hash) = new_secret().await?;
        if self
            .store
            .rotate_api_key(holder_id, kind, &secret_hash)
            .await?
        {
            Ok(format!("gg_{holder_id}.{secret}"))
        } else {
            Err(ApiError::not_found(format!(
                "no live {} key {holder_id}",
                kind.as_str()
            )))
        }
    }

    /// Revokes a live key; it is refused from now on, on every instance.
    pub async fn revoke(&self, kind: KeyKind, holder_id: &str) -> Result<(), ApiError> {
        if self
            .store
            .revoke_api_key(holder_id, kind, chrono::Utc::now())
            .await?
        {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "no live {} key {holder_id}",
                kind.as_str()
            )))
        }
    }

    /// Checks the admin bearer token.
    pub fn admin(&self, request: &HttpRequest) -> Result<(), ApiError> {
        let Some(expected) = &self.admin_token else {
            return Err(ApiError::new(
                actix_web::http::StatusCode::NOT_FOUND,
                "admin_disabled",
                "admin routes are off: set GIFTGATE_ADMIN_TOKEN",
            ));
        };
        let given =
            bearer(request).ok_or_else(|| ApiError::unauthorized("admin token required"))?;
        if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(ApiError::unauthorized("wrong admin token"))
        }
    }

    /// Verifies a merchant key.
    pub async fn merchant(&self, request: &HttpRequest) -> Result<KeyHolder, ApiError> {
        self.holder(request, KeyKind::Merchant).await
    }

    /// Verifies a channel key that holds `scope`; 403 `insufficient_scope` otherwise.
    pub async fn channel(
        &self,
        request: &HttpRequest,
        scope: Scope,
    ) -> Result<KeyHolder, ApiError> {
        let holder = self.holder(request, KeyKind::Channel).await?;
        if holder.has(scope) {
            Ok(holder)
        } else {
            Err(ApiError::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "insufficient_scope",
                format!("this route needs a channel key with the {scope} scope"),
            ))
        }
    }

    async fn holder(&self, request: &HttpRequest, kind: KeyKind) -> Result<KeyHolder, ApiError> {
        let key = bearer(request)
            .ok_or_else(|| ApiError::unauthorized(format!("a {} key is required", kind.as_str())))?
            .to_owned();
        let holder = self.verify(&key).await?;
        if holder.kind != kind {
            return Err(ApiError::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "forbidden",
                format!("this route needs a {} key", kind.as_str()),
            ));
        }
        Ok(holder)
    }

    async fn verify(&self, key: &str) -> Result<KeyHolder, ApiError> {
        let (holder_id, secret) = key
            .strip_prefix("gg_")
            .and_then(|rest| rest.split_once('.'))
            .ok_or_else(|| ApiError::unauthorized("malformed API key"))?;
        let record = self
            .store
            .api_key(holder_id)
            .await?
            .ok_or_else(|| ApiError::unauthorized("unknown API key"))?;
        if record.revoked_at.is_some() {
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                "revoked_key",
                "this API key was revoked",
            ));
        }
        let fingerprint: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        if !self.is_verified(&fingerprint, &record.secret_hash) {
            let key_lock = self
                .in_flight
                .lock()
                .map(|mut in_flight| Arc::clone(in_flight.entry(fingerprint).or_default()))
                .map_err(|e| ApiError::unavailable("internal", e.to_string()))?;
            let checked = {
                let _same_key = key_lock.lock().await;
                self.verify_slowly(fingerprint, secret, &record.secret_hash)
                    .await
            };
            if let Ok(mut in_flight) = self.in_flight.lock() {
                in_flight.remove(&fingerprint);
            }
            checked?;
        }
        let scopes = match record.kind {
            KeyKind::Merchant => Scope::ALL.to_vec(),
            KeyKind::Channel => record
                .scopes
                .iter()
                .filter_map(|name| Scope::parse(name))
                .collect(),
        };
        Ok(KeyHolder {
            id: record.holder_id,
            kind: record.kind,
            name: record.name,
            scopes,
        })
    }
}

impl KeyRing {
    /// The argon2 check of `secret` against `stored_hash` (holding the key's lock),
    /// unless a request with the same key verified it meanwhile; it waits for one of the
    /// per-core argon2 slots.
    async fn verify_slowly(
        &self,
        fingerprint: [u8; 32],
        secret: &str,
        stored_hash: &str,
    ) -> Result<(), ApiError> {
        if self.is_verified(&fingerprint, stored_hash) {
            return Ok(());
        }
        let _slot = self
            .argon2_slots
            .acquire()
            .await
            .map_err(|e| ApiError::unavailable("internal", e.to_string()))?;
        self.argon2_runs.fetch_add(1, Ordering::Relaxed);
        let (secret, hash) = (secret.to_owned(), stored_hash.to_owned());
        let valid = actix_web::web::block(move || verify_secret(&secret, &hash))
            .await
            .map_err(|e| ApiError::unavailable("internal", e.to_string()))?;
        if !valid {
            return Err(ApiError::unauthorized("unknown API key"));
        }
        if let Ok(mut cache) = self.verified.write() {
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(fingerprint, stored_hash.to_owned());
        }
        Ok(())
    }
}

/// A fresh secret and its argon2 hash (hashed on the blocking pool).
async fn new_secret() -> Result<(String, String), ApiError> {
    let mut secret_bytes = [0u8; 24];
    rand::rngs::OsRng.unwrap_err().fill_bytes(&mut secret_bytes);
    let secret = hex::encode(secret_bytes);
    actix_web::web::block(move || hash_secret(&secret).map(|hash| (secret, hash)))
        .await
        .map_err(|e| ApiError::unavailable("internal", e.to_string()))?
        .map_err(|e| ApiError::unavailable("internal", e))
}

fn hash_secret(secret: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

fn verify_secret(secret: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn bearer(request: &HttpRequest) -> Option<&str> {
    request
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn argon2_round_trip() {
        let hash = hash_secret("s3cret").unwrap();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_secret("s3cret", &hash));
        assert!(!verify_secret("s3cres", &hash));
        assert!(!verify_secret("s3cret", "not a hash"));
    }

    #[actix_web::test]
    async fn a_burst_with_a_new_key_runs_argon2_once() {
        let database = giftgate_store::testing::TestDatabase::sqlite().await;
        let ring = Arc::new(KeyRing::new(database.store().await.unwrap(), None));
        let (_, key) = ring
            .issue(KeyKind::Channel, "burst", &Scope::ALL)
            .await
            .unwrap();
        let burst = (0..16).map(|_| {
            let (ring, key) = (Arc::clone(&ring), key.clone());
            async move { ring.verify(&key).await }
        });
        for holder in futures::future::join_all(burst).await {
            assert_eq!(holder.unwrap().kind, KeyKind::Channel);
        }
        assert_eq!(ring.argon2_runs.load(Ordering::Relaxed), 1);
        let last = key.chars().last().unwrap();
        let wrong = format!(
            "{}{}",
            &key[..key.len() - 1],
            if last == '0' { '1' } else { '0' }
        );
        assert!(ring.verify(&wrong).await.is_err());
        assert!(
            ring.verify(&wrong).await.is_err(),
            "a wrong key is never cached"
        );
        assert_eq!(ring.argon2_runs.load(Ordering::Relaxed), 3);
        database.drop().await;
    }
}
