//! The [`SiteAccess`] port on both backends: tables `web_sign_ins`, `web_sessions` and
//! `site_texts`. A sign-in's row and the outbox row of the SMS carrying its code commit
//! together, so a code is never sent that the store does not know, nor kept unsent.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{Msisdn, OutboxMessage, SignIn, SiteTopic, WebSession};
use giftgate_actors::ports::{SiteAccess, StoreError};

use crate::error::{db_error, other};

const INSERT_SIGN_IN: &str = "INSERT INTO web_sign_ins (id, msisdn, client, code_sealed, \
     tries, created_at, expires_at) VALUES ($1, $2, $3, $4, 0, $5, $6)";
/// The outbox row of the SMS carrying the code (as `sql::INSERT_OUTBOX` writes them).
const INSERT_CODE_SMS: &str = "INSERT INTO outbox (channel, partition_key, payload, created_at, \
     attempts) VALUES ($1, $2, $3, $4, 0)";
const COUNT_BY_NUMBER: &str =
    "SELECT COUNT(*) FROM web_sign_ins WHERE msisdn = $1 AND created_at > $2";
const COUNT_BY_CLIENT: &str =
    "SELECT COUNT(*) FROM web_sign_ins WHERE client = $1 AND created_at > $2";
const LATEST_SIGN_IN: &str = "SELECT id, msisdn, client, code_sealed, tries, created_at, \
     expires_at, used_at FROM web_sign_ins WHERE msisdn = $1 \
     ORDER BY created_at DESC, id DESC LIMIT 1";
const COUNT_TRY: &str = "UPDATE web_sign_ins SET tries = tries + 1 WHERE id = $1";
const USE_SIGN_IN: &str = "UPDATE web_sign_ins SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
const INSERT_SESSION: &str = "INSERT INTO web_sessions (token_hash, msisdn, created_at, \
     expires_at) VALUES ($1, $2, $3, $4)";
const SELECT_SESSION: &str = "SELECT token_hash, msisdn, created_at, expires_at \
     FROM web_sessions WHERE token_hash = $1";
const DELETE_SESSION: &str = "DELETE FROM web_sessions WHERE token_hash = $1";
const SELECT_TEXT: &str = "SELECT body FROM site_texts WHERE topic = $1 AND language = $2";
const UPSERT_TEXT: &str = "INSERT INTO site_texts (topic, language, body, updated_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (topic, language) \
     DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at";

#[derive(sqlx::FromRow)]
struct SignInRow {
    id: String,
    msisdn: String,
    client: String,
    code_sealed: String,
    tries: i32,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

impl From<SignInRow> for SignIn {
    fn from(row: SignInRow) -> Self {
        SignIn {
            id: row.id,
            msisdn: Msisdn::from_e164_unchecked(row.msisdn),
            client: row.client,
            code_sealed: row.code_sealed,
            tries: row.tries,
            created_at: row.created_at,
            expires_at: row.expires_at,
            used_at: row.used_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    msisdn: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

macro_rules! impl_site_access {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl SiteAccess for $store {
            async fn insert_sign_in(
                &self,
                sign_in: &SignIn,
                sms: &OutboxMessage,
            ) -> Result<(), StoreError> {
                let payload =
                    serde_json::to_string(sms).map_err(|e| StoreError::Other(Box::new(e)))?;
                let mut tx = self.begin_write().await?;
                sqlx::query(INSERT_SIGN_IN)
                    .bind(&sign_in.id)
                    .bind(sign_in.msisdn.as_str())
                    .bind(&sign_in.client)
                    .bind(&sign_in.code_sealed)
                    .bind(sign_in.created_at)
                    .bind(sign_in.expires_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                sqlx::query(INSERT_CODE_SMS)
                    .bind(sms.channel().as_str())
                    .bind(sms.partition_key())
                    .bind(payload)
                    .bind(sign_in.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                tx.commit().await.map_err(db_error)
            }

            async fn sign_ins_since(
                &self,
                msisdn: &Msisdn,
                client: &str,
                since: DateTime<Utc>,
            ) -> Result<(i64, i64), StoreError> {
                let (by_number,): (i64,) = sqlx::query_as(COUNT_BY_NUMBER)
                    .bind(msisdn.as_str())
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_error)?;
                let (by_client,): (i64,) = sqlx::query_as(COUNT_BY_CLIENT)
                    .bind(client)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok((by_number, by_client))
            }

            async fn latest_sign_in(&self, msisdn: &Msisdn) -> Result<Option<SignIn>, StoreError> {
                let row: Option<SignInRow> = sqlx::query_as(LATEST_SIGN_IN)
                    .bind(msisdn.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(row.map(SignIn::from))
            }

            async fn count_sign_in_try(&self, id: &str) -> Result<(), StoreError> {
                sqlx::query(COUNT_TRY)
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn finish_sign_in(
                &self,
                id: &str,
                used_at: DateTime<Utc>,
                session: &WebSession,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let used = sqlx::query(USE_SIGN_IN)
                    .bind(id)
                    .bind(used_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if used.rows_affected() != 1 {
                    return Err(StoreError::Conflict(format!("sign-in {id} already used")));
                }
                sqlx::query(INSERT_SESSION)
                    .bind(&session.token_hash)
                    .bind(session.msisdn.as_str())
                    .bind(session.created_at)
                    .bind(session.expires_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                tx.commit().await.map_err(db_error)
            }

            async fn web_session(
                &self,
                token_hash: &str,
            ) -> Result<Option<WebSession>, StoreError> {
                let row: Option<SessionRow> = sqlx::query_as(SELECT_SESSION)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(row.map(|row| WebSession {
                    token_hash: row.token_hash,
                    msisdn: Msisdn::from_e164_unchecked(row.msisdn),
                    created_at: row.created_at,
                    expires_at: row.expires_at,
                }))
            }

            async fn end_web_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query(DELETE_SESSION)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn site_text(
                &self,
                topic: SiteTopic,
                language: &str,
            ) -> Result<Option<String>, StoreError> {
                let row: Option<(String,)> = sqlx::query_as(SELECT_TEXT)
                    .bind(topic.as_str())
                    .bind(language)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(row.map(|(body,)| body))
            }

            async fn put_site_text(
                &self,
                topic: SiteTopic,
                language: &str,
                body: &str,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                if !matches!(language, "ko" | "en") {
                    return Err(other(format!("no site language {language:?}")));
                }
                sqlx::query(UPSERT_TEXT)
                    .bind(topic.as_str())
                    .bind(language)
                    .bind(body)
                    .bind(at)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }
        }
    };
}

impl_site_access!(crate::PgStore);
impl_site_access!(crate::SqliteStore);
