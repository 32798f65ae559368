//! The content source port: an external content provider that serves ringtones,
//! background music, theme cards and characters the contents database does not hold
//! yet. What it serves is checked like an upload and then cached in the store.

use async_trait::async_trait;

use crate::domain::{ContentId, ContentItem};

/// Why a content provider could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContentSourceError {
    /// The provider could not be reached or answered an error.
    #[error("content provider unavailable: {0}")]
    Unavailable(String),
    /// The provider served something that is not acceptable content (type, size).
    #[error("content refused: {0}")]
    Refused(String),
}

/// An external content provider.
#[async_trait]
pub trait ContentSource: Send + Sync + 'static {
    /// Fetches and checks one item; `None` when the provider has no such item.
    async fn fetch(&self, id: &ContentId) -> Result<Option<ContentItem>, ContentSourceError>;
}
