//! Korean and English page texts, and which one a visitor gets: `?lang=ko|en` (the
//! switch, remembered in a cookie), else the `lang` cookie, else `Accept-Language`, else
//! Korean.

use actix_web::HttpRequest;
use actix_web::http::header;
use giftgate_actors::domain::Language;

/// The cookie that remembers the switch.
pub const LANG_COOKIE: &str = "giftgate_lang";

/// Every text a page shows, in one language.
#[derive(Debug)]
pub struct Texts {
    /// `ko` or `en`, for `<html lang>`.
    pub code: &'static str,
    /// The site's name in the header.
    pub site: &'static str,
    /// Label of the language switch link (names the other language).
    pub other_language: &'static str,
    /// Where the switch goes.
    pub other_code: &'static str,
    /// "Gift certificate" page title.
    pub voucher_title: &'static str,
    /// Field labels.
    pub product: &'static str,
    /// Issuer label.
    pub issuer: &'static str,
    /// Balance label.
    pub balance: &'static str,
    /// Face value label.
    pub face_value: &'static str,
    /// Expiry label.
    pub expires: &'static str,
    /// No expiry.
    pub no_expiry: &'static str,
    /// Status label.
    pub status: &'static str,
    /// Barcode heading.
    pub barcode: &'static str,
    /// Switch to QR.
    pub show_qr: &'static str,
    /// Switch to the linear barcode.
    pub show_barcode: &'static str,
    /// PIN reveal.
    pub show_pin: &'static str,
    /// PIN label.
    pub pin: &'static str,
    /// PIN unknown.
    pub pin_unavailable: &'static str,
    /// Shown at the till.
    pub till_hint: &'static str,
    /// Gift page title.
    pub gift_title: &'static str,
    /// From label.
    pub from: &'static str,
    /// Message label.
    pub message: &'static str,
    /// What the gift carries.
    pub contents: &'static str,
    /// Ringtone label.
    pub ringtone: &'static str,
    /// Background music label.
    pub background_music: &'static str,
    /// Character label.
    pub character: &'static str,
    /// Theme card alt text.
    pub theme_card: &'static str,
    /// Accept button.
    pub accept: &'static str,
    /// Reject button.
    pub reject: &'static str,
    /// After accepting.
    pub accepted: &'static str,
    /// After rejecting.
    pub rejected: &'static str,
    /// The gift is no longer open.
    pub gift_closed: &'static str,
    /// The answer did not go through.
    pub answer_failed: &'static str,
    /// 404 heading.
    pub not_found_title: &'static str,
    /// 404 explanation.
    pub not_found_body: &'static str,
    /// 403 heading.
    pub forbidden_title: &'static str,
    /// 403 explanation.
    pub forbidden_body: &'static str,
}

const KO: Texts = Texts {
    code: "ko",
    site: "모바일 상품권",
    other_language: "English",
    other_code: "en",
    voucher_title: "상품권",
    product: "상품",
    issuer: "발행처",
    balance: "잔액",
    face_value: "액면가",
    expires: "유효기간",
    no_expiry: "없음",
    status: "상태",
    barcode: "바코드",
    show_qr: "QR 코드로 보기",
    show_barcode: "바코드로 보기",
    show_pin: "PIN 보기 (눌러서 표시)",
    pin: "PIN",
    pin_unavailable: "PIN을 표시할 수 없습니다. 고객센터에 문의하세요.",
    till_hint: "계산대에서 이 화면을 보여 주세요.",
    gift_title: "선물이 도착했습니다",
    from: "보낸 사람",
    message: "메시지",
    contents: "선물 내용",
    ringtone: "벨소리",
    background_music: "배경음악",
    character: "캐릭터",
    theme_card: "테마 카드",
    accept: "선물 받기",
    reject: "거절하기",
    accepted: "선물을 받았습니다. 새 PIN이 발급되었습니다.",
    rejected: "선물을 거절했습니다. 보낸 사람에게 돌아갑니다.",
    gift_closed: "이 선물은 이미 처리되었습니다.",
    answer_failed: "처리하지 못했습니다. 잠시 후 다시 시도하세요.",
    not_found_title: "페이지를 찾을 수 없습니다",
    not_found_body: "링크가 만료되었거나 더 이상 유효하지 않습니다. 최근 문자에 있는 링크를 이용하세요.",
    forbidden_title: "요청을 처리할 수 없습니다",
    forbidden_body: "양식이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도하세요.",
};

const EN: Texts = Texts {
    code: "en",
    site: "Mobile gift certificates",
    other_language: "한국어",
    other_code: "ko",
    voucher_title: "Gift certificate",
    product: "Product",
    issuer: "Issuer",
    balance: "Balance",
    face_value: "Face value",
    expires: "Valid until",
    no_expiry: "no expiry",
    status: "Status",
    barcode: "Barcode",
    show_qr: "Show as QR code",
    show_barcode: "Show as barcode",
    show_pin: "Show PIN (tap to reveal)",
    pin: "PIN",
    pin_unavailable: "The PIN cannot be shown. Please call the call center.",
    till_hint: "Show this screen at the till.",
    gift_title: "A gift for you",
    from: "From",
    message: "Message",
    contents: "In the gift",
    ringtone: "Ringtone",
    background_music: "Background music",
    character: "Character",
    theme_card: "Theme card",
    accept: "Accept the gift",
    reject: "Reject",
    accepted: "You accepted the gift. A new PIN was issued to you.",
    rejected: "You rejected the gift. It goes back to the sender.",
    gift_closed: "This gift has already been answered.",
    answer_failed: "That did not go through. Please try again in a moment.",
    not_found_title: "Page not found",
    not_found_body: "This link has expired or is no longer valid. Please use the link in your latest message.",
    forbidden_title: "Request refused",
    forbidden_body: "The form has expired. Reload the page and try again.",
};

impl Texts {
    /// The texts of `language`.
    pub fn of(language: Language) -> &'static Texts {
        match language {
            Language::Ko => &KO,
            Language::En => &EN,
        }
    }

    /// A certificate status in words.
    pub fn certificate_status(&self, status: &str) -> &'static str {
        let ko = self.code == "ko";
        match (status, ko) {
            ("active", true) => "사용 가능",
            ("active", false) => "ready to use",
            ("pending_gift", true) => "선물 대기 중",
            ("pending_gift", false) => "gift pending",
            ("redeemed", true) => "사용 완료",
            ("redeemed", false) => "used up",
            ("refunded", true) | ("refunding", true) => "환불됨",
            ("refunded", false) | ("refunding", false) => "refunded",
            ("expired", true) => "기간 만료",
            ("expired", false) => "expired",
            ("blocked", true) => "사용 정지",
            ("blocked", false) => "blocked",
            (_, true) => "확인 필요",
            (_, false) => "unknown",
        }
    }
}

/// The language a request asks for: the switch, the cookie, `Accept-Language`, Korean.
pub fn language_of(request: &HttpRequest) -> Language {
    let query = request.query_string();
    for pair in query.split('&') {
        match pair {
            "lang=en" => return Language::En,
            "lang=ko" => return Language::Ko,
            _ => {}
        }
    }
    if let Some(cookie) = request.cookie(LANG_COOKIE) {
        match cookie.value() {
            "en" => return Language::En,
            "ko" => return Language::Ko,
            _ => {}
        }
    }
    let accept = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    for part in accept.split(',') {
        let tag = part
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("ko") {
            return Language::Ko;
        }
        if tag.starts_with("en") {
            return Language::En;
        }
    }
    Language::Ko
}

/// The switch asked for in this request (`?lang=…`), to remember in the cookie.
pub fn switched_to(request: &HttpRequest) -> Option<&'static str> {
    request
        .query_string()
        .split('&')
        .find_map(|pair| match pair {
            "lang=en" => Some("en"),
            "lang=ko" => Some("ko"),
            _ => None,
        })
}
