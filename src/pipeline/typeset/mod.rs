//! Typst source → PDF, in process, with the shipped fonts.

mod world;

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Smart;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

pub use world::{Files, ReportWorld, files, files_in};

use crate::base::digest::sha256_hex;
use crate::base::timings::{Stage, Timings};

/// Why a report could not be typeset.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}{hints}", hints = hints.iter().map(|h| format!("\n  hint: {h}")).collect::<String>())]
pub struct TypesetError {
    /// Which source the error is in: the generated report or the style module.
    pub origin: String,
    /// Line in that source, from 1 (0 when unknown).
    pub line: usize,
    /// Column in that source, from 1 (0 when unknown).
    pub column: usize,
    /// Typst's message.
    pub message: String,
    /// Typst's hints.
    pub hints: Vec<String>,
    /// The text of the line, when the error is in the generated report
    /// source: what finds the template line that produced it.
    pub generated: Option<String>,
}

/// A laid-out report.
pub struct Document {
    /// The laid-out pages.
    pub document: PagedDocument,
}

impl Document {
    /// How many pages the report has.
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }
}

/// What the typeset stage makes of one report: its PDF and, when asked
/// for, an image of each page.
#[derive(Debug, Clone)]
pub struct Typeset {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// SHA-256 of the PDF, in lowercase hex.
    pub sha256: String,
    /// Page images, when the output format asks for them.
    pub previews: Vec<Vec<u8>>,
    /// Where the report asks for signature fields to be prepared.
    pub fields: Vec<FieldPlace>,
}

/// A place the report keeps for a signature: a box a template marks with
/// `#metadata((name: …, page: …, x: …, y: …, w: …, h: …)) <signature-field>`
/// (Typst points, from the page's top left).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPlace {
    /// The field's name, e.g. `CustomerSignature`.
    pub name: String,
    /// What it is for, as assistive technology reads it (`/TU`).
    pub tip: String,
    /// Its page, from 1.
    pub page: usize,
    /// Its rectangle in PDF user space (from the page's bottom left):
    /// left, bottom, right, top, in points.
    pub rect: [f64; 4],
}

/// The signature fields `document` asks for.
fn field_places(document: &Document) -> Vec<FieldPlace> {
    use typst::foundations::{Label, Selector, Value};
    use typst::introspection::Introspector;
    let Some(label) = Label::new(typst::utils::PicoStr::intern("signature-field")) else {
        return Vec::new();
    };
    let pages = document.document.pages();
    document
        .document
        .introspector()
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|content| {
            let Ok(Value::Dict(dict)) = content.get_by_name("value") else {
                return None;
            };
            let number = |key: &str| match dict.get(key).ok()? {
                Value::Int(n) => Some(*n as f64),
                Value::Float(n) => Some(*n),
                _ => None,
            };
            let name = match dict.get("name").ok()? {
                Value::Str(s) => s.to_string(),
                _ => return None,
            };
            let tip = match dict.get("tip") {
                Ok(Value::Str(s)) => s.to_string(),
                _ => name.clone(),
            };
            let page = number("page")? as usize;
            let height = pages.get(page.checked_sub(1)?)?.frame.height().to_pt();
            let (x, y, w, h) = (number("x")?, number("y")?, number("w")?, number("h")?);
            Some(FieldPlace {
                name,
                tip,
                page,
                rect: [x, height - y - h, x + w, height - y],
            })
        })
        .collect()
}

/// Lays out a report. `origin` names the template that produced `main`,
/// for error messages.
pub fn compile(world: &ReportWorld, origin: &str) -> Result<Document, TypesetError> {
    let result = typst::compile::<PagedDocument>(world);
    match result.output {
        Ok(document) => Ok(Document { document }),
        Err(errors) => Err(describe(world, origin, &errors)),
    }
}

/// Lays out `world`'s report and writes it as PDF (and page images when
/// `preview` asks for them), counting the time in `timings`.
pub fn typeset(
    world: &ReportWorld,
    origin: &str,
    settings: &PdfSettings,
    preview: Option<Preview>,
    timings: &Timings,
) -> Result<Typeset, TypesetError> {
    let document = timings.time(Stage::Layout, || compile(world, origin))?;
    let bytes = timings.time(Stage::Export, || pdf(&document, settings, world, origin))?;
    let previews = match preview {
        Some(preview) => timings
            .time(Stage::Export, || previews(&document, preview))
            .map_err(|message| TypesetError {
                origin: origin.to_string(),
                line: 0,
                column: 0,
                message,
                hints: Vec::new(),
                generated: None,
            })?,
        None => Vec::new(),
    };
    Ok(Typeset {
        fields: field_places(&document),
        sha256: sha256_hex(&bytes),
        pages: document.pages(),
        bytes,
        previews,
    })
}

/// Options for writing a PDF.
#[derive(Debug, Clone, Default)]
pub struct PdfSettings {
    /// A stable identifier of the document's content, hashed into the PDF's id.
    pub ident: String,
    /// The standards the PDF claims.
    pub conformance: Conformance,
}

/// The standards a PDF claims, which Typst enforces while writing it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Conformance {
    /// None: a working copy (PDF 1.7).
    #[default]
    Draft,
    /// PDF/A-2b and PDF/UA-1: archival and accessible; PDF/A-2 admits no
    /// attached files.
    Final,
    /// PDF/A-3b and PDF/UA-1: archival and accessible, with attached files.
    FinalWithAttachments,
}

impl Conformance {
    fn standards(self) -> &'static [PdfStandard] {
        match self {
            Conformance::Draft => &[],
            Conformance::Final => &[PdfStandard::A_2b, PdfStandard::Ua_1],
            Conformance::FinalWithAttachments => &[PdfStandard::A_3b, PdfStandard::Ua_1],
        }
    }
}

/// Writes a typeset report as PDF.
pub fn pdf(
    typeset: &Document,
    settings: &PdfSettings,
    world: &ReportWorld,
    origin: &str,
) -> Result<Vec<u8>, TypesetError> {
    let standards = if settings.conformance != Conformance::Draft {
        PdfStandards::new(settings.conformance.standards()).map_err(|e| TypesetError {
            origin: origin.to_string(),
            line: 0,
            column: 0,
            message: e.message().to_string(),
            hints: Vec::new(),
            generated: None,
        })?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions {
        ident: Smart::Custom(settings.ident.clone()),
        creator: Smart::Custom(Some(format!("dossier {}", env!("CARGO_PKG_VERSION")))),
        standards,
        ..PdfOptions::default()
    };
    let mut bytes = typst_pdf::pdf(&typeset.document, &options)
        .map_err(|errors| describe(world, origin, &errors))?;
    end_line(&mut bytes);
    Ok(bytes)
}

/// Ends a PDF's last line, the `%%EOF` marker, with an end-of-line, so
/// that an incremental update another tool appends (a customer's
/// signature) starts on a line of its own.
pub fn end_line(pdf: &mut Vec<u8>) {
    if !pdf.ends_with(b"\n") {
        pdf.push(b'\n');
    }
}

/// What a page preview is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preview {
    /// A PNG raster at this many pixels per inch.
    Png {
        /// Resolution.
        ppi: u32,
    },
    /// An SVG vector image, text as outlines.
    Svg,
}

/// One image per page of `typeset`, for review bots and web pages.
pub(crate) fn previews(typeset: &Document, preview: Preview) -> Result<Vec<Vec<u8>>, String> {
    typeset
        .document
        .pages()
        .iter()
        .map(|page| match preview {
            Preview::Png { ppi } => {
                let options = typst_render::RenderOptions {
                    pixel_per_pt: typst::utils::Scalar::new(f64::from(ppi) / 72.0),
                    render_bleed: false,
                };
                typst_render::render(page, &options)
                    .encode_png()
                    .map_err(|e| format!("cannot encode a page as PNG: {e}"))
            }
            Preview::Svg => {
                let options = typst_svg::SvgOptions {
                    render_bleed: false,
                    pretty: false,
                };
                Ok(typst_svg::svg(page, &options).into_bytes())
            }
        })
        .collect()
}

/// The version of the embedded Typst, e.g. `0.15.1`.
pub fn typst_version() -> &'static str {
    typst::utils::version().raw()
}

/// How many renders a memoised result may go unused and still be kept
/// when the same engagement is rendered again and again (`dossier watch`):
/// a save re-typesets only what changed. The cache then holds what the last
/// few renders used, one engagement's worth.
pub(crate) const WARM_CACHE_AGE: usize = 3;

/// Drops Typst's memoised results that were not used in the last `age`
/// renders; 0 drops them all, so that memory stays flat over a batch of
/// engagements, which share little (keeping them, `--jobs 2` on 20
/// engagements used 783 MiB instead of 400–418, and no less time).
pub(crate) fn evict_cache(age: usize) {
    typst::comemo::evict(age);
}

fn describe(world: &ReportWorld, origin: &str, errors: &[SourceDiagnostic]) -> TypesetError {
    let error = errors
        .iter()
        .find(|e| e.severity == Severity::Error)
        .or(errors.first());
    let Some(error) = error else {
        return TypesetError {
            origin: origin.to_string(),
            line: 0,
            column: 0,
            message: "typesetting failed without a message".into(),
            hints: Vec::new(),
            generated: None,
        };
    };
    let mut generated = None;
    let (origin, line, column) = match (error.span.id(), world.range(error.span)) {
        (Some(id), Some(range)) => {
            let name = if id == *world::MAIN {
                origin.to_string()
            } else {
                id.vpath().get_without_slash().to_string()
            };
            let source = world.source(id).ok();
            let (line, column) = source
                .as_ref()
                .and_then(|s| {
                    let lines = s.lines();
                    Some((
                        lines.byte_to_line(range.start)? + 1,
                        lines.byte_to_column(range.start)? + 1,
                    ))
                })
                .unwrap_or((0, 0));
            if id == *world::MAIN {
                generated = source.and_then(|s| {
                    s.text()
                        .lines()
                        .nth(line.saturating_sub(1))
                        .map(str::to_string)
                });
            }
            (name, line, column)
        }
        _ => (origin.to_string(), 0, 0),
    };
    TypesetError {
        origin,
        line,
        column,
        message: error.message.to_string(),
        hints: error.hints.iter().map(|h| h.v.to_string()).collect(),
        generated,
    }
}
