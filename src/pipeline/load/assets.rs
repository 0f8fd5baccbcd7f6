//! The images an engagement refers to: checked where the YAML names them,
//! then read into memory, so that Typst sees these files and nothing else.
//!
//! A path must be relative, stay inside the engagement directory (no `..`,
//! no symbolic link leading out), name an existing PNG, JPEG or SVG file,
//! and be at most [`MAX_IMAGE_BYTES`] long.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::base::diagnostic::{Code, Diagnostic, RuleId};
use crate::base::model::Spanned;
use crate::base::report::ReportKey;
use crate::pipeline::load::Loaded;

/// The largest image dossier embeds: 10 MiB.
pub(crate) const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

/// The checked images of one engagement, by the path Typst knows them
/// under (`/` followed by the path relative to the engagement directory).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    files: Arc<BTreeMap<String, Asset>>,
}

/// One checked image.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where it is on disk.
    pub file: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Assets {
    /// The image Typst asks for as `path`, if it was checked.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }

    /// Every image, by its Typst path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Asset)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// The path Typst knows an image under: `/` and the normalised relative
/// path, e.g. `/diagrams/overview.svg` for `./diagrams/overview.svg`.
pub(crate) fn typst_path(written: &str) -> String {
    let parts: Vec<String> = Path::new(written)
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    format!("/{}", parts.join("/"))
}

pub(crate) use super::named::image_pos;
pub use super::named::paths;
use super::named::printed;

/// Checks every image path of the engagement; the diagnostics point at
/// the paths that cannot be used.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    resolve_all(loaded).1
}

/// Reads every image of the engagement that can be used, and lists the
/// problems of those that cannot: the reports that print one of them are
/// drafts, with a placeholder where it goes.
pub fn read(loaded: &Loaded) -> (Assets, Vec<Diagnostic>) {
    let (resolved, problems) = resolve_all(loaded);
    let files = resolved
        .into_iter()
        .map(|(path, image)| {
            let asset = Asset {
                file: image.file,
                bytes: image.bytes,
            };
            (typst_path(&path), asset)
        })
        .collect();
    let assets = Assets {
        files: Arc::new(files),
    };
    (assets, problems)
}

/// The SHA-256 of every image the engagement uses, by its path relative
/// to the engagement directory (`evidence/slowlog.png`); an image that
/// cannot be read is left out.
pub fn digests(loaded: &Loaded) -> BTreeMap<String, String> {
    resolve_all(loaded)
        .0
        .into_iter()
        .map(|(path, image)| {
            let name = typst_path(&path.value)[1..].to_string();
            (name, crate::base::digest::sha256_hex(&image.bytes))
        })
        .collect()
}

/// Every image path of the engagement, resolved and read, and the problems
/// of those that cannot be used: each image on its own, then all of them
/// together against [`MAX_ENGAGEMENT_PIXELS`] (an image used twice counts
/// once).
fn resolve_all(loaded: &Loaded) -> (Vec<(Spanned<String>, Image)>, Vec<Diagnostic>) {
    let mut resolved = Vec::new();
    let mut problems = Vec::new();
    let mut counted = std::collections::BTreeSet::new();
    let mut total: u64 = 0;
    for (path, reports) in printed(loaded) {
        match resolve(loaded, &path, reports) {
            Ok(image) => {
                if counted.insert(image.file.clone()) {
                    total = total.saturating_add(image.pixels);
                    if total > MAX_ENGAGEMENT_PIXELS {
                        problems.push(problem(
                            loaded,
                            (&path, reports),
                            Code::AssetTooLarge,
                            format!(
                                "`{}` brings the engagement's images to {} million pixels; \
                                 all of them together may have at most {} million",
                                path.value,
                                total.div_ceil(1_000_000),
                                MAX_ENGAGEMENT_PIXELS / 1_000_000
                            ),
                        ));
                        continue;
                    }
                }
                resolved.push((path, image));
            }
            Err(d) => problems.push(*d),
        }
    }
    (resolved, problems)
}

/// An image that passed every check, read.
struct Image {
    /// Where it is on disk.
    file: PathBuf,
    /// Its bytes.
    bytes: Vec<u8>,
    /// How many pixels it decodes to (none for SVG, which stays vector).
    pixels: u64,
}

/// The image `path` names, once it passes every check.
fn resolve(
    loaded: &Loaded,
    path: &Spanned<String>,
    reports: &'static [ReportKey],
) -> Result<Image, Box<Diagnostic>> {
    let fail =
        |code: Code, message: String| Box::new(problem(loaded, (path, reports), code, message));
    let kind = kind_of(&path.value).map_err(|(code, message)| fail(code, message))?;
    let (file, bytes) = match &loaded.files {
        Some(files) => in_memory(loaded, files, &path.value),
        None => on_disk(loaded, &path.value),
    }
    .map_err(|(code, message)| fail(code, message))?;
    if !kind.matches(&bytes[..bytes.len().min(1024)]) {
        return Err(fail(
            Code::AssetNotImage,
            format!("`{}` is not a {} image", path.value, kind.name()),
        ));
    }
    // What the image holds, read from its header (or, for SVG, its
    // structure) before anything decodes it.
    let pixels = kind
        .check_content(&bytes)
        .map_err(|why| fail(Code::AssetTooLarge, format!("`{}` {why}", path.value)))?;
    Ok(Image {
        file,
        bytes,
        pixels,
    })
}

/// A problem with an image path: its kind and what to say.
type Refusal = (Code, String);

/// The kind of image a path written in the YAML names, once the path
/// itself is acceptable: relative, inside the engagement directory, with
/// an image's extension.
fn kind_of(value: &str) -> Result<Kind, Refusal> {
    let written = Path::new(value);
    if value.trim().is_empty() {
        return Err((Code::AssetMissing, "the image path is empty".into()));
    }
    if value.contains("://") {
        return Err((
            Code::AssetOutside,
            format!(
                "`{value}` is a web address; images must be files inside the engagement directory"
            ),
        ));
    }
    if written.is_absolute() || written.has_root() || value.starts_with('\\') {
        return Err((
            Code::AssetOutside,
            format!(
                "`{value}` is an absolute path; images are given relative to the engagement directory"
            ),
        ));
    }
    if written
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Err((
            Code::AssetOutside,
            format!("`{value}` leaves the engagement directory"),
        ));
    }
    let extension = written
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Kind::from_extension(&extension).ok_or_else(|| {
        (
            Code::AssetNotImage,
            format!("`{value}` is not a PNG, JPEG or SVG file name"),
        )
    })
}

/// The file `value` names inside the engagement directory, read: it must
/// be a file, not a link leading out, of at most [`MAX_IMAGE_BYTES`].
fn on_disk(loaded: &Loaded, value: &str) -> Result<(PathBuf, Vec<u8>), Refusal> {
    let unreadable =
        |e: std::io::Error| (Code::AssetMissing, format!("cannot read `{value}`: {e}"));
    let root = loaded
        .root
        .canonicalize()
        .unwrap_or_else(|_| loaded.root.clone());
    let real = loaded
        .root
        .join(value)
        .canonicalize()
        .map_err(|_| (Code::AssetMissing, format!("`{value}` does not exist")))?;
    if !real.starts_with(&root) {
        return Err((
            Code::AssetOutside,
            format!("`{value}` is a link to a file outside the engagement directory"),
        ));
    }
    let meta = std::fs::metadata(&real).map_err(unreadable)?;
    if !meta.is_file() {
        return Err((Code::AssetMissing, format!("`{value}` is not a file")));
    }
    too_large(value, meta.len())?;
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .and_then(|f| f.take(MAX_IMAGE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    too_large(value, bytes.len() as u64)?;
    Ok((real, bytes))
}

/// The file `value` names among the engagement's files held in memory
/// (those an acceptance report carries), with the path it would have in
/// the engagement directory.
fn in_memory(
    loaded: &Loaded,
    files: &BTreeMap<String, Vec<u8>>,
    value: &str,
) -> Result<(PathBuf, Vec<u8>), Refusal> {
    let name = typst_path(value);
    let name = name.trim_start_matches('/');
    let bytes = files
        .get(name)
        .ok_or_else(|| (Code::AssetMissing, format!("`{value}` does not exist")))?;
    too_large(value, bytes.len() as u64)?;
    let root = loaded
        .root
        .canonicalize()
        .unwrap_or_else(|_| loaded.root.clone());
    Ok((root.join(name), bytes.clone()))
}

/// Refuses an image of more than [`MAX_IMAGE_BYTES`].
fn too_large(value: &str, len: u64) -> Result<(), Refusal> {
    if len > MAX_IMAGE_BYTES {
        return Err((
            Code::AssetTooLarge,
            format!(
                "`{value}` is {len} bytes; an image may be at most {MAX_IMAGE_BYTES} bytes (10 MiB)"
            ),
        ));
    }
    Ok(())
}

/// The most pixels an image may have: 50 megapixels (say 8,000 × 6,250),
/// about 200 MiB decoded. A PNG or JPEG can declare far more in a few
/// bytes; it is refused before it is decoded.
pub(crate) const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// The most pixels all the images of one engagement may have together:
/// 60 megapixels (say thirty 1920 × 1080 screenshots). Typst holds the
/// decoded images of a report while it writes the PDF; with this bound an
/// engagement stays under half a gigabyte, two at a time under one.
pub(crate) const MAX_ENGAGEMENT_PIXELS: u64 = 60_000_000;

/// The most elements an SVG image may have.
pub(crate) const MAX_SVG_ELEMENTS: usize = 100_000;

/// The deepest an SVG image's elements may nest.
pub(crate) const MAX_SVG_DEPTH: usize = 64;

/// The width and height a PNG declares in its header.
fn png_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let be32 = |at: usize| -> Option<u64> {
        Some(u64::from(u32::from_be_bytes(
            bytes.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    (bytes.get(12..16)? == b"IHDR").then_some(())?;
    Some((be32(16)?, be32(20)?))
}

/// The width and height a JPEG declares in its frame header.
fn jpeg_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let be16 = |at: usize| -> Option<u64> {
        Some(u64::from(u16::from_be_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        match marker {
            0xFF => at += 1,
            0x01 | 0xD0..=0xD9 => at += 2,
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be16(at + 7)?, be16(at + 5)?));
            }
            _ => at += 2 + usize::try_from(be16(at + 2)?).ok()?,
        }
    }
    None
}

/// Whether an SVG stays within the bounds: parseable, without external
/// references, not too many elements, not nested too deep.
fn svg_bounds(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::try_from(MAX_SVG_ELEMENTS * 4).unwrap_or(u32::MAX),
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("is not a readable SVG image: {e}"))?;
    let elements: Vec<roxmltree::Node> =
        document.descendants().filter(|n| n.is_element()).collect();
    if elements.len() > MAX_SVG_ELEMENTS {
        return Err(format!(
            "has {} elements; an SVG image may have at most {MAX_SVG_ELEMENTS}",
            elements.len()
        ));
    }
    for node in &elements {
        let depth = node.ancestors().count();
        if depth > MAX_SVG_DEPTH {
            return Err(format!(
                "nests elements {depth} deep; an SVG image may nest at most {MAX_SVG_DEPTH}"
            ));
        }
        for attribute in node.attributes() {
            let value = attribute.value().trim();
            if attribute.name() == "href" && !(value.starts_with('#') || value.starts_with("data:"))
            {
                return Err(format!(
                    "refers to `{value}` outside itself; an SVG image must hold all it shows"
                ));
            }
        }
    }
    Ok(())
}

/// A problem with the image at `path`, printed by `reports`: those are
/// drafts, the others render as they would.
fn problem(
    loaded: &Loaded,
    (path, reports): (&Spanned<String>, &'static [ReportKey]),
    code: Code,
    message: String,
) -> Diagnostic {
    let mut d = Diagnostic::error(&loaded.file, path.pos, message);
    d.rule = Some(RuleId::Consistency);
    d.code = Some(code);
    d.args.push(("path", path.value.clone()));
    d.reports = reports.to_vec();
    let nearest = (code == Code::AssetMissing)
        .then(|| super::nearest::image(loaded, &typst_path(&path.value)[1..]))
        .flatten();
    d.hints.push(match nearest {
        Some(name) => format!("did you mean `{name}`?"),
        None => format!(
            "give the path, relative to {}, of a PNG, JPEG or SVG file inside it",
            loaded.root.display()
        ),
    });
    d
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Png,
    Jpeg,
    Svg,
}

impl Kind {
    fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "png" => Some(Kind::Png),
            "jpg" | "jpeg" => Some(Kind::Jpeg),
            "svg" => Some(Kind::Svg),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::Svg => "SVG",
        }
    }

    /// Whether the file's content stays within the bounds an image of
    /// this kind may have: its pixels (none for SVG), or `Err` saying how
    /// it does not.
    fn check_content(self, bytes: &[u8]) -> Result<u64, String> {
        let size = match self {
            Kind::Svg => return svg_bounds(bytes).map(|()| 0),
            Kind::Png => png_size(bytes),
            Kind::Jpeg => jpeg_size(bytes),
        };
        let Some((width, height)) = size else {
            return Err(format!("has no readable {} header", self.name()));
        };
        let pixels = width.saturating_mul(height);
        if pixels > MAX_IMAGE_PIXELS {
            return Err(format!(
                "is {width} × {height} pixels; an image may have at most {} million",
                MAX_IMAGE_PIXELS / 1_000_000
            ));
        }
        Ok(pixels)
    }

    /// Whether the file's first bytes are what this kind starts with.
    fn matches(self, head: &[u8]) -> bool {
        match self {
            Kind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            Kind::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
            Kind::Svg => {
                let text = String::from_utf8_lossy(head);
                let text = text.trim_start_matches('\u{feff}').trim_start();
                (text.starts_with("<?xml") || text.starts_with("<svg") || text.starts_with("<!--"))
                    && text.contains("<svg")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_from_the_headers() {
        let png = include_bytes!("../../../samples/acme-retail/evidence/order-latency.png");
        let (width, height) = png_size(png).expect("PNG header");
        assert!(width > 100 && height > 100, "{width} × {height}");
        assert!(Kind::Png.check_content(png).is_ok());
        // A JPEG with an application segment before its frame header.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 1, 2, 3, 4, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x01,
            0xE0, 0x02, 0x80, 0x01, 0x01, 0x11, 0x00,
        ];
        assert_eq!(jpeg_size(&jpeg), Some((640, 480)));
        assert!(Kind::Jpeg.check_content(&[0xFF, 0xD8, 0xFF]).is_err());
    }

    #[test]
    fn typst_paths_are_normalised() {
        assert_eq!(typst_path("./a/b.png"), "/a/b.png");
        assert_eq!(typst_path("a//b.svg"), "/a/b.svg");
    }

    #[test]
    fn kinds_are_recognised_by_their_first_bytes() {
        assert!(Kind::Png.matches(b"\x89PNG\r\n\x1a\nrest"));
        assert!(!Kind::Png.matches(b"not an image"));
        assert!(Kind::Jpeg.matches(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(Kind::Svg.matches(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"\"></svg>"));
        assert!(!Kind::Svg.matches(b"<html></html>"));
    }
}
