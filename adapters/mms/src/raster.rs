//! PNG encoding of raster images drawn by this crate (barcodes, QR codes, sample contents).

/// Colour layout of the pixel rows handed to [`encode_png`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum PixelFormat {
    /// One byte per pixel, 0 black … 255 white.
    Gray8,
    /// Three bytes per pixel.
    Rgb8,
    /// Four bytes per pixel, with alpha.
    Rgba8,
}

/// Encodes `pixels` (rows top to bottom, no padding) as a PNG file.
pub(crate) fn encode_png(
    width: u32,
    height: u32,
    format: PixelFormat,
    pixels: &[u8],
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::with_capacity(pixels.len() / 4 + 256);
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(match format {
            PixelFormat::Gray8 => png::ColorType::Grayscale,
            PixelFormat::Rgb8 => png::ColorType::Rgb,
            PixelFormat::Rgba8 => png::ColorType::Rgba,
        });
        encoder.set_depth(png::BitDepth::Eight);
        if matches!(format, PixelFormat::Gray8) {
            // Barcodes and QR codes: rows repeat, so the Up filter turns most of them into
            // zeros and the fast deflater suffices (≈4× faster than adaptive + balanced).
            encoder.set_filter(png::Filter::Up);
            encoder.set_compression(png::Compression::Fast);
        } else {
            encoder.set_compression(png::Compression::Balanced);
        }
        let mut writer = encoder.write_header()?;
        writer.write_image_data(pixels)?;
        writer.finish()?;
    }
    Ok(out)
}
