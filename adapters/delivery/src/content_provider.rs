//! The external content provider over HTTP (`GIFTGATE_CONTENT_PROVIDER_URL`, a URL
//! template with `{id}`, e.g. `https://cp.example/contents/{id}`). An item is fetched on
//! first use, checked like an upload — media type by the bytes, kind, size limit — and
//! then cached in the contents database by the core.
//!
//! The kind comes from the provider's `X-Content-Kind` header, else the id's prefix
//! (`ring-`, `bgm-`, `card-`, `char-`), else the media type (images are theme cards,
//! audio is a ringtone); the title from `X-Content-Title`, else the id.

use std::time::Duration;

use async_trait::async_trait;
use giftgate_actors::domain::{ContentId, ContentItem};
use giftgate_actors::ports::{ContentSource, ContentSourceError};
use giftgate_mms::{ContentKind, sniff_media_type, validate_content};

/// Fetches contents from a provider's URL template.
pub struct HttpContentSource {
    url_template: String,
    client: reqwest::Client,
    max_bytes: usize,
}

impl HttpContentSource {
    /// A source for `url_template` (must contain `{id}`), refusing items over `max_bytes`.
    pub fn new(url_template: &str, max_bytes: usize) -> anyhow::Result<Self> {
        anyhow::ensure!(
            url_template.contains("{id}"),
            "the content provider URL needs an {{id}} placeholder"
        );
        Ok(HttpContentSource {
            url_template: url_template.to_owned(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
            max_bytes,
        })
    }
}

fn kind_of(header: Option<&str>, id: &str, mime: &str) -> Option<ContentKind> {
    if let Some(kind) = header.and_then(|h| h.trim().parse().ok()) {
        return Some(kind);
    }
    let by_prefix = [
        ("ring-", ContentKind::Ringtone),
        ("bgm-", ContentKind::BackgroundMusic),
        ("card-", ContentKind::ThemeCard),
        ("char-", ContentKind::Character),
    ];
    if let Some((_, kind)) = by_prefix.iter().find(|(prefix, _)| id.starts_with(prefix)) {
        return Some(*kind);
    }
    if mime.starts_with("image/") {
        Some(ContentKind::ThemeCard)
    } else if mime.starts_with("audio/") {
        Some(ContentKind::Ringtone)
    } else {
        None
    }
}

#[async_trait]
impl ContentSource for HttpContentSource {
    async fn fetch(&self, id: &ContentId) -> Result<Option<ContentItem>, ContentSourceError> {
        let url = self.url_template.replace("{id}", id.as_str());
        let response = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| ContentSourceError::Unavailable(e.without_url().to_string()))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(ContentSourceError::Unavailable(format!(
                "provider answered {}",
                response.status()
            )));
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let declared = header("content-type")
            .map(|m| m.split(';').next().unwrap_or_default().trim().to_owned());
        let kind_header = header("x-content-kind");
        let title = header("x-content-title").unwrap_or_else(|| id.to_string());
        if response
            .content_length()
            .is_some_and(|n| n as usize > self.max_bytes)
        {
            return Err(ContentSourceError::Refused(format!(
                "larger than {} bytes",
                self.max_bytes
            )));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ContentSourceError::Unavailable(e.without_url().to_string()))?;
        let sniffed = sniff_media_type(&bytes).unwrap_or("application/octet-stream");
        let kind = kind_of(kind_header.as_deref(), id.as_str(), sniffed).ok_or_else(|| {
            ContentSourceError::Refused(format!("{sniffed} is not a gift content type"))
        })?;
        let mime = validate_content(kind, declared.as_deref(), &bytes, self.max_bytes)
            .map_err(|e| ContentSourceError::Refused(e.to_string()))?;
        Ok(Some(ContentItem {
            id: id.clone(),
            kind: kind.as_str().to_owned(),
            title,
            mime: mime.to_owned(),
            bytes: bytes.to_vec(),
            created_at: chrono::Utc::now(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_comes_from_header_then_prefix_then_type() {
        assert_eq!(
            kind_of(Some("character"), "x", "image/png"),
            Some(ContentKind::Character)
        );
        assert_eq!(
            kind_of(None, "bgm-7", "audio/midi"),
            Some(ContentKind::BackgroundMusic)
        );
        assert_eq!(
            kind_of(None, "x", "image/png"),
            Some(ContentKind::ThemeCard)
        );
        assert_eq!(kind_of(None, "x", "text/html"), None);
    }
}
