//! The contents database over HTTP: `GET /v1/contents` lists what can go with a gift,
//! `POST /v1/admin/contents` uploads an item (multipart; type and size checked by the
//! bytes, not by the name), and the owner's channel gets each certificate's barcode.

use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes as UploadedBytes;
use actix_multipart::form::text::Text;
use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::{CertificateCode, ContentId, ContentItem};
use giftgate_mms::{ContentError, ContentKind, validate_content};
use serde_json::json;

use super::error::ApiError;
use super::scopes::Scope;
use super::state::AppState;

/// The multipart form of an upload.
#[derive(Debug, MultipartForm)]
pub struct ContentUpload {
    /// `ringtone`, `background_music`, `theme_card` or `character`.
    pub kind: Text<String>,
    /// Title for menus.
    pub title: Text<String>,
    /// Optional id; generated when absent.
    pub content_id: Option<Text<String>>,
    /// The media file.
    #[multipart(limit = "3MB")]
    pub file: UploadedBytes,
}

/// Every content item (without bytes).
#[utoipa::path(get, path = "/v1/contents", tag = "catalog", responses((status = 200, description = "{contents: […]}")))]
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = state.ledger.contents().await?;
    let contents: Vec<_> = items
        .iter()
        .map(|(item, size)| {
            json!({"content_id": item.id.as_str(), "kind": item.kind, "title": item.title,
                "mime": item.mime, "size": size})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "contents": contents })))
}

/// Upload a ringtone, background music, theme card or character.
#[utoipa::path(post, path = "/v1/admin/contents", tag = "admin",
    request_body(content_type = "multipart/form-data", description = "kind, title, optional content_id, file"),
    responses((status = 201, description = "{content_id}"), (status = 400, body = super::error::ErrorBody),
              (status = 413, body = super::error::ErrorBody)),
    security(("admin_token" = [])))]
pub async fn upload(
    request: HttpRequest,
    form: MultipartForm<ContentUpload>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let form = form.into_inner();
    let kind: ContentKind = form.kind.trim().parse().map_err(|_| {
        ApiError::bad_request(
            "invalid_kind",
            "kind must be ringtone, background_music, theme_card or character",
        )
    })?;
    let title = form.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "invalid_title",
            "title must be 1-100 characters",
        ));
    }
    let id = match &form.content_id {
        Some(id) => ContentId::parse(id.trim())
            .map_err(|e| ApiError::bad_request("invalid_content_id", e.to_string()))?,
        None => ContentId::parse(&format!(
            "{}-{}",
            kind.as_str(),
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        ))
        .map_err(|e| ApiError::bad_request("invalid_content_id", e.to_string()))?,
    };
    let declared = form
        .file
        .content_type
        .as_ref()
        .map(|m| m.essence_str().to_owned());
    let bytes = form.file.data.to_vec();
    let limit = state.content_max_bytes;
    if bytes.len() > limit {
        return Err(content_error(ContentError::TooLarge {
            size: bytes.len(),
            limit,
        }));
    }
    let mime = validate_content(kind, declared.as_deref(), &bytes, limit).map_err(content_error)?;
    let item = ContentItem {
        id: id.clone(),
        kind: kind.as_str().to_owned(),
        title,
        mime: mime.to_owned(),
        bytes,
        created_at: chrono::Utc::now(),
    };
    state.ledger.save_content(&item).await?;
    Ok(HttpResponse::Created()
        .json(json!({ "content_id": id.as_str(), "mime": mime, "size": item.bytes.len() })))
}

fn content_error(error: ContentError) -> ApiError {
    match error {
        ContentError::TooLarge { size, limit } => ApiError::new(
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            "content_too_large",
            format!("{size} bytes is over the {limit}-byte limit"),
        ),
        ContentError::MimeMismatch { declared, actual } => ApiError::bad_request(
            "content_type_mismatch",
            format!("declared {declared} but the bytes are {actual}"),
        ),
        other => ApiError::bad_request("unsupported_content", other.to_string()),
    }
}

/// The upload form's own limit (1 MB) answers like our size check.
pub fn multipart_config() -> actix_multipart::form::MultipartFormConfig {
    actix_multipart::form::MultipartFormConfig::default()
        .total_limit(4 * 1024 * 1024)
        .memory_limit(4 * 1024 * 1024)
        .error_handler(|error, _| {
            let text = error.to_string();
            if text.contains("limit") {
                ApiError::new(
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "content_too_large",
                    text,
                )
                .into()
            } else {
                ApiError::bad_request("malformed_upload", text).into()
            }
        })
}

/// `?symbology=code128|qr`
#[derive(Debug, serde::Deserialize)]
pub struct BarcodeQuery {
    symbology: Option<String>,
}

async fn owned_code(
    request: &HttpRequest,
    state: &AppState,
    code: &str,
) -> Result<CertificateCode, ApiError> {
    state.keys.channel(request, Scope::Pins).await?;
    let code = CertificateCode::parse(code)
        .map_err(|e| ApiError::bad_request("invalid_certificate_code", e.to_string()))?;
    state
        .ledger
        .find_certificate(&code)
        .await?
        .ok_or_else(|| ApiError::not_found("no such certificate"))?;
    Ok(code)
}

/// The certificate's barcode (Code 128, or QR with `?symbology=qr`) as PNG.
#[utoipa::path(get, path = "/v1/certificates/{code}/barcode.png", tag = "subscribers",
    params(("code" = String, Path), ("symbology" = Option<String>, Query)),
    responses((status = 200, content_type = "image/png", description = "the barcode")), security(("channel_key" = [])))]
pub async fn barcode_png(
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<BarcodeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = owned_code(&request, &state, &path).await?;
    let qr = query.symbology.as_deref() == Some("qr");
    let png = web::block(move || {
        if qr {
            giftgate_mms::qr_png(code.as_str())
        } else {
            giftgate_mms::code128_png(code.as_str())
        }
    })
    .await
    .map_err(|e| ApiError::unavailable("internal", e.to_string()))?
    .map_err(|e| ApiError::unavailable("barcode_failed", e.to_string()))?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

/// The certificate's barcode as SVG, for screens.
#[utoipa::path(get, path = "/v1/certificates/{code}/barcode.svg", tag = "subscribers",
    params(("code" = String, Path), ("symbology" = Option<String>, Query)),
    responses((status = 200, content_type = "image/svg+xml", description = "the barcode")), security(("channel_key" = [])))]
pub async fn barcode_svg(
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<BarcodeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = owned_code(&request, &state, &path).await?;
    let svg = if query.symbology.as_deref() == Some("qr") {
        giftgate_mms::qr_svg(code.as_str())
    } else {
        giftgate_mms::code128_svg(code.as_str())
    }
    .map_err(|e| ApiError::unavailable("barcode_failed", e.to_string()))?;
    Ok(HttpResponse::Ok().content_type("image/svg+xml").body(svg))
}
