//! The [`PageLinks`] port on both backends: one table, `page_links`, keyed by the
//! token's hash. The PIN generation is counted from the journal's `rekey` rows, which
//! every re-key of a PIN (gift acceptance, renewal) appends in the same commit.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{CertificateCode, GiftId, LinkKind, Msisdn, PageLink};
use giftgate_actors::ports::{PageLinks, StoreError};

use crate::error::{db_error, other};

const INSERT: &str = "INSERT INTO page_links (token_hash, kind, certificate_code, gift_id, \
     holder, generation, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const SELECT: &str = "SELECT token_hash, kind, certificate_code, gift_id, holder, generation, \
     created_at, expires_at FROM page_links WHERE token_hash = $1";
const GENERATION: &str =
    "SELECT COUNT(*) FROM journal WHERE certificate_code = $1 AND kind = 'rekey'";

#[derive(sqlx::FromRow)]
struct LinkRow {
    token_hash: String,
    kind: String,
    certificate_code: Option<String>,
    gift_id: Option<String>,
    holder: String,
    generation: i64,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl LinkRow {
    fn into_link(self) -> Result<PageLink, StoreError> {
        let kind = LinkKind::parse(&self.kind)
            .ok_or_else(|| other(format!("corrupt page link kind {:?}", self.kind)))?;
        let gift_id = self
            .gift_id
            .map(|g| GiftId::parse(&g).map_err(|e| other(format!("corrupt gift id: {e}"))))
            .transpose()?;
        Ok(PageLink {
            token_hash: self.token_hash,
            kind,
            certificate_code: self.certificate_code.map(CertificateCode::from_stored),
            gift_id,
            holder: Msisdn::from_e164_unchecked(self.holder),
            generation: self.generation,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

macro_rules! impl_page_links {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl PageLinks for $store {
            async fn insert_page_link(&self, link: &PageLink) -> Result<(), StoreError> {
                sqlx::query(INSERT)
                    .bind(&link.token_hash)
                    .bind(link.kind.as_str())
                    .bind(
                        link.certificate_code
                            .as_ref()
                            .map(|c| c.as_str().to_owned()),
                    )
                    .bind(link.gift_id.as_ref().map(|g| g.as_str().to_owned()))
                    .bind(link.holder.as_str())
                    .bind(link.generation)
                    .bind(link.created_at)
                    .bind(link.expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn page_link(&self, token_hash: &str) -> Result<Option<PageLink>, StoreError> {
                let row: Option<LinkRow> = sqlx::query_as(SELECT)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                row.map(LinkRow::into_link).transpose()
            }

            async fn pin_generation(&self, code: &CertificateCode) -> Result<i64, StoreError> {
                let (count,): (i64,) = sqlx::query_as(GENERATION)
                    .bind(code.as_str())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(count)
            }
        }
    };
}

impl_page_links!(crate::PgStore);
impl_page_links!(crate::SqliteStore);
