//! Barcodes of a certificate code: Code 128 (what chain-store scanners read) and QR, each
//! rendered as PNG (for the MMS) and SVG (for the owner's screen).
//!
//! Encoding is done by `barcoders` (Code 128) and `qrcode`; this module lays the modules
//! out as pixels or SVG paths.

use barcoders::sym::code128::Code128;
use qrcode::{Color, EcLevel, QrCode};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::raster::{PixelFormat, encode_png};

/// Longest code accepted (Code 128 scanners commonly read up to 48 characters; QR holds
/// far more, the limit keeps both renderings readable).
pub const MAX_CODE_LEN: usize = 48;
/// Pixels per Code 128 module in the PNG.
const CODE128_MODULE_PX: u32 = 2;
/// Height of the Code 128 bars in pixels.
const CODE128_BAR_HEIGHT_PX: u32 = 80;
/// Quiet zone on each side of a Code 128 symbol, in modules (the standard asks ≥ 10).
const CODE128_QUIET_MODULES: usize = 10;
/// Pixels per QR module in the PNG.
const QR_MODULE_PX: u32 = 6;
/// Quiet zone around a QR symbol, in modules (the standard asks 4).
const QR_QUIET_MODULES: usize = 4;

/// Why a barcode could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BarcodeError {
    /// The code is empty, too long, or holds characters the symbology cannot carry
    /// (Code 128 here carries printable ASCII).
    #[error("invalid code for a barcode: {reason}")]
    InvalidCode {
        /// What is wrong with the code.
        reason: String,
    },
    /// The symbology encoder refused the data.
    #[error("barcode encoding failed: {0}")]
    Encoding(String),
    /// PNG encoding failed.
    #[error("PNG encoding failed")]
    Png(#[from] png::EncodingError),
    /// SVG writing failed.
    #[error("SVG writing failed")]
    Svg(#[from] std::io::Error),
}

/// Renders `code` as a Code 128 barcode PNG (grayscale, 2 px per module, quiet zones).
///
/// All-digit codes use character set C (two digits per symbol); anything else set B.
pub fn code128_png(code: &str) -> Result<Vec<u8>, BarcodeError> {
    let modules = code128_modules(code)?;
    let total_modules = modules.len() + 2 * CODE128_QUIET_MODULES;
    let width = total_modules as u32 * CODE128_MODULE_PX;
    let mut row = vec![255u8; width as usize];
    for (i, &bar) in modules.iter().enumerate() {
        if bar == 1 {
            let start = (CODE128_QUIET_MODULES + i) * CODE128_MODULE_PX as usize;
            row[start..start + CODE128_MODULE_PX as usize].fill(0);
        }
    }
    let pixels = row.repeat(CODE128_BAR_HEIGHT_PX as usize);
    Ok(encode_png(
        width,
        CODE128_BAR_HEIGHT_PX,
        PixelFormat::Gray8,
        &pixels,
    )?)
}

/// Renders `code` as a Code 128 barcode SVG (one module = one user unit), with the code in
/// human-readable text under the bars.
pub fn code128_svg(code: &str) -> Result<String, BarcodeError> {
    let modules = code128_modules(code)?;
    let width = modules.len() + 2 * CODE128_QUIET_MODULES;
    let bar_height = 50;
    let height = bar_height + 14;
    let mut path = String::new();
    let mut i = 0;
    while i < modules.len() {
        if modules[i] == 1 {
            let run = modules[i..].iter().take_while(|&&m| m == 1).count();
            path.push_str(&format!(
                "M{} 0h{}v{}h-{}z",
                CODE128_QUIET_MODULES + i,
                run,
                bar_height,
                run
            ));
            i += run;
        } else {
            i += 1;
        }
    }
    let text = Some((code, width / 2, height - 2));
    svg_document(width, height, &path, text)
}

/// Renders `code` as a QR code PNG (error correction level M, 6 px per module).
pub fn qr_png(code: &str) -> Result<Vec<u8>, BarcodeError> {
    let (side, dark) = qr_modules(code)?;
    let total = side + 2 * QR_QUIET_MODULES;
    let px = total as u32 * QR_MODULE_PX;
    let mut pixels = vec![255u8; (px * px) as usize];
    for y in 0..px as usize {
        let my = y / QR_MODULE_PX as usize;
        if my < QR_QUIET_MODULES || my >= QR_QUIET_MODULES + side {
            continue;
        }
        for x in 0..px as usize {
            let mx = x / QR_MODULE_PX as usize;
            if mx >= QR_QUIET_MODULES
                && mx < QR_QUIET_MODULES + side
                && dark[(my - QR_QUIET_MODULES) * side + (mx - QR_QUIET_MODULES)]
            {
                pixels[y * px as usize + x] = 0;
            }
        }
    }
    Ok(encode_png(px, px, PixelFormat::Gray8, &pixels)?)
}

/// Renders `code` as a QR code SVG (one module = one user unit, quiet zone included).
pub fn qr_svg(code: &str) -> Result<String, BarcodeError> {
    let (side, dark) = qr_modules(code)?;
    let total = side + 2 * QR_QUIET_MODULES;
    let mut path = String::new();
    for y in 0..side {
        let mut x = 0;
        while x < side {
            if dark[y * side + x] {
                let run = dark[y * side + x..(y + 1) * side]
                    .iter()
                    .take_while(|&&d| d)
                    .count();
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    x + QR_QUIET_MODULES,
                    y + QR_QUIET_MODULES,
                    run,
                    run
                ));
                x += run;
            } else {
                x += 1;
            }
        }
    }
    svg_document(total, total, &path, None)
}

/// Checks a code for barcode use.
fn check_code(code: &str) -> Result<(), BarcodeError> {
    if code.is_empty() {
        return Err(BarcodeError::InvalidCode {
            reason: "empty code".to_owned(),
        });
    }
    if code.len() > MAX_CODE_LEN {
        return Err(BarcodeError::InvalidCode {
            reason: format!("longer than {MAX_CODE_LEN} characters"),
        });
    }
    if let Some(c) = code.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(BarcodeError::InvalidCode {
            reason: format!("character {c:?} is not printable ASCII"),
        });
    }
    Ok(())
}

/// The Code 128 symbol as modules (1 = bar, 0 = space), start to stop, no quiet zones.
fn code128_modules(code: &str) -> Result<Vec<u8>, BarcodeError> {
    check_code(code)?;
    let data = if code.bytes().all(|b| b.is_ascii_digit()) {
        if code.len().is_multiple_of(2) {
            format!("Ć{code}")
        } else {
            // Set C holds digit pairs; the odd last digit goes in set B.
            let (pairs, last) = code.split_at(code.len() - 1);
            if pairs.is_empty() {
                format!("Ɓ{last}")
            } else {
                format!("Ć{pairs}Ɓ{last}")
            }
        }
    } else {
        format!("Ɓ{code}")
    };
    let symbol = Code128::new(data).map_err(|e| BarcodeError::Encoding(e.to_string()))?;
    Ok(symbol.encode())
}

/// The QR symbol: side length in modules and the dark modules row by row.
fn qr_modules(code: &str) -> Result<(usize, Vec<bool>), BarcodeError> {
    check_code(code)?;
    let symbol = QrCode::with_error_correction_level(code.as_bytes(), EcLevel::M)
        .map_err(|e| BarcodeError::Encoding(e.to_string()))?;
    let side = symbol.width();
    let dark = symbol
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok((side, dark))
}

/// Writes an SVG document: white background, one black path, optional centred text
/// `(text, x, baseline_y)`.
fn svg_document(
    width: usize,
    height: usize,
    path: &str,
    text: Option<(&str, usize, usize)>,
) -> Result<String, BarcodeError> {
    let mut writer = Writer::new(Vec::new());
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let (w, h) = (width.to_string(), height.to_string());
    let view_box = format!("0 0 {width} {height}");
    let mut svg = BytesStart::new("svg");
    svg.push_attribute(("xmlns", "http://www.w3.org/2000/svg"));
    svg.push_attribute(("width", w.as_str()));
    svg.push_attribute(("height", h.as_str()));
    svg.push_attribute(("viewBox", view_box.as_str()));
    svg.push_attribute(("shape-rendering", "crispEdges"));
    writer.write_event(Event::Start(svg))?;
    let mut background = BytesStart::new("rect");
    background.push_attribute(("width", w.as_str()));
    background.push_attribute(("height", h.as_str()));
    background.push_attribute(("fill", "#fff"));
    writer.write_event(Event::Empty(background))?;
    let mut bars = BytesStart::new("path");
    bars.push_attribute(("d", path));
    bars.push_attribute(("fill", "#000"));
    writer.write_event(Event::Empty(bars))?;
    if let Some((label, x, y)) = text {
        let (x, y) = (x.to_string(), y.to_string());
        let mut element = BytesStart::new("text");
        element.push_attribute(("x", x.as_str()));
        element.push_attribute(("y", y.as_str()));
        element.push_attribute(("text-anchor", "middle"));
        element.push_attribute(("font-family", "monospace"));
        element.push_attribute(("font-size", "11"));
        writer.write_event(Event::Start(element))?;
        writer.write_event(Event::Text(BytesText::new(label)))?;
        writer.write_event(Event::End(BytesEnd::new("text")))?;
    }
    writer.write_event(Event::End(BytesEnd::new("svg")))?;
    String::from_utf8(writer.into_inner())
        .map_err(|e| BarcodeError::Svg(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_sixteen_digit_code_uses_set_c_and_is_compact() {
        // start (11) + 8 pairs (88) + check (11) + stop (13) modules.
        assert_eq!(code128_modules("1234567890123456").unwrap().len(), 123);
    }

    #[test]
    fn odd_digit_counts_and_letters_are_encodable() {
        assert!(code128_modules("12345").is_ok());
        assert!(code128_modules("7").is_ok());
        assert!(code128_modules("GIFT-42").is_ok());
    }

    #[test]
    fn empty_long_and_non_ascii_codes_are_refused() {
        assert!(matches!(
            code128_png(""),
            Err(BarcodeError::InvalidCode { .. })
        ));
        assert!(matches!(
            qr_png(&"1".repeat(49)),
            Err(BarcodeError::InvalidCode { .. })
        ));
        assert!(matches!(
            code128_svg("선물"),
            Err(BarcodeError::InvalidCode { .. })
        ));
    }

    #[test]
    fn the_svg_names_the_code_and_draws_bars() {
        let svg = code128_svg("1234567890123456").unwrap();
        assert!(svg.contains(">1234567890123456</text>"));
        assert!(svg.contains("<path d=\"M10 0h"));
    }
}
