//! One engagement's way from YAML to its bundle, one typed hand-off per
//! stage: [`load`](crate::pipeline::load) → [`Loaded`] → [`validate::check`] →
//! [`Checked`] → [`Filler::prepare`] → [`Fill`] → per report
//! [`Filled`](crate::pipeline::fill::Filled) → [`Typeset`](crate::pipeline::typeset::Typeset) →
//! [`sign`](crate::pipeline::sign) → [`deliver::deliver`] →
//! [`RenderedReport`]s. [`Renderer::render_loaded`] drives them.

mod error;
mod produce;
mod touched;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use error::RenderError;
pub use produce::{Attached, Production, TypesetCache};
pub use touched::measure;

use crate::base::report::ReportKey;
use crate::base::timings::{Stage, Timings};
use crate::pipeline::deliver::{self, Bundle, Produced};
pub use crate::pipeline::deliver::{OutputFormat, RenderedReport};
pub use crate::pipeline::fill::Filled;
use crate::pipeline::fill::{Fill, Filler, TemplateOptions};
use crate::pipeline::load::versions::{self, BaseSpec, Since};
use crate::pipeline::load::{self, LoadError, Loaded};
use crate::pipeline::validate::{self, Checked, Validation};

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
    /// Attach the engagement file and the files it refers to to the
    /// acceptance report.
    pub attach: bool,
    /// Attach the engagement file exactly as written, comments included;
    /// by default its comments (the engineers' notes) are removed.
    pub attach_verbatim: bool,
    /// Sign every final report (PDF output only); drafts are never signed.
    pub sign: Option<std::sync::Arc<crate::pipeline::sign::Signer>>,
    /// The previous version to compare with: the plan, service and
    /// acceptance reports get an appendix of what changed since.
    pub since: Option<BaseSpec>,
    /// Write each PDF as soon as it is ready, before the acceptance report
    /// that certifies it and the manifest (`dossier watch`); otherwise a
    /// bundle is written only once all of it succeeded.
    pub progressive: bool,
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
            attach: true,
            attach_verbatim: false,
            sign: None,
            since: None,
            progressive: false,
        }
    }
}

impl RenderOptions {
    /// The options that shape the reports, as a bundle's manifest records
    /// them: a render with other values here writes other files. (Where
    /// the output goes, `--strict`'s refusal and `--force` are not among
    /// them; which reports `--only` renders is in each report's entry, and
    /// the date `SOURCE_DATE_EPOCH` gives in the engagement's.)
    pub fn recorded(&self) -> BTreeMap<String, String> {
        let mut options = BTreeMap::new();
        let mut set = |key: &str, value: String| options.insert(key.to_string(), value);
        let format = match self.format {
            OutputFormat::Pdf => "pdf".to_string(),
            OutputFormat::Typ => "typ".to_string(),
            OutputFormat::Png { ppi } => format!("png at {ppi} ppi"),
            OutputFormat::Svg => "svg".to_string(),
        };
        set("format", format);
        let attach = match (self.attach, self.attach_verbatim) {
            (false, _) => "no",
            (true, false) => "comments removed",
            (true, true) => "as written",
        };
        set("attach", attach.into());
        if let Some(signer) = &self.sign {
            set("signer", signer.fingerprint());
            if let Some(tsa) = signer.tsa() {
                set("timestamp", tsa.url.clone());
            }
            if signer.ltv().is_some() {
                set("validation data", "embedded".into());
            }
        }
        if let Some(since) = &self.since {
            set("since", since.to_string());
        }
        options
    }
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
    /// What the acceptance report carries, when it attaches its source.
    pub attached: Option<Attached>,
}

impl RenderedEngagement {
    /// Whether every report is final.
    pub fn is_final(&self) -> bool {
        self.reports.iter().all(|r| r.is_final)
    }
}

/// Renders engagements; holds what is set up once per process. It can be
/// shared by threads: a batch renders several engagements at once.
pub struct Renderer {
    filler: Filler,
    options: RenderOptions,
    timings: Timings,
    cache: Option<std::sync::Arc<dyn TypesetCache>>,
}

impl Renderer {
    /// Sets up the template engine (and, on first use, the fonts).
    pub fn new(options: RenderOptions) -> Self {
        Self {
            filler: Filler::new(options.templates.clone()),
            options,
            timings: Timings::default(),
            cache: None,
        }
    }

    /// Reuses the reports `cache` holds whose inputs did not change, and
    /// keeps what this renderer typesets there (`dossier watch`).
    pub(crate) fn with_cache(mut self, cache: std::sync::Arc<dyn TypesetCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The options this renderer was made with.
    pub fn options(&self) -> &RenderOptions {
        &self.options
    }

    /// The template files a report of `locale` is made from, each with the
    /// SHA-256 of the text in use (see [`Filler::in_use`]).
    pub fn templates_in_use(&self, locale: crate::base::model::Locale) -> BTreeMap<String, String> {
        self.filler.in_use(locale)
    }

    /// The time spent so far, per stage.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// Loads the engagement at `path`, counting the time as loading.
    pub fn load(&self, path: &Path) -> Result<Loaded, LoadError> {
        self.timings.time(Stage::Load, || load::load(path))
    }

    /// Renders the engagement at `path` (a directory or a YAML file).
    /// Typst's memoised results stay for the caller to drop: a worker of
    /// the batch engine decides when (`engine::LocalWorker`).
    pub fn render(&self, path: &Path) -> Result<RenderedEngagement, RenderError> {
        let loaded = self.load(path)?;
        self.render_loaded(loaded)
    }

    /// Renders an engagement already loaded, stage by stage. Every report
    /// is produced in memory first; files are written only when all
    /// succeeded, so a failure leaves the previous output untouched.
    pub(crate) fn render_loaded(&self, loaded: Loaded) -> Result<RenderedEngagement, RenderError> {
        let checked = self.check(loaded)?;
        let id = checked.loaded.engagement.engagement.id.value.clone();
        let early = std::sync::Mutex::new(Vec::new());
        let write_early = |ready: &[Produced]| {
            if self.options.progressive && self.options.format == OutputFormat::Pdf {
                let dir = self.options.out.join(&id);
                // A failure here fails the full delivery that follows too.
                if let Ok(keys) = deliver::deliver_ready(&dir, ready, self.options.force)
                    && let Ok(mut early) = early.lock()
                {
                    early.extend(keys);
                }
            }
        };
        let production = self.produce(&checked, &write_early)?;
        let mut rendered = self.deliver(checked, production)?;
        let early = early.into_inner().unwrap_or_default();
        for report in &mut rendered.reports {
            report.written |= early.contains(&report.key);
        }
        rendered.changed = rendered.reports.iter().any(|r| r.written);
        Ok(rendered)
    }

    /// The delivering stage: the reports of `production` written into the
    /// engagement's bundle, with its manifest.
    pub fn deliver(
        &self,
        checked: Checked,
        production: Production,
    ) -> Result<RenderedEngagement, RenderError> {
        let dir = self
            .options
            .out
            .join(&checked.loaded.engagement.engagement.id.value);
        self.deliver_to(checked, production, dir)
    }

    /// [`Renderer::deliver`] into the bundle folder `dir`.
    pub(crate) fn deliver_to(
        &self,
        checked: Checked,
        production: Production,
        dir: PathBuf,
    ) -> Result<RenderedEngagement, RenderError> {
        let id = checked.loaded.engagement.engagement.id.value.clone();
        let bundle = Bundle {
            checked: &checked,
            fill: &production.fill,
            produced: &production.reports,
            only: &self.options.only,
            date: production.date,
            dir,
            force: self.options.force,
            attach: self.options.attach,
            attach_verbatim: self.options.attach_verbatim,
            options: self.options.recorded(),
        };
        let reports = self.timings.time(Stage::Write, || {
            deliver::deliver(self.options.format, &bundle)
        })?;
        Ok(RenderedEngagement {
            id,
            dir: bundle.dir,
            changed: reports.iter().any(|r| r.written),
            typeset: production.reports.iter().filter(|p| p.fresh).count(),
            attached: production.attached,
            reports,
            source: checked.loaded.file,
            validation: checked.validation,
            text: checked.loaded.source,
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
        let mut checked = Checked::new(loaded.clone(), validation.clone())?;
        checked.since = self.since(loaded)?;
        let production = self.produce(&checked, &|_| {})?;
        Ok(production
            .reports
            .into_iter()
            .filter(|p| self.selected(p.filled.key))
            .map(|p| p.filled)
            .collect())
    }

    /// The validating stage: the contract's rules, then the refusal of an
    /// engagement that cannot be rendered (or, under `--strict`, has a
    /// draft).
    pub fn check(&self, loaded: Loaded) -> Result<Checked, RenderError> {
        let since = self.since(&loaded)?;
        let checked = self
            .timings
            .time(Stage::Validate, || validate::check_since(loaded, since))?;
        if self.options.strict && checked.validation.fails_strict() {
            return Err(RenderError::Invalid {
                validation: checked.validation,
                text: checked.loaded.source,
            });
        }
        Ok(checked)
    }

    /// The previous version `--since` names, compared with `loaded`.
    pub fn since(&self, loaded: &Loaded) -> Result<Option<Since>, RenderError> {
        let Some(spec) = &self.options.since else {
            return Ok(None);
        };
        let mut since = self
            .timings
            .time(Stage::Load, || versions::compare(spec, loaded))?;
        self.timings.time(Stage::Fill, || {
            measure(&self.filler, spec, &mut since, loaded)
        });
        Ok(Some(since))
    }

    /// The filling stage's shared part.
    fn prepare(&self, checked: &Checked, date: NaiveDate) -> Result<Fill, RenderError> {
        self.timings
            .time(Stage::Fill, || self.filler.prepare(checked, date))
            .map_err(|source| RenderError::Fill {
                report: ReportKey::Startup,
                source,
            })
    }

    /// Whether the user asked for `key`.
    fn selected(&self, key: ReportKey) -> bool {
        self.options.only.is_empty() || self.options.only.contains(&key)
    }
}

/// The date printed on the reports: the latest revision's, else
/// `SOURCE_DATE_EPOCH`, else the service start. Never the clock.
pub(crate) fn document_date(loaded: &Loaded) -> NaiveDate {
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
