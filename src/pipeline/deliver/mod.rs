//! The last stage: what was filled and typeset, written out as the format
//! asks (PDFs with the bundle's manifest, Typst sources, or page images),
//! whole files only, never changing a signed-off bundle (or one whose
//! acceptance report the customer countersigned in place) unless forced.

pub mod manifest;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::base::atomic::{sweep_temporaries, write_atomic};
use crate::base::diagnostic::Diagnostic;
use crate::base::digest::sha256_hex;
use crate::base::report::ReportKey;
use crate::pipeline::deliver::manifest::{
    EngagementInfo, Input, MANIFEST_FILE, MANIFEST_VERSION, Manifest, ManifestError, ReportEntry,
    Status, Tool, ValidationSummary,
};
use crate::pipeline::fill::{Fill, Filled};
use crate::pipeline::load::Loaded;
use crate::pipeline::load::assets::Assets;
use crate::pipeline::load::comments::attached_copy;
use crate::pipeline::typeset::Typeset;
use crate::pipeline::validate::Checked;

/// The kind of file written per report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Print-ready PDF, with the bundle's manifest.
    #[default]
    Pdf,
    /// The generated Typst source, with the style module beside it, ready
    /// for `typst compile --font-path fonts --ignore-system-fonts`.
    Typ,
    /// One PNG per page at this many pixels per inch, in a folder per
    /// report (`04-service/page-01.png`), for review bots and web pages.
    Png {
        /// Resolution.
        ppi: u32,
    },
    /// One SVG per page, in a folder per report.
    Svg,
}

impl OutputFormat {
    /// The page images this format asks for, if any.
    pub(crate) fn preview(self) -> Option<crate::pipeline::typeset::Preview> {
        match self {
            OutputFormat::Png { ppi } => Some(crate::pipeline::typeset::Preview::Png { ppi }),
            OutputFormat::Svg => Some(crate::pipeline::typeset::Preview::Svg),
            OutputFormat::Pdf | OutputFormat::Typ => None,
        }
    }
}

/// One report produced in memory: its source and, when typeset, its PDF.
pub struct Produced {
    /// The generated Typst source.
    pub filled: Filled,
    /// The PDF, when the format or the acceptance report needed it.
    pub typeset: Option<Typeset>,
    /// Whether the report was typeset this time (not taken from a cache).
    pub fresh: bool,
}

/// One report as written.
#[derive(Debug, Clone)]
pub struct RenderedReport {
    /// Which report.
    pub key: ReportKey,
    /// The file.
    pub file: PathBuf,
    /// Its page count (0 for Typst sources).
    pub pages: usize,
    /// Whether it passed its rules (otherwise it is a draft).
    pub is_final: bool,
    /// SHA-256 of the file, in lowercase hex.
    pub sha256: String,
    /// Whether the file was written (false when it already held these bytes).
    pub written: bool,
}

/// What one engagement's render delivers, and where.
pub struct Bundle<'a> {
    /// The engagement.
    pub checked: &'a Checked,
    /// What its reports were filled from (the style modules, for sources).
    pub fill: &'a Fill,
    /// The reports produced, in delivery order.
    pub produced: &'a [Produced],
    /// The reports the user asked for; all when empty.
    pub only: &'a [ReportKey],
    /// The date printed on the reports.
    pub date: NaiveDate,
    /// The bundle's folder, `OUT/<id>`.
    pub dir: PathBuf,
    /// Overwrite a signed-off bundle with different content.
    pub force: bool,
    /// Whether the acceptance report attaches the engagement's files.
    pub attach: bool,
    /// Whether the acceptance report attaches the engagement file exactly
    /// as written (else without its comments).
    pub attach_verbatim: bool,
    /// The options that shape the reports, as the manifest records them.
    pub options: BTreeMap<String, String>,
}

impl Bundle<'_> {
    fn selected(&self, key: ReportKey) -> bool {
        self.only.is_empty() || self.only.contains(&key)
    }
}

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// The bundle holds a signed-off acceptance and the render would change it.
    #[error(
        "{} holds a signed-off acceptance; this render would change {}. Use --force to overwrite it",
        dir.display(),
        changed.join(", ")
    )]
    Protected {
        /// The bundle.
        dir: PathBuf,
        /// The files that would change.
        changed: Vec<String>,
    },
    /// The bundle holds a report the customer countersigned in place, and
    /// the render would replace it.
    #[error(
        "{} holds an acceptance report the customer countersigned; this render would replace it. Keep the countersigned file with the engagement (and record it under `acceptance.signoff.file`), then use --force",
        dir.display()
    )]
    Countersigned {
        /// The bundle.
        dir: PathBuf,
    },
    /// The existing manifest could not be read.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The new manifest could not be written as JSON.
    #[error("cannot write the manifest as JSON: {0}")]
    Serialize(#[from] serde_json::Error),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes `bundle` in `format`.
pub fn deliver(
    format: OutputFormat,
    bundle: &Bundle<'_>,
) -> Result<Vec<RenderedReport>, DeliverError> {
    match format {
        OutputFormat::Pdf => deliver_pdf(bundle),
        OutputFormat::Typ => deliver_typ(bundle),
        OutputFormat::Png { .. } => deliver_pages(bundle, "png"),
        OutputFormat::Svg => deliver_pages(bundle, "svg"),
    }
}

/// Writes the PDFs of `produced` that are ready before the rest of their
/// bundle in `dir` (`dossier watch`: an edited report appears while the
/// acceptance report, which certifies it, is still being typeset); the
/// full delivery follows with the acceptance report and the manifest.
/// Writes nothing into a bundle whose acceptance was signed off (the full
/// delivery refuses, or with `force` overwrites, it). Returns the reports
/// written.
pub(crate) fn deliver_ready(
    dir: &Path,
    produced: &[Produced],
    force: bool,
) -> Result<Vec<ReportKey>, DeliverError> {
    let previous = Manifest::read(dir)?;
    if previous.is_some_and(|m| m.signed_off || m.countersigned(dir)) && !force {
        return Ok(Vec::new());
    }
    let mut written = Vec::new();
    for (p, pdf) in typeset(produced) {
        if write_if_changed(&dir.join(p.filled.key.file_name("pdf")), &pdf.bytes)? {
            written.push(p.filled.key);
        }
    }
    Ok(written)
}

/// Writes the PDFs and the manifest, leaving files that already hold the
/// same bytes untouched, and refusing to change a signed-off bundle unless
/// forced.
fn deliver_pdf(bundle: &Bundle<'_>) -> Result<Vec<RenderedReport>, DeliverError> {
    let dir = &bundle.dir;
    let previous = Manifest::read(dir)?;
    let manifest_json = manifest(bundle, previous.as_ref())?.to_json()?;
    let mut files: Vec<(String, &[u8])> = typeset(bundle.produced)
        .map(|(p, pdf)| (p.filled.key.file_name("pdf"), pdf.bytes.as_slice()))
        .collect();
    files.push((MANIFEST_FILE.to_string(), manifest_json.as_bytes()));
    let changes: Vec<&str> = files
        .iter()
        .filter(|(name, bytes)| !holds(&dir.join(name), bytes))
        .map(|(name, _)| name.as_str())
        .collect();
    if let Some(previous) = &previous
        && !bundle.force
        && !changes.is_empty()
        && previous.countersigned(dir)
    {
        return Err(DeliverError::Countersigned { dir: dir.clone() });
    }
    // A report written back as its manifest lists it (after it was
    // altered on disk) restores the signed-off bundle: no change to it.
    let altering: Vec<String> = files
        .iter()
        .filter(|(name, bytes)| {
            // The manifest alone may be brought up to date (the options it
            // records, the tool that wrote it): the reports are what was
            // signed off.
            name != MANIFEST_FILE
                && changes.contains(&name.as_str())
                && previous
                    .as_ref()
                    .and_then(|m| m.report(name))
                    .is_none_or(|entry| entry.sha256 != sha256_hex(bytes))
        })
        .map(|(name, _)| name.clone())
        .collect();
    if let Some(previous) = &previous
        && previous.signed_off
        && !bundle.force
        && !altering.is_empty()
    {
        return Err(DeliverError::Protected {
            dir: dir.clone(),
            changed: altering,
        });
    }
    sweep_temporaries(dir);
    // Reports first, the manifest last: a run stopped in between leaves a
    // manifest that `verify` shows to be out of date.
    for (name, bytes) in &files {
        if changes.contains(&name.as_str()) {
            write(&dir.join(name), bytes)?;
        }
    }
    Ok(typeset(bundle.produced)
        .map(|(p, pdf)| {
            let name = p.filled.key.file_name("pdf");
            RenderedReport {
                key: p.filled.key,
                written: changes.contains(&name.as_str()),
                file: dir.join(name),
                pages: pdf.pages,
                is_final: p.filled.is_final,
                sha256: pdf.sha256.clone(),
            }
        })
        .collect())
}

/// Writes the selected reports' Typst sources, the style module and the
/// images, so that the folder compiles on its own.
fn deliver_typ(bundle: &Bundle<'_>) -> Result<Vec<RenderedReport>, DeliverError> {
    let dir = &bundle.dir;
    sweep_temporaries(dir);
    let fill = bundle.fill;
    let style = std::iter::once((crate::pipeline::fill::STYLE_MODULE, &fill.style))
        .chain(fill.modules.iter().map(|(name, text)| (*name, text)));
    for (name, text) in style {
        write_if_changed(&dir.join(name), text.as_bytes())?;
    }
    // The images the sources refer to, at the same paths, and the
    // engagement file the acceptance report attaches.
    for (path, asset) in bundle.checked.assets.iter() {
        write_if_changed(&dir.join(path.trim_start_matches('/')), &asset.bytes)?;
    }
    if bundle.attach && bundle.selected(ReportKey::Acceptance) {
        let loaded = &bundle.checked.loaded;
        write_if_changed(&dir.join(loaded.name()), &loaded.bytes)?;
    }
    let mut reports = Vec::new();
    for p in bundle
        .produced
        .iter()
        .filter(|p| bundle.selected(p.filled.key))
    {
        let file = dir.join(p.filled.key.file_name("typ"));
        let bytes = p.filled.source.as_bytes();
        reports.push(RenderedReport {
            key: p.filled.key,
            written: write_if_changed(&file, bytes)?,
            file,
            pages: 0,
            is_final: p.filled.is_final,
            sha256: sha256_hex(bytes),
        });
    }
    Ok(reports)
}

/// Writes each selected report's page images into a folder of its own
/// (`04-service/page-01.png`), removing pages a longer earlier render left
/// there.
fn deliver_pages(
    bundle: &Bundle<'_>,
    extension: &str,
) -> Result<Vec<RenderedReport>, DeliverError> {
    let mut reports = Vec::new();
    for (p, pdf) in typeset(bundle.produced).filter(|(p, _)| bundle.selected(p.filled.key)) {
        let folder = bundle
            .dir
            .join(p.filled.key.file_name("").trim_end_matches('.'));
        sweep_temporaries(&folder);
        let mut written = false;
        let mut names = BTreeSet::new();
        for (i, page) in pdf.previews.iter().enumerate() {
            let name = format!("page-{:02}.{extension}", i + 1);
            written |= write_if_changed(&folder.join(&name), page)?;
            names.insert(name);
        }
        for stale in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = stale.file_name().to_string_lossy().into_owned();
            if name.starts_with("page-") && !names.contains(&name) {
                let _ = fs::remove_file(stale.path());
                written = true;
            }
        }
        reports.push(RenderedReport {
            key: p.filled.key,
            file: folder,
            pages: pdf.pages,
            is_final: p.filled.is_final,
            sha256: pdf.sha256.clone(),
            written,
        });
    }
    Ok(reports)
}

/// The reports that were typeset, with their PDFs.
fn typeset(produced: &[Produced]) -> impl Iterator<Item = (&Produced, &Typeset)> {
    produced
        .iter()
        .filter_map(|p| Some((p, p.typeset.as_ref()?)))
}

/// The manifest of the bundle after this render. Reports not rendered this
/// time (with `--only`) keep their previous entries.
fn manifest(
    bundle: &Bundle<'_>,
    previous: Option<&Manifest>,
) -> Result<Manifest, serde_json::Error> {
    let loaded = &bundle.checked.loaded;
    let validation = &bundle.checked.validation;
    let e = &loaded.engagement;
    let input = input_of(
        loaded,
        &bundle.checked.assets,
        bundle.attach,
        bundle.attach_verbatim,
    );
    let mut reports: Vec<ReportEntry> = typeset(bundle.produced)
        .map(|(p, pdf)| ReportEntry {
            key: p.filled.key,
            file: p.filled.key.file_name("pdf"),
            sha256: pdf.sha256.clone(),
            bytes: pdf.bytes.len() as u64,
            pages: pdf.pages,
            status: Status::of(p.filled.is_final),
            input: input.sha256.clone(),
        })
        .collect();
    if let Some(previous) = previous.filter(|m| m.engagement.id == e.engagement.id.value) {
        for entry in &previous.reports {
            if !reports.iter().any(|r| r.key == entry.key) {
                reports.push(entry.clone());
            }
        }
    }
    reports.sort_by_key(|r| r.key);
    let signed_off = e.acceptance.signoff.is_some()
        && reports
            .iter()
            .any(|r| r.key == ReportKey::Acceptance && r.status == Status::Final);
    let (errors, warnings) = validation.counts();
    let diagnostics: Vec<Diagnostic> = validation
        .diagnostics
        .iter()
        .map(|d| Diagnostic {
            file: d.file.strip_prefix(&loaded.root).unwrap_or(&d.file).into(),
            ..d.clone()
        })
        .collect();
    Ok(Manifest {
        manifest: MANIFEST_VERSION,
        tool: Tool::current(),
        engagement: EngagementInfo {
            id: e.engagement.id.value.clone(),
            title: e.engagement.title.clone(),
            locale: e.locale.value.to_string(),
            document_date: bundle.date.to_string(),
        },
        input,
        options: bundle.options.clone(),
        templates: bundle.fill.templates.clone(),
        reports,
        signed_off,
        validation: ValidationSummary {
            errors,
            warnings,
            diagnostics: serde_json::to_value(diagnostics)?,
        },
    })
}

/// The input of a bundle of `loaded` whose images are `assets`: the
/// engagement file as the bundle carries it (a change of its comments
/// alone changes no report, nor the manifest) and every image, digested.
pub fn input_of(loaded: &Loaded, assets: &Assets, attach: bool, verbatim: bool) -> Input {
    let engagement = match attach {
        true => attached_copy(loaded, verbatim).0,
        false => loaded.bytes.clone(),
    };
    Input::from_contents(
        &loaded.root,
        std::iter::once((loaded.file.as_path(), engagement.as_slice())).chain(
            assets
                .iter()
                .map(|(_, a)| (a.file.as_path(), a.bytes.as_slice())),
        ),
    )
}

/// Whether `path` already holds exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Writes `bytes` to `path` unless it holds them already; whether it wrote.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, DeliverError> {
    if holds(path, bytes) {
        return Ok(false);
    }
    write(path, bytes)?;
    Ok(true)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), DeliverError> {
    write_atomic(path, bytes).map_err(|source| DeliverError::Io {
        path: path.to_path_buf(),
        source,
    })
}
