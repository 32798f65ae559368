//! API keys of merchants and channels, and the admin token.
//!
//! A key reads `gg_<holder_id>.<secret>`; only an argon2 hash of the secret is stored,
//! and the key is shown once, when issued. Argon2 is slow on purpose, so a key verified
//! once is remembered in memory by its SHA-256 for the life of the process; the hash
//! check runs on the blocking pool, never on an actix thread.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use actix_web::HttpRequest;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use giftgate_actors::ports::{ApiKeyRecord, KeyKind, Store};
use rand::RngCore;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// Who a verified key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHolder {
    /// Holder id (`m_…` merchant, `c_…` channel).
    pub id: String,
    /// Merchant or channel.
    pub kind: KeyKind,
    /// The holder's name.
    pub name: String,
}

/// Issues and verifies keys.
pub struct KeyRing {
    store: Arc<dyn Store>,
    admin_token: Option<String>,
    verified: RwLock<HashMap<[u8; 32], KeyHolder>>,
}

const CACHE_LIMIT: usize = 10_000;

impl KeyRing {
    /// A key ring over the store; `admin_token` unset turns admin routes off.
    pub fn new(store: Arc<dyn Store>, admin_token: Option<String>) -> Self {
        KeyRing {
            store,
            admin_token,
            verified: RwLock::new(HashMap::new()),
        }
    }

    /// Issues a key; answers the holder id and the key, which is never shown again.
    pub async fn issue(&self, kind: KeyKind, name: &str) -> Result<(String, String), ApiError> {
        let prefix = match kind {
            KeyKind::Merchant => "m",
            KeyKind::Channel => "c",
        };
        let mut id_bytes = [0u8; 8];
        let mut secret_bytes = [0u8; 24];
        let mut rng = rand::rngs::OsRng.unwrap_err();
        rng.fill_bytes(&mut id_bytes);
        rng.fill_bytes(&mut secret_bytes);
        let holder_id = format!("{prefix}_{}", hex::encode(id_bytes));
        let secret = hex::encode(secret_bytes);
        let secret_hash = actix_web::web::block(move || hash_secret(&secret).map(|h| (h, secret)))
            .await
            .map_err(|e| ApiError::unavailable("internal", e.to_string()))?
            .map_err(|e| ApiError::unavailable("internal", e))?;
        let (secret_hash, secret) = secret_hash;
        self.store
            .insert_api_key(&ApiKeyRecord {
                holder_id: holder_id.clone(),
                kind,
                name: name.to_owned(),
                secret_hash,
                created_at: chrono::Utc::now(),
            })
            .await?;
        Ok((holder_id.clone(), format!("gg_{holder_id}.{secret}")))
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

    /// Verifies a channel key.
    pub async fn channel(&self, request: &HttpRequest) -> Result<KeyHolder, ApiError> {
        self.holder(request, KeyKind::Channel).await
    }

    async fn holder(&self, request: &HttpRequest, kind: KeyKind) -> Result<KeyHolder, ApiError> {
        let key = bearer(request)
            .ok_or_else(|| ApiError::unauthorized(format!("a {} key is required", kind.as_str())))?
            .to_owned();
        let fingerprint: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let cached = self
            .verified
            .read()
            .ok()
            .and_then(|cache| cache.get(&fingerprint).cloned());
        let holder = match cached {
            Some(holder) => holder,
            None => self.verify(&key, fingerprint).await?,
        };
        if holder.kind != kind {
            return Err(ApiError::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "forbidden",
                format!("this route needs a {} key", kind.as_str()),
            ));
        }
        Ok(holder)
    }

    async fn verify(&self, key: &str, fingerprint: [u8; 32]) -> Result<KeyHolder, ApiError> {
        let (holder_id, secret) = key
            .strip_prefix("gg_")
            .and_then(|rest| rest.split_once('.'))
            .ok_or_else(|| ApiError::unauthorized("malformed API key"))?;
        let record = self
            .store
            .api_key(holder_id)
            .await?
            .ok_or_else(|| ApiError::unauthorized("unknown API key"))?;
        let secret = secret.to_owned();
        let stored_hash = record.secret_hash.clone();
        let valid = actix_web::web::block(move || verify_secret(&secret, &stored_hash))
            .await
            .map_err(|e| ApiError::unavailable("internal", e.to_string()))?;
        if !valid {
            return Err(ApiError::unauthorized("unknown API key"));
        }
        let holder = KeyHolder {
            id: record.holder_id,
            kind: record.kind,
            name: record.name,
        };
        if let Ok(mut cache) = self.verified.write() {
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(fingerprint, holder.clone());
        }
        Ok(holder)
    }
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
}
