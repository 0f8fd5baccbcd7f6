//! The pipeline for one engagement: load → validate → fill → typeset →
//! write, with the bundle's manifest.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::assets::{self, Assets};
use crate::diagnostic::Diagnostic;
use crate::fill::TemplateOptions;
use crate::fill::{
    self, DeliveredReport, EngagementContext, FillError, Filler, STYLE_IMPORTS, STYLE_MODULE,
};
use crate::load::{self, LoadError, Loaded};
use crate::locale::Catalogue;
use crate::manifest::{
    EngagementInfo, Input, MANIFEST_FILE, MANIFEST_VERSION, Manifest, ManifestError, ReportEntry,
    Status, Tool, ValidationSummary, sha256_hex,
};
use crate::output::{sweep_temporaries, write_atomic};
use crate::report::ReportKey;
use crate::timings::{Stage, Timings};
use crate::typeset::{self, Files, PdfSettings, ReportWorld, TypesetError};
use crate::validate::{Validation, validate};

/// What to render and where.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The output directory; each engagement gets `OUT/<id>/`.
    pub out: PathBuf,
    /// Which reports to render; all when empty. The acceptance report
    /// certifies the other four by their digests, so asking for it renders
    /// them too.
    pub only: Vec<ReportKey>,
    /// Where templates come from.
    pub templates: TemplateOptions,
    /// What to write.
    pub format: OutputFormat,
    /// Fail an engagement with validation errors instead of rendering drafts.
    pub strict: bool,
    /// Overwrite a signed-off bundle with different content.
    pub force: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            out: PathBuf::from("out"),
            only: Vec::new(),
            templates: TemplateOptions::default(),
            format: OutputFormat::Pdf,
            strict: false,
            force: false,
        }
    }
}

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
    fn preview(self) -> Option<typeset::Preview> {
        match self {
            OutputFormat::Png { ppi } => Some(typeset::Preview::Png { ppi }),
            OutputFormat::Svg => Some(typeset::Preview::Svg),
            OutputFormat::Pdf | OutputFormat::Typ => None,
        }
    }
}

/// Why an engagement was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The YAML could not be read.
    #[error("{}", .0.diagnostic)]
    Load(#[from] LoadError),
    /// Validation found errors that stop rendering: any error under
    /// `strict`, and always an id that cannot name a folder.
    #[error("{} validation errors", validation.counts().0)]
    Invalid {
        /// What validation found.
        validation: Validation,
        /// The YAML's text, for showing the diagnostics.
        text: String,
    },
    /// Another engagement of the batch has the same id.
    #[error("{diagnostic}")]
    DuplicateId {
        /// Where the id is, naming the other file.
        diagnostic: Box<Diagnostic>,
        /// The YAML's text, for showing the diagnostic.
        text: String,
    },
    /// A template failed.
    #[error("{report}: {source}")]
    Fill {
        /// The report being filled.
        report: ReportKey,
        /// What failed.
        source: FillError,
    },
    /// Typst failed.
    #[error("{report}: {source}")]
    Typeset {
        /// The report being typeset.
        report: ReportKey,
        /// What failed.
        source: TypesetError,
    },
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
    /// dossier itself failed; a bug, reported instead of stopping the batch.
    #[error("internal error: {message}")]
    Internal {
        /// What the failure said.
        message: String,
    },
    /// The existing manifest could not be read.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The output could not be written, or an input file not read.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done: `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl RenderError {
    /// The diagnostics of a YAML problem, with the YAML's text, when that is
    /// what failed.
    pub fn diagnostics(&self) -> Option<(Vec<&Diagnostic>, Option<&str>)> {
        match self {
            RenderError::Load(e) => Some((vec![&e.diagnostic], e.text.as_deref())),
            RenderError::DuplicateId { diagnostic, text } => {
                Some((vec![diagnostic], Some(text.as_str())))
            }
            RenderError::Invalid { validation, text } => {
                Some((validation.diagnostics.iter().collect(), Some(text.as_str())))
            }
            _ => None,
        }
    }

    /// The first error diagnostic, when the YAML is what failed.
    pub fn diagnostic(&self) -> Option<(&Diagnostic, Option<&str>)> {
        let (diagnostics, text) = self.diagnostics()?;
        let first = diagnostics
            .iter()
            .find(|d| d.severity == crate::Severity::Error)
            .or(diagnostics.first())?;
        Some((first, text))
    }
}

/// One rendered report.
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

/// One rendered engagement.
#[derive(Debug, Clone)]
pub struct RenderedEngagement {
    /// The engagement id.
    pub id: String,
    /// The YAML it came from.
    pub source: PathBuf,
    /// The folder written.
    pub dir: PathBuf,
    /// The reports written, in delivery order.
    pub reports: Vec<RenderedReport>,
    /// What validation found.
    pub validation: Validation,
    /// The YAML's text, for showing the diagnostics.
    pub text: String,
    /// Whether any file changed; false for a re-render of the same input.
    pub changed: bool,
    /// How many reports were typeset (the others were unchanged since the
    /// last render of a watch).
    pub typeset: usize,
}

impl RenderedEngagement {
    /// Whether every report is final.
    pub fn is_final(&self) -> bool {
        self.reports.iter().all(|r| r.is_final)
    }
}

/// One report's generated Typst source.
pub struct Filled {
    /// Which report.
    pub key: ReportKey,
    /// The Typst source.
    pub source: String,
    /// Whether it passed its rules.
    pub is_final: bool,
}

/// A report produced in memory: its source and, when typeset, its PDF.
struct Produced {
    filled: Filled,
    pdf: Option<Pdf>,
    /// Whether the report was typeset this time (not taken from the memo).
    typeset: bool,
}

#[derive(Clone)]
struct Pdf {
    bytes: Vec<u8>,
    pages: usize,
    sha256: String,
    /// Page images, when the output format asks for them.
    previews: Vec<Vec<u8>>,
}

/// What every report of one engagement is filled from.
struct Prepared<'a> {
    loaded: &'a Loaded,
    validation: &'a Validation,
    catalogue: Catalogue,
    context: EngagementContext,
    style: String,
    /// The modules the style imports: name and text.
    modules: Vec<(&'static str, String)>,
    /// One digest of every file the world serves (images and modules).
    files_digest: String,
    assets: Assets,
    files: Files,
}

/// Renders engagements; holds what is set up once per process. It can be
/// shared by threads: a batch renders several engagements at once.
pub struct Renderer {
    filler: Filler,
    options: RenderOptions,
    timings: Timings,
    memo: Option<Arc<Memo>>,
}

/// The last typeset result of each report, for renders that follow one
/// another (`dossier watch`): a report whose Typst source and files did not
/// change is not typeset again.
#[derive(Default)]
pub struct Memo {
    reports: Mutex<HashMap<(PathBuf, ReportKey), (String, Pdf)>>,
}

impl Renderer {
    /// Sets up the template engine (and, on first use, the fonts).
    pub fn new(options: RenderOptions) -> Self {
        Self {
            filler: Filler::new(options.templates.clone()),
            options,
            timings: Timings::default(),
            memo: None,
        }
    }

    /// Reuses the reports in `memo` whose inputs did not change, and keeps
    /// what this renderer typesets there.
    pub fn with_memo(mut self, memo: Arc<Memo>) -> Self {
        self.memo = Some(memo);
        self
    }

    /// The options this renderer was made with.
    pub fn options(&self) -> &RenderOptions {
        &self.options
    }

    /// The time spent so far, per stage.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// Loads the engagement at `path`, counting the time as loading.
    pub fn load(&self, path: &Path) -> Result<Loaded, LoadError> {
        self.timings.time(Stage::Load, || load::load(path))
    }

    /// Renders the engagement at `path` (a directory or a YAML file). Every
    /// report is produced in memory first; files are written only when all
    /// succeeded, so a failure leaves the previous output untouched.
    pub fn render(&self, path: &Path) -> Result<RenderedEngagement, RenderError> {
        let loaded = self.load(path)?;
        self.render_loaded(loaded)
    }

    /// Renders an engagement already loaded.
    pub fn render_loaded(&self, loaded: Loaded) -> Result<RenderedEngagement, RenderError> {
        let validation = self.timings.time(Stage::Validate, || validate(&loaded));
        if validation.blocks_rendering() || (self.options.strict && validation.fails_strict()) {
            return Err(RenderError::Invalid {
                validation,
                text: loaded.source,
            });
        }
        let prepared = self.prepare(&loaded, &validation)?;
        let produced = self.produce(&prepared);
        typeset::evict_cache();
        let produced = produced?;
        let dir = self
            .options
            .out
            .join(&loaded.engagement.engagement.id.value);
        let reports = self
            .timings
            .time(Stage::Write, || match self.options.format {
                OutputFormat::Pdf => self.deliver_pdf(&prepared, &dir, &produced),
                OutputFormat::Typ => self.deliver_typ(&prepared, &dir, &produced),
                OutputFormat::Png { .. } => self.deliver_pages(&dir, &produced, "png"),
                OutputFormat::Svg => self.deliver_pages(&dir, &produced, "svg"),
            })?;
        let changed = reports.iter().any(|r| r.written);
        let typeset = produced.iter().filter(|p| p.typeset).count();
        Ok(RenderedEngagement {
            id: loaded.engagement.engagement.id.value.clone(),
            source: loaded.file.clone(),
            dir,
            reports,
            validation,
            text: loaded.source,
            changed,
            typeset,
        })
    }

    /// The Typst source of each selected report, exactly as it would be
    /// typeset; reports whose rules fail are drafts. The acceptance report
    /// lists the digests of the other four, so they are typeset to get them.
    pub fn sources(
        &self,
        loaded: &Loaded,
        validation: &Validation,
    ) -> Result<Vec<Filled>, RenderError> {
        let prepared = self.prepare(loaded, validation)?;
        let produced = self.produce(&prepared);
        typeset::evict_cache();
        Ok(produced?
            .into_iter()
            .filter(|p| self.selected(p.filled.key))
            .map(|p| p.filled)
            .collect())
    }

    /// Whether the user asked for `key`.
    fn selected(&self, key: ReportKey) -> bool {
        self.options.only.is_empty() || self.options.only.contains(&key)
    }

    /// The reports to produce: those asked for, and the four the acceptance
    /// report certifies when it is asked for.
    fn produced_keys(&self) -> Vec<ReportKey> {
        let certify = self.selected(ReportKey::Acceptance);
        ReportKey::ALL
            .into_iter()
            .filter(|k| certify || self.selected(*k))
            .collect()
    }

    fn prepare<'a>(
        &self,
        loaded: &'a Loaded,
        validation: &'a Validation,
    ) -> Result<Prepared<'a>, RenderError> {
        self.timings.time(Stage::Fill, || {
            let fail = |source| RenderError::Fill {
                report: ReportKey::Startup,
                source,
            };
            let catalogue = self
                .filler
                .catalogue(loaded.engagement.locale.value)
                .map_err(fail)?;
            let context =
                fill::build_context(&loaded.engagement, &catalogue, document_date(loaded))
                    .map_err(|e| fail(e.into()))?;
            let style = self.filler.source(STYLE_MODULE).map_err(fail)?;
            let modules = STYLE_IMPORTS
                .iter()
                .map(|name| {
                    let mut text = self.filler.source(name)?;
                    if *name == fill::THEME_MODULE {
                        text.push_str(&brand_colours(&loaded.engagement));
                    }
                    Ok((*name, text))
                })
                .collect::<Result<Vec<_>, FillError>>()
                .map_err(fail)?;
            let assets = assets::read(loaded).map_err(|diagnostics| RenderError::Invalid {
                validation: Validation { diagnostics },
                text: loaded.source.clone(),
            })?;
            let files = typeset::files(&assets, &modules);
            Ok(Prepared {
                loaded,
                validation,
                catalogue,
                context,
                style,
                files_digest: files_digest(&files),
                files,
                modules,
                assets,
            })
        })
    }

    /// Fills and typesets the reports: the four the acceptance report
    /// certifies in parallel, then the acceptance report with their digests.
    fn produce(&self, prepared: &Prepared) -> Result<Vec<Produced>, RenderError> {
        let keys = self.produced_keys();
        let (acceptance, others): (Vec<_>, Vec<_>) =
            keys.into_iter().partition(|k| *k == ReportKey::Acceptance);
        // Sources are typeset when PDFs are wanted, and always for the
        // reports the acceptance report certifies.
        let typeset = self.options.format != OutputFormat::Typ || !acceptance.is_empty();
        let mut produced = others
            .par_iter()
            .map(|key| self.produce_one(prepared, *key, &[], typeset))
            .collect::<Result<Vec<_>, _>>()?;
        if !acceptance.is_empty() {
            let delivered: Vec<DeliveredReport> = produced
                .iter()
                .filter_map(|p| {
                    let pdf = p.pdf.as_ref()?;
                    Some(DeliveredReport {
                        key: p.filled.key,
                        pages: pdf.pages,
                        sha256: pdf.sha256.clone(),
                        is_final: p.filled.is_final,
                    })
                })
                .collect();
            let typeset = self.options.format != OutputFormat::Typ;
            produced.push(self.produce_one(
                prepared,
                ReportKey::Acceptance,
                &delivered,
                typeset,
            )?);
        }
        Ok(produced)
    }

    fn produce_one(
        &self,
        prepared: &Prepared,
        key: ReportKey,
        delivered: &[DeliveredReport],
        typeset: bool,
    ) -> Result<Produced, RenderError> {
        let filled = self.timings.time(Stage::Fill, || {
            let gaps = prepared.validation.gaps(key);
            let ctx = prepared
                .context
                .for_report(key, &prepared.catalogue, &gaps, delivered)
                .map_err(|e| RenderError::Fill {
                    report: key,
                    source: e.into(),
                })?;
            let source = self
                .filler
                .fill(key, &ctx)
                .map_err(|source| RenderError::Fill {
                    report: key,
                    source,
                })?;
            Ok::<_, RenderError>(Filled {
                key,
                source,
                is_final: prepared.validation.is_final(key),
            })
        })?;
        if !typeset {
            return Ok(Produced {
                filled,
                pdf: None,
                typeset: false,
            });
        }
        let Some(memo) = &self.memo else {
            let pdf = self.typeset(prepared, &filled)?;
            return Ok(Produced {
                filled,
                pdf: Some(pdf),
                typeset: true,
            });
        };
        let slot = (prepared.loaded.file.clone(), key);
        let inputs = format!(
            "{}{}{}",
            sha256_hex(filled.source.as_bytes()),
            prepared.files_digest,
            filled.is_final
        );
        let known = memo.reports.lock().ok().and_then(|m| {
            m.get(&slot)
                .filter(|(i, _)| *i == inputs)
                .map(|(_, pdf)| pdf.clone())
        });
        if let Some(pdf) = known {
            return Ok(Produced {
                filled,
                pdf: Some(pdf),
                typeset: false,
            });
        }
        let pdf = self.typeset(prepared, &filled)?;
        if let Ok(mut m) = memo.reports.lock() {
            m.insert(slot, (inputs, pdf.clone()));
        }
        Ok(Produced {
            filled,
            pdf: Some(pdf),
            typeset: true,
        })
    }

    fn typeset(&self, prepared: &Prepared, filled: &Filled) -> Result<Pdf, RenderError> {
        let origin = filled.key.template();
        let fail = |source| RenderError::Typeset {
            report: filled.key,
            source: self.filler.locate(source),
        };
        let world = ReportWorld::new(
            filled.source.clone(),
            prepared.style.clone(),
            prepared.files.clone(),
        );
        let document = self
            .timings
            .time(Stage::Layout, || typeset::compile(&world, &origin))
            .map_err(fail)?;
        let settings = PdfSettings {
            ident: sha256_hex(filled.source.as_bytes()),
            // Final reports are archival; drafts are working copies.
            archival: filled.is_final,
        };
        let bytes = self
            .timings
            .time(Stage::Export, || {
                typeset::pdf(&document, &settings, &world, &origin)
            })
            .map_err(fail)?;
        let pages = match self.options.format.preview() {
            Some(preview) => self
                .timings
                .time(Stage::Export, || typeset::previews(&document, preview))
                .map_err(|message| RenderError::Internal { message })?,
            None => Vec::new(),
        };
        Ok(Pdf {
            sha256: sha256_hex(&bytes),
            pages: document.pages(),
            bytes,
            previews: pages,
        })
    }

    /// Writes each selected report's page images into a folder of its own
    /// (`04-service/page-01.png`), removing pages a longer earlier render
    /// left there.
    fn deliver_pages(
        &self,
        dir: &Path,
        produced: &[Produced],
        extension: &str,
    ) -> Result<Vec<RenderedReport>, RenderError> {
        let mut reports = Vec::new();
        for p in produced.iter().filter(|p| self.selected(p.filled.key)) {
            let Some(pdf) = &p.pdf else { continue };
            let folder = dir.join(p.filled.key.file_name("").trim_end_matches('.'));
            sweep_temporaries(&folder);
            let mut written = false;
            let mut names = std::collections::BTreeSet::new();
            for (i, page) in pdf.previews.iter().enumerate() {
                let name = format!("page-{:02}.{extension}", i + 1);
                let file = folder.join(&name);
                if !holds(&file, page) {
                    write(&file, page)?;
                    written = true;
                }
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

    /// Writes the PDFs and the manifest, leaving files that already hold
    /// the same bytes untouched, and refusing to change a signed-off bundle
    /// unless forced.
    fn deliver_pdf(
        &self,
        prepared: &Prepared,
        dir: &Path,
        produced: &[Produced],
    ) -> Result<Vec<RenderedReport>, RenderError> {
        let previous = Manifest::read(dir)?;
        let manifest = self.manifest(prepared, produced, previous.as_ref())?;
        let manifest_json = manifest.to_json();
        let mut files: Vec<(String, &[u8])> = produced
            .iter()
            .filter_map(|p| {
                let pdf = p.pdf.as_ref()?;
                Some((p.filled.key.file_name("pdf"), pdf.bytes.as_slice()))
            })
            .collect();
        files.push((MANIFEST_FILE.to_string(), manifest_json.as_bytes()));
        let changes: Vec<&str> = files
            .iter()
            .filter(|(name, bytes)| !holds(&dir.join(name), bytes))
            .map(|(name, _)| name.as_str())
            .collect();
        if let Some(previous) = &previous
            && previous.signed_off
            && !self.options.force
            && !changes.is_empty()
        {
            return Err(RenderError::Protected {
                dir: dir.to_path_buf(),
                changed: changes.iter().map(|s| s.to_string()).collect(),
            });
        }
        sweep_temporaries(dir);
        // Reports first, the manifest last: a run stopped in between leaves
        // a manifest that `verify` shows to be out of date.
        for (name, bytes) in &files {
            if changes.contains(&name.as_str()) {
                write(&dir.join(name), bytes)?;
            }
        }
        Ok(produced
            .iter()
            .filter_map(|p| {
                let pdf = p.pdf.as_ref()?;
                let name = p.filled.key.file_name("pdf");
                Some(RenderedReport {
                    key: p.filled.key,
                    written: changes.contains(&name.as_str()),
                    file: dir.join(name),
                    pages: pdf.pages,
                    is_final: p.filled.is_final,
                    sha256: pdf.sha256.clone(),
                })
            })
            .collect())
    }

    /// Writes the selected reports' Typst sources and the style module.
    fn deliver_typ(
        &self,
        prepared: &Prepared,
        dir: &Path,
        produced: &[Produced],
    ) -> Result<Vec<RenderedReport>, RenderError> {
        sweep_temporaries(dir);
        let style = std::iter::once((STYLE_MODULE, &prepared.style))
            .chain(prepared.modules.iter().map(|(name, text)| (*name, text)));
        for (name, text) in style {
            let file = dir.join(name);
            if !holds(&file, text.as_bytes()) {
                write(&file, text.as_bytes())?;
            }
        }
        // The images the sources refer to, at the same paths, so that the
        // folder compiles on its own.
        for (path, asset) in prepared.assets.iter() {
            let file = dir.join(path.trim_start_matches('/'));
            if !holds(&file, &asset.bytes) {
                write(&file, &asset.bytes)?;
            }
        }
        let mut reports = Vec::new();
        for p in produced.iter().filter(|p| self.selected(p.filled.key)) {
            let file = dir.join(p.filled.key.file_name("typ"));
            let bytes = p.filled.source.as_bytes();
            let written = !holds(&file, bytes);
            if written {
                write(&file, bytes)?;
            }
            reports.push(RenderedReport {
                key: p.filled.key,
                file,
                pages: 0,
                is_final: p.filled.is_final,
                sha256: sha256_hex(bytes),
                written,
            });
        }
        Ok(reports)
    }

    /// The manifest of the bundle after this render. Reports not rendered
    /// this time (with `--only`) keep their previous entries.
    fn manifest(
        &self,
        prepared: &Prepared,
        produced: &[Produced],
        previous: Option<&Manifest>,
    ) -> Result<Manifest, RenderError> {
        let loaded = prepared.loaded;
        let e = &loaded.engagement;
        let input = Input::from_contents(
            &loaded.root,
            std::iter::once((loaded.file.as_path(), loaded.source.as_bytes())).chain(
                prepared
                    .assets
                    .iter()
                    .map(|(_, a)| (a.file.as_path(), a.bytes.as_slice())),
            ),
        );
        let mut reports: Vec<ReportEntry> = produced
            .iter()
            .filter_map(|p| {
                let pdf = p.pdf.as_ref()?;
                Some(ReportEntry {
                    key: p.filled.key,
                    file: p.filled.key.file_name("pdf"),
                    sha256: pdf.sha256.clone(),
                    bytes: pdf.bytes.len() as u64,
                    pages: pdf.pages,
                    status: Status::of(p.filled.is_final),
                    input: input.sha256.clone(),
                })
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
        let (errors, warnings) = prepared.validation.counts();
        let diagnostics: Vec<Diagnostic> = prepared
            .validation
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
                document_date: document_date(loaded).to_string(),
            },
            input,
            reports,
            signed_off,
            validation: ValidationSummary {
                errors,
                warnings,
                diagnostics: serde_json::to_value(diagnostics).unwrap_or_default(),
            },
        })
    }
}

/// The provider's accent colour, as lines appended to the theme module
/// (which every report and the cover import); nothing for the built-in look
/// or a colour that is not one (validation reports it).
fn brand_colours(engagement: &crate::model::Engagement) -> String {
    let accent = engagement
        .engagement
        .provider
        .brand
        .as_ref()
        .and_then(|b| b.accent.as_ref())
        .and_then(|a| crate::model::hex_colour(a));
    match accent {
        Some(hex) => format!(
            "\n// The provider's brand colour, from the engagement.\n\
             #palette.insert(\"accent\", rgb(\"{hex}\"))\n\
             #palette.insert(\"accent-light\", rgb(\"{hex}\").lighten(88%))\n"
        ),
        None => String::new(),
    }
}

/// One digest of the files a report's world serves, paths and contents.
fn files_digest(files: &Files) -> String {
    let listing: String = files
        .iter()
        .map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes)))
        .collect();
    sha256_hex(listing.as_bytes())
}

/// Whether `path` already holds exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    write_atomic(path, bytes).map_err(|source| RenderError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// The date printed on the reports: the latest revision's, else
/// `SOURCE_DATE_EPOCH`, else the service start. Never the clock.
pub fn document_date(loaded: &Loaded) -> NaiveDate {
    let e = &loaded.engagement;
    e.history
        .iter()
        .map(|r| r.date.value)
        .max()
        .or_else(source_date_epoch)
        .unwrap_or(e.engagement.starts_on.value)
}

fn source_date_epoch() -> Option<NaiveDate> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.date_naive())
}
