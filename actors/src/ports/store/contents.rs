//! The content role: the images and cards that MMS messages carry, with their bytes.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{ContentId, ContentItem};

/// The content items (images, cards) that MMS messages carry.
#[async_trait]
pub trait ContentStore: Send + Sync + 'static {
    /// Inserts or replaces a content item.
    async fn upsert_content(&self, item: &ContentItem) -> Result<(), StoreError>;

    /// One content item with its bytes.
    async fn content(&self, id: &ContentId) -> Result<Option<ContentItem>, StoreError>;

    /// Every content item by id, each without its bytes (`bytes` left empty) and with its
    /// size in bytes.
    async fn contents(&self) -> Result<Vec<(ContentItem, i64)>, StoreError>;
}
