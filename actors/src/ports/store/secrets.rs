//! The secret role: secrets sealed at rest, read and resealed by `giftgate rekey`.

use async_trait::async_trait;

use super::StoreError;

/// Which secret at rest (`giftgate rekey`, sealing legacy rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A certificate's PIN (key: the code).
    CertificatePin,
    /// A refund account number (key: the subscriber's MSISDN).
    RefundAccountNumber,
}

/// One secret as stored: what it belongs to and its sealed (or legacy plain) value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// The certificate code or MSISDN.
    pub key: String,
    /// The stored value.
    pub sealed: String,
}

/// Secrets sealed at rest, for `giftgate rekey`.
#[async_trait]
pub trait SecretStore: Send + Sync + 'static {
    /// Up to `limit` secrets of `kind` as stored, ordered by their key, after `after`.
    async fn sealed_secrets(
        &self,
        kind: SecretKind,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SealedSecret>, StoreError>;

    /// Replaces a stored secret if it is still `sealed` (a certificate's version moves on,
    /// so a writer holding the old value conflicts); false when it changed meanwhile.
    async fn reseal_secret(
        &self,
        kind: SecretKind,
        key: &str,
        sealed: &str,
        resealed: &str,
    ) -> Result<bool, StoreError>;
}
