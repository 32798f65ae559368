//! `LIST [category] [page]` / `목록`: the catalogue by SMS, a few products per message
//! (ids, names, prices), so a subscriber can find what to `BUY` from the handset alone.

use super::replies::Replies;
use crate::domain::{CatalogQuery, Category};
use crate::service::{Ledger, ServiceError};

/// Products per SMS page: with Korean names this keeps a page within two or three
/// concatenated parts.
pub const PRODUCTS_PER_PAGE: usize = 5;

/// The answer to `LIST`: products on sale (of `category`), by id, page `page`.
pub(super) async fn page(
    ledger: &Ledger,
    category: Option<Category>,
    page: u32,
    replies: &Replies,
) -> Result<String, ServiceError> {
    let query = CatalogQuery {
        category: category.clone(),
        active_only: true,
        ..CatalogQuery::default()
    };
    let products = query.select(ledger.catalog_products().await?);
    let pages = products.len().div_ceil(PRODUCTS_PER_PAGE).max(1);
    let index = usize::try_from(page.saturating_sub(1)).unwrap_or(usize::MAX);
    let lines: Vec<String> = products
        .iter()
        .skip(index.saturating_mul(PRODUCTS_PER_PAGE))
        .take(PRODUCTS_PER_PAGE)
        .map(|p| replies.catalog_line(p.id.as_str(), &p.name, p.face_value))
        .collect();
    let next = (index + 1 < pages).then(|| match &category {
        Some(category) => format!("LIST {category} {}", page + 1),
        None => format!("LIST {}", page + 1),
    });
    let pages = u32::try_from(pages).unwrap_or(u32::MAX);
    Ok(replies.catalog_page(&lines, page.min(pages), pages, next))
}
