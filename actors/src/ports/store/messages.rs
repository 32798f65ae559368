//! The message role: handset messages by our id or a provider's, and what each handset
//! can receive.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{MessageRecord, Msisdn};

/// Handset messages and what each handset can receive.
#[async_trait]
pub trait MessageStore: Send + Sync + 'static {
    /// Marks whether a subscriber's handset can receive MMS (registering the subscriber
    /// if new).
    async fn set_mms_capable(&self, msisdn: &Msisdn, capable: bool) -> Result<(), StoreError>;

    /// Whether a subscriber's handset can receive MMS (unknown subscribers: yes).
    async fn mms_capable(&self, msisdn: &Msisdn) -> Result<bool, StoreError>;

    /// A handset message by our message id.
    async fn message(&self, message_id: &str) -> Result<Option<MessageRecord>, StoreError>;

    /// A handset message by one of its provider's (normalised) ids.
    async fn message_by_provider_id(
        &self,
        channel: &str,
        provider_id: &str,
    ) -> Result<Option<MessageRecord>, StoreError>;
}
