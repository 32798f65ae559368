//! The simulator's bank transfers: `POST /v1/transfers` (idempotent on the
//! `Idempotency-Key`: a replay answers the first transfer, 200) and
//! `GET /v1/transfers?reference=…`.

use std::sync::{Mutex, MutexGuard};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::routes::SimState;
use crate::transfer::{Transfer, TransferList, TransferRequest};
use crate::wire::{ErrorBody, IDEMPOTENCY_KEY_HEADER};

/// Every transfer made, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Transfers {
    made: Mutex<Vec<Transfer>>,
}

impl Transfers {
    fn lock(&self) -> MutexGuard<'_, Vec<Transfer>> {
        self.made
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of every transfer.
    pub(crate) fn records(&self) -> Vec<Transfer> {
        self.lock().clone()
    }
}

fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody::new(code, message, None))
}

/// `POST /v1/transfers`.
pub(crate) async fn create(
    state: web::Data<SimState>,
    request: HttpRequest,
    body: web::Json<TransferRequest>,
) -> HttpResponse {
    let Some(key) = request
        .headers()
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "missing_idempotency_key",
            "Idempotency-Key is required",
        );
    };
    let body = body.into_inner();
    if body.amount <= rust_decimal::Decimal::ZERO || body.account.trim().is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "a transfer needs a positive amount and an account",
        );
    }
    let mut made = state.transfers.lock();
    if let Some(first) = made.iter().find(|t| t.idempotency_key == key) {
        return HttpResponse::Ok().json(first);
    }
    let transfer = Transfer {
        id: format!("tr_{}", uuid::Uuid::new_v4().simple()),
        amount: body.amount,
        currency: body.currency,
        bank: body.bank,
        account: body.account,
        reference: body.reference,
        idempotency_key: key,
        status: "paid".to_owned(),
    };
    made.push(transfer.clone());
    HttpResponse::Created().json(transfer)
}

#[derive(Deserialize)]
pub(crate) struct ReferenceQuery {
    reference: Option<String>,
}

/// `GET /v1/transfers?reference=…`.
pub(crate) async fn find(
    state: web::Data<SimState>,
    query: web::Query<ReferenceQuery>,
) -> HttpResponse {
    let data = state
        .transfers
        .lock()
        .iter()
        .filter(|t| query.reference.as_ref().is_none_or(|r| &t.reference == r))
        .cloned()
        .collect();
    HttpResponse::Ok().json(TransferList { data })
}
