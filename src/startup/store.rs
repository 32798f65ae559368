//! The store: the configured database (its migrations run on open) and the samples every
//! deployment starts with.

use std::sync::Arc;

use anyhow::Context;
use giftgate_actors::domain::{ContentId, ContentItem};
use giftgate_actors::ports::Store;
use giftgate_actors::service::catalog::seed_sample_catalog;

use crate::config::Settings;

/// Opens the configured store (running its migrations) and seeds the sample catalog.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let options = giftgate_store::StoreOptions {
        max_connections: Some(settings.database_max_connections),
        ..giftgate_store::StoreOptions::default()
    };
    let store = giftgate_store::connect_with(&settings.database_url, &options)
        .await
        .with_context(|| {
            format!(
                "opening {}",
                giftgate_store::redact_url(&settings.database_url)
            )
        })?;
    seed_sample_catalog(store.as_ref())
        .await
        .context("seeding the sample catalog")?;
    seed_sample_contents(store.as_ref())
        .await
        .context("seeding the sample contents")?;
    Ok(store)
}

/// Adds the generated sample contents (ringtone, background music, theme card,
/// character) that the contents database does not hold yet.
pub async fn seed_sample_contents(store: &dyn Store) -> anyhow::Result<()> {
    for sample in giftgate_mms::sample_contents() {
        let id = ContentId::parse(sample.id)?;
        if store.content(&id).await?.is_none() {
            store
                .upsert_content(&ContentItem {
                    id,
                    kind: sample.kind.as_str().to_owned(),
                    title: sample.title.to_owned(),
                    mime: sample.mime.to_owned(),
                    bytes: sample.bytes,
                    created_at: chrono::Utc::now(),
                })
                .await?;
        }
    }
    Ok(())
}
