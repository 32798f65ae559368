//! The rendered barcodes decode back to the code: Code 128 by reading the bar and space
//! widths off the PNG and looking them up in the Code 128 table (written out here,
//! independently of the encoder), QR with the `rqrr` decoder.

use giftgate_mms::{code128_png, code128_svg, qr_png, qr_svg};

/// Code 128 symbol values 0–106 as bar/space widths (bar first), from the standard's table.
const PATTERNS: [&str; 107] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
];
const START_B: usize = 104;
const START_C: usize = 105;
const CODE_B: usize = 100;
const CODE_C: usize = 99;
const STOP: usize = 106;

fn decode_png_gray(png_bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    pixels.truncate(frame.buffer_size());
    (frame.width as usize, frame.height as usize, pixels)
}

/// Reads a Code 128 symbol off one pixel row: run lengths → module widths → symbol values
/// → checksum check → text.
fn decode_code128_row(row: &[u8]) -> String {
    let mut runs = Vec::new();
    let first_bar = row.iter().position(|&p| p < 128).unwrap();
    let last_bar = row.iter().rposition(|&p| p < 128).unwrap();
    let mut current = row[first_bar] < 128;
    let mut length = 0;
    for &pixel in &row[first_bar..=last_bar] {
        let dark = pixel < 128;
        if dark == current {
            length += 1;
        } else {
            runs.push(length);
            current = dark;
            length = 1;
        }
    }
    runs.push(length);
    // The narrowest element is one module.
    let module = *runs.iter().min().unwrap();
    let widths: String = runs
        .iter()
        .map(|r| {
            assert_eq!(
                r % module,
                0,
                "run of {r} px is not a whole number of modules"
            );
            char::from_digit((r / module) as u32, 10).unwrap()
        })
        .collect();
    let mut values = Vec::new();
    let mut rest = widths.as_str();
    while !rest.is_empty() {
        if rest == PATTERNS[STOP] {
            values.push(STOP);
            break;
        }
        let (symbol, tail) = rest.split_at(6);
        let value = PATTERNS
            .iter()
            .position(|p| *p == symbol)
            .unwrap_or_else(|| panic!("no symbol {symbol}"));
        values.push(value);
        rest = tail;
    }
    assert_eq!(
        values.last(),
        Some(&STOP),
        "the symbol ends with the stop pattern"
    );
    let data = &values[1..values.len() - 2];
    let check = values[values.len() - 2];
    let weighted: usize = values[0]
        + data
            .iter()
            .enumerate()
            .map(|(i, v)| (i + 1) * v)
            .sum::<usize>();
    assert_eq!(weighted % 103, check, "checksum");
    let mut text = String::new();
    let mut set_c = match values[0] {
        START_C => true,
        START_B => false,
        other => panic!("unexpected start {other}"),
    };
    for &value in data {
        match value {
            CODE_B if set_c => set_c = false,
            CODE_C if !set_c => set_c = true,
            v if set_c => text.push_str(&format!("{v:02}")),
            v => text.push(char::from(b' ' + v as u8)),
        }
    }
    text
}

#[test]
fn every_pattern_of_the_table_is_eleven_modules_wide() {
    for (value, pattern) in PATTERNS.iter().enumerate() {
        let width: u32 = pattern.chars().map(|c| c.to_digit(10).unwrap()).sum();
        let expected = if value == STOP { 13 } else { 11 };
        assert_eq!(width, expected, "value {value}");
    }
}

#[test]
fn the_code128_png_decodes_back_to_the_certificate_code() {
    for code in ["1234567890123452", "9876543210987654", "12345", "GIFT-42x"] {
        let (width, height, pixels) = decode_png_gray(&code128_png(code).unwrap());
        for y in [0, height / 2, height - 1] {
            let row = &pixels[y * width..(y + 1) * width];
            assert_eq!(decode_code128_row(row), code, "row {y}");
        }
        // Quiet zones: the first and last 10 modules (20 px) are white.
        let row = &pixels[..width];
        assert!(
            row[..20]
                .iter()
                .chain(&row[width - 20..])
                .all(|&p| p == 255)
        );
    }
}

#[test]
fn the_code128_svg_draws_the_same_bars_as_the_png() {
    let code = "1234567890123452";
    let svg = code128_svg(code).unwrap();
    let path = svg.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
    // Rebuild a one-module-per-pixel row from the path's rectangles.
    let width: usize = svg
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut row = vec![255u8; width];
    for rect in path.split('M').filter(|s| !s.is_empty()) {
        let x: usize = rect.split(' ').next().unwrap().parse().unwrap();
        let w: usize = rect
            .split('h')
            .nth(1)
            .unwrap()
            .split('v')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        row[x..x + w].fill(0);
    }
    assert_eq!(decode_code128_row(&row), code);
}

#[test]
fn the_qr_png_decodes_back_to_the_code() {
    let code = "1234567890123452";
    let (width, height, pixels) = decode_png_gray(&qr_png(code).unwrap());
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_meta, content) = grids[0].decode().unwrap();
    assert_eq!(content, code);
}

#[test]
fn the_qr_svg_is_a_square_with_a_quiet_zone() {
    let svg = qr_svg("1234567890123452").unwrap();
    let side: usize = svg
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
    // Version 1 is 21 modules; the quiet zone adds 4 on each side.
    assert_eq!(side, 21 + 8);
    assert!(
        svg.contains("M4 4h7v1h-7z"),
        "the top-left finder pattern starts inside the quiet zone"
    );
}
