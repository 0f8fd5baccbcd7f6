//! The pipeline for one engagement: load → fill → typeset → write.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::fill::{self, FillError, Filler, STYLE_MODULE, TemplateOptions};
use crate::load::{self, LoadError, Loaded};
use crate::output::write_atomic;
use crate::report::ReportKey;
use crate::typeset::{self, PdfSettings, ReportWorld, TypesetError};
use crate::validate::{Validation, validate};

/// What to render and where.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The output directory; each engagement gets `OUT/<id>/`.
    pub out: PathBuf,
    /// Which reports to render; all when empty.
    pub only: Vec<ReportKey>,
    /// Where templates come from.
    pub templates: TemplateOptions,
    /// What to write.
    pub format: OutputFormat,
    /// Fail an engagement with validation errors instead of rendering drafts.
    pub strict: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            out: PathBuf::from("out"),
            only: Vec::new(),
            templates: TemplateOptions::default(),
            format: OutputFormat::Pdf,
            strict: false,
        }
    }
}

/// The kind of file written per report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Print-ready PDF.
    #[default]
    Pdf,
    /// The generated Typst source, with the style module beside it.
    Typ,
}

/// Why an engagement was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The YAML could not be read.
    #[error("{}", .0.diagnostic)]
    Load(#[from] LoadError),
    /// Validation found errors and `strict` was asked for.
    #[error("{} validation errors", validation.counts().0)]
    Invalid {
        /// What validation found.
        validation: Validation,
        /// The YAML's text, for showing the diagnostics.
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
    /// The output could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl RenderError {
    /// The diagnostic to show for a YAML problem, if that is what failed.
    pub fn diagnostic(&self) -> Option<(&Diagnostic, Option<&str>)> {
        match self {
            RenderError::Load(e) => Some((&e.diagnostic, e.text.as_deref())),
            RenderError::Invalid { validation, text } => validation
                .diagnostics
                .iter()
                .find(|d| d.severity == crate::Severity::Error)
                .map(|d| (d, Some(text.as_str()))),
            _ => None,
        }
    }
}

/// One rendered report.
#[derive(Debug, Clone)]
pub struct RenderedReport {
    /// Which report.
    pub key: ReportKey,
    /// The file written.
    pub file: PathBuf,
    /// Its page count (0 for Typst sources).
    pub pages: usize,
    /// Whether it passed its rules (otherwise it is a draft).
    pub is_final: bool,
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
}

/// One report's output file, produced in memory.
struct Produced {
    key: ReportKey,
    name: String,
    bytes: Vec<u8>,
    pages: usize,
    is_final: bool,
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

/// Renders engagements; holds what is set up once per process.
pub struct Renderer {
    filler: Filler,
    options: RenderOptions,
}

impl Renderer {
    /// Sets up the template engine (and, on first use, the fonts).
    pub fn new(options: RenderOptions) -> Self {
        Self {
            filler: Filler::new(options.templates.clone()),
            options,
        }
    }

    /// Renders the engagement at `path` (a directory or a YAML file). Every
    /// report is produced in memory first; files are written only when all
    /// succeeded, so a failure leaves the previous output untouched.
    pub fn render(&self, path: &Path) -> Result<RenderedEngagement, RenderError> {
        let loaded = load::load(path)?;
        let validation = validate(&loaded);
        // The id names the output folder: one that is not a plain folder
        // name could write outside OUT, so it stops the engagement always.
        let unusable_id = validation
            .diagnostics
            .iter()
            .any(|d| d.code == Some("bad-id"));
        if unusable_id || (self.options.strict && validation.has_errors()) {
            return Err(RenderError::Invalid {
                validation,
                text: loaded.source,
            });
        }
        let sources = self.fill(&loaded, &validation)?;
        let dir = self
            .options
            .out
            .join(&loaded.engagement.engagement.id.value);
        let files = match self.options.format {
            OutputFormat::Typ => self.typ_files(&sources)?,
            OutputFormat::Pdf => self.pdf_files(&loaded, &sources)?,
        };
        let mut reports = Vec::new();
        for produced in files {
            let file = dir.join(&produced.name);
            write_atomic(&file, &produced.bytes).map_err(|source| RenderError::Write {
                path: file.clone(),
                source,
            })?;
            reports.push(RenderedReport {
                key: produced.key,
                file,
                pages: produced.pages,
                is_final: produced.is_final,
            });
        }
        if self.options.format == OutputFormat::Typ {
            let style = self.style()?;
            let file = dir.join(STYLE_MODULE);
            write_atomic(&file, style.as_bytes())
                .map_err(|source| RenderError::Write { path: file, source })?;
        }
        Ok(RenderedEngagement {
            id: loaded.engagement.engagement.id.value.clone(),
            source: loaded.file,
            dir,
            reports,
            validation,
            text: loaded.source,
        })
    }

    /// The reports this renderer produces.
    fn keys(&self) -> Vec<ReportKey> {
        if self.options.only.is_empty() {
            ReportKey::ALL.to_vec()
        } else {
            ReportKey::ALL
                .into_iter()
                .filter(|k| self.options.only.contains(k))
                .collect()
        }
    }

    /// The Typst source of each selected report; reports whose rules fail
    /// are drafts.
    pub fn fill(
        &self,
        loaded: &Loaded,
        validation: &Validation,
    ) -> Result<Vec<Filled>, RenderError> {
        let first = self.keys().first().copied().unwrap_or(ReportKey::Startup);
        let locale = loaded.engagement.locale.value;
        let catalogue = self
            .filler
            .catalogue(locale)
            .map_err(|source| RenderError::Fill {
                report: first,
                source,
            })?;
        let date = document_date(loaded);
        let context = fill::build_context(&loaded.engagement, &catalogue, date).map_err(|e| {
            RenderError::Fill {
                report: first,
                source: e.into(),
            }
        })?;
        self.keys()
            .into_iter()
            .map(|key| {
                let ctx = context
                    .for_report(key, &catalogue, &validation.gaps(key).collect::<Vec<_>>())
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
                Ok(Filled {
                    key,
                    source,
                    is_final: validation.is_final(key),
                })
            })
            .collect()
    }

    fn style(&self) -> Result<String, RenderError> {
        let first = self.keys().first().copied().unwrap_or(ReportKey::Startup);
        self.filler
            .source(STYLE_MODULE)
            .map_err(|source| RenderError::Fill {
                report: first,
                source,
            })
    }

    fn typ_files(&self, sources: &[Filled]) -> Result<Vec<Produced>, RenderError> {
        Ok(sources
            .iter()
            .map(|filled| Produced {
                key: filled.key,
                name: filled.key.file_name("typ"),
                bytes: filled.source.clone().into_bytes(),
                pages: 0,
                is_final: filled.is_final,
            })
            .collect())
    }

    fn pdf_files(&self, loaded: &Loaded, sources: &[Filled]) -> Result<Vec<Produced>, RenderError> {
        let style = self.style()?;
        let files = sources
            .iter()
            .map(|filled| {
                let (key, source) = (&filled.key, &filled.source);
                let origin = key.template();
                let world = ReportWorld::new(source.clone(), style.clone(), Some(&loaded.root));
                let fail = |source| RenderError::Typeset {
                    report: *key,
                    source,
                };
                let typeset = typeset::compile(&world, &origin).map_err(fail)?;
                let settings = PdfSettings {
                    ident: digest(source.as_bytes()),
                    // Final reports are archival; drafts are working copies.
                    archival: filled.is_final,
                };
                let bytes = typeset::pdf(&typeset, &settings, &world, &origin).map_err(fail)?;
                Ok(Produced {
                    key: *key,
                    name: key.file_name("pdf"),
                    bytes,
                    pages: typeset.pages(),
                    is_final: filled.is_final,
                })
            })
            .collect();
        typeset::evict_cache();
        files
    }
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

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
