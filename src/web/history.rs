//! `/history` (the seed's "basket" of histories): purchases, uses, balance changes and
//! gifts, newest first, with a filter.

use actix_web::{HttpResponse, web};
use giftgate_actors::service::wallet::HistoryKind;
use maud::html;
use serde::Deserialize;

use super::signed_in::Visitor;
use crate::http::AppState;
use crate::http::error::ApiError;

/// Rows shown.
const HISTORY_ROWS: u32 = 200;

/// `?kind=purchase|usage|gift`.
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    kind: Option<String>,
}

/// `GET /history`
pub async fn show(
    visitor: Visitor,
    query: web::Query<HistoryQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let t = visitor.texts();
    let format = visitor.format();
    let kind = query.kind.as_deref().and_then(HistoryKind::parse);
    let entries = state
        .ledger
        .history(&visitor.msisdn, kind, HISTORY_ROWS)
        .await?;
    let current = query.kind.as_deref().unwrap_or("");
    let filters = [
        ("", t.all),
        ("purchase", t.purchase_history),
        ("usage", t.usage_history),
        ("gift", t.gift_history),
    ];
    let body = html! {
        nav.filters aria-label=(t.filter) {
            @for (value, label) in filters {
                @if value == current {
                    a aria-current="page" href={ "/history?kind=" (value) } { (label) }
                } @else {
                    a href={ "/history?kind=" (value) } { (label) }
                }
            }
        }
        @if entries.is_empty() {
            p.notice role="status" { (t.no_history) }
        } @else {
            table {
                thead {
                    tr {
                        th scope="col" { (t.when) }
                        th scope="col" { (t.what) }
                        th scope="col" { (t.amount) }
                        th scope="col" { (t.certificate) }
                    }
                }
                tbody {
                    @for entry in &entries {
                        tr {
                            td { (format.date_time(entry.at)) }
                            td {
                                (t.journal_kind(entry.kind.as_str()))
                                @if let Some(other) = &entry.counterparty {
                                    " · " (format.msisdn(other))
                                }
                            }
                            td { (format.money(entry.amount)) }
                            td.code { (entry.certificate_code.grouped()) }
                        }
                    }
                }
            }
        }
    };
    Ok(visitor.page(t.history, body))
}
