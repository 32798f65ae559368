//! The simulator's carrier points: `POST /payment/v3/{endUserId}/points` credits once per
//! `clientCorrelator` (a replay answers the first credit, 200) and
//! `GET /payment/v3/{endUserId}/points[?clientCorrelator=…]` lists them.

use std::sync::{Mutex, MutexGuard};

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::routes::SimState;
use crate::points::{PointsCreditList, PointsCreditWire};

/// Every points credit made, oldest first.
#[derive(Debug, Default)]
pub struct PointsBook {
    credits: Mutex<Vec<PointsCreditWire>>,
}

impl PointsBook {
    fn lock(&self) -> MutexGuard<'_, Vec<PointsCreditWire>> {
        self.credits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of every credit.
    pub fn all(&self) -> Vec<PointsCreditWire> {
        self.lock().clone()
    }
}

/// `POST …/{end_user}/points`.
pub(crate) async fn credit(
    state: web::Data<SimState>,
    end_user: web::Path<String>,
    body: web::Json<PointsCreditWire>,
) -> HttpResponse {
    let mut body = body.into_inner();
    if body.amount <= rust_decimal::Decimal::ZERO || body.client_correlator.is_empty() {
        return HttpResponse::BadRequest().json(serde_json::json!({
            "error": "a points credit needs a positive amount and a clientCorrelator"
        }));
    }
    body.end_user_id = end_user.into_inner();
    let mut credits = state.points.lock();
    if let Some(first) = credits
        .iter()
        .find(|c| c.client_correlator == body.client_correlator)
    {
        return HttpResponse::Ok().json(first);
    }
    credits.push(body.clone());
    HttpResponse::Created().json(body)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CorrelatorQuery {
    client_correlator: Option<String>,
}

/// `GET …/{end_user}/points`.
pub(crate) async fn list(
    state: web::Data<SimState>,
    end_user: web::Path<String>,
    query: web::Query<CorrelatorQuery>,
) -> HttpResponse {
    let credits = state
        .points
        .lock()
        .iter()
        .filter(|c| c.end_user_id == *end_user)
        .filter(|c| {
            query
                .client_correlator
                .as_ref()
                .is_none_or(|k| &c.client_correlator == k)
        })
        .cloned()
        .collect();
    HttpResponse::Ok().json(PointsCreditList { credits })
}
