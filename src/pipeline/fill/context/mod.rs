//! The template context: what templates see, computed once per engagement.
//!
//! Templates get labels already looked up, dates already written the
//! locale's way and totals already counted, so they stay free of logic.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value;

mod types;
mod acceptance;
mod engagement;
mod gaps;
mod results;
#[cfg(test)]
mod tests;

use gaps::gap_rows;
use types::*;

use super::charts;
use crate::base::calendar::WorkingCalendar;
use crate::base::locale::{Catalogue, CatalogueError, fill, grouped};
use crate::base::model::{
    Engagement, Exclusion, Figure, FindingStatus, Package, Person, Sample, Scenario, ServiceItem,
    Severity, SolutionStatus, StressTest, Topic,
};
use crate::base::report::ReportKey;
use crate::pipeline::load::comments::Comments;
use crate::pipeline::load::versions::{ChangeRow, Since};
use crate::pipeline::validate::Gap;

/// Data every report of one engagement shares.
#[derive(Serialize)]
struct Shared {
    /// The catalogue, for the labels templates look up themselves.
    t: Value,
    engagement: Header,
    objectives: Vec<ObjectiveCtx>,
    scope: ScopeCtx,
    plan: PlanCtx,
    survey: SurveyCtx,
    findings: Vec<FindingCtx>,
    retests: RetestSummary,
    risks: Vec<RiskCtx>,
    stress_tests: Vec<StressTestCtx>,
    /// The risk matrix's data, for `risk-matrix(…)`.
    risk_matrix: charts::RiskMatrix,
    solutions: Vec<SolutionCtx>,
    enablement: Vec<SessionCtx>,
    security: Option<SecurityCtx>,
    acceptance: AcceptanceCtx,
    completion: Vec<CompletionRow>,
    deliverables: Vec<DeliverableRow>,
    summary: SummaryCtx,
    /// The images inside Markdown fields, by the path Typst knows them
    /// under; rendering happens only once all passed the asset checks.
    images: Vec<String>,
    targets: Vec<TargetRow>,
    /// The targets' earlier results, each with its metric and date.
    earlier_results: Vec<String>,
    verdicts: Vec<VerdictRow>,
    contract: ContractCtx,
}

/// What one report's template sees: the shared data and its own part.
#[derive(Serialize)]
struct ReportContext<'a> {
    #[serde(flatten)]
    shared: &'a Shared,
    meta: Meta,
    delivered: Vec<DeliveredRow>,
    deviations: Vec<&'a DeviationRow>,
    sources: Vec<SourceRow>,
    /// The sentence that introduces them: the engagement file without its
    /// comments, or as written.
    sources_text: String,
    /// What changed since the previous version (`--since`); absent when
    /// nothing the report prints did.
    changes: Option<&'a ChangesCtx>,
    report: ReportCtx,
}

/// The appendix of a re-issued report: what changed since its previous
/// version.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ChangesCtx {
    /// Its heading, naming the previous version.
    title: String,
    /// The sentence that introduces it.
    text: String,
    /// One row per change.
    rows: Vec<crate::pipeline::load::versions::ChangeRow>,
}

/// Data every report of one engagement shares, plus a per-report part.
pub struct EngagementContext {
    shared: Shared,
    /// The document metadata, completed per report.
    meta: Meta,
    /// Whether the customer confirmed the plan: its subject line says so.
    plan_confirmed: bool,
    /// The agreed deviations, each with the reports that print it.
    deviations: Vec<(Vec<ReportKey>, DeviationRow)>,
    /// The version history, each entry with the reports it concerns.
    revisions: Vec<RevisionRow>,
    /// Each report's appendix of changes, when it has one.
    changes: Vec<(ReportKey, ChangesCtx)>,
}

/// One version history entry, as printed, with what selects and orders it.
pub(super) struct RevisionRow {
    /// The reports it concerns; `None` for all.
    reports: Option<Vec<ReportKey>>,
    date: NaiveDate,
    /// Version, date, author, change.
    row: (String, String, String, String),
}

impl RevisionRow {
    fn concerns(&self, report: ReportKey) -> bool {
        self.reports.as_ref().is_none_or(|r| r.contains(&report))
    }
}

/// Builds the shared context of `engagement` in the catalogue's locale.
/// `date` is the document date printed on every report.
pub fn build(
    engagement: &Engagement,
    t: &Catalogue,
    date: NaiveDate,
    since: Option<&Since>,
) -> Result<EngagementContext, CatalogueError> {
    let b = Builder { e: engagement, t };
    let shared = Shared {
        t: t.tree().clone(),
        engagement: b.header()?,
        objectives: b.objectives(),
        scope: b.scope()?,
        plan: b.plan()?,
        survey: b.survey(),
        findings: b.findings()?,
        retests: b.retests()?,
        risks: b.risks()?,
        stress_tests: b.stress_tests()?,
        risk_matrix: charts::risk_matrix(&engagement.risks, t)?,
        solutions: b.solutions()?,
        enablement: b.enablement()?,
        security: b.security()?,
        acceptance: b.acceptance()?,
        completion: b.completion()?,
        deliverables: b.deliverables()?,
        summary: b.summary()?,
        images: engagement
            .markdown_fields()
            .into_iter()
            .flat_map(crate::base::model::markdown::images)
            .map(|image| crate::pipeline::load::assets::typst_path(&image.dest))
            .collect(),
        targets: b.targets()?,
        earlier_results: b.earlier_results()?,
        verdicts: b.verdicts()?,
        contract: b.contract()?,
    };
    Ok(EngagementContext {
        shared,
        meta: b.meta(date)?,
        plan_confirmed: engagement.plan.confirmed_on.is_some(),
        deviations: b.deviations()?,
        revisions: b.revisions()?,
        changes: since.map_or(Ok(Vec::new()), |since| changes(since, t))?,
    })
}

/// The reports that print an appendix of changes, with their appendices:
/// those for which something they print changed.
fn changes(since: &Since, t: &Catalogue) -> Result<Vec<(ReportKey, ChangesCtx)>, CatalogueError> {
    let mut out = Vec::new();
    for report in ReportKey::ALL {
        let mut rows = crate::pipeline::load::versions::rows(since.of(report), t)?;
        if report == ReportKey::Acceptance {
            rows.extend(certified_anew(since, t)?);
        }
        if rows.is_empty() {
            continue;
        }
        let (title, text) = match since.base_version(report) {
            Some((version, date)) => {
                let date = t.date(date)?;
                let values = [("version", version), ("date", date.as_str())];
                (
                    fill(t.get("changes.title")?, &values),
                    fill(t.get("changes.text")?, &values),
                )
            }
            None => (
                t.get("changes.previous_title")?.to_string(),
                t.get("changes.previous_text")?.to_string(),
            ),
        };
        out.push((report, ChangesCtx { title, text, rows }));
    }
    Ok(out)
}

/// The reports the acceptance report certifies whose content changed: it
/// lists each anew, with its new digest.
fn certified_anew(since: &Since, t: &Catalogue) -> Result<Vec<ChangeRow>, CatalogueError> {
    let section = t.get("changes.sections.reports")?;
    let line = t.get("changes.certified_anew")?;
    since
        .touched
        .iter()
        .filter(|key| **key != ReportKey::Acceptance)
        .map(|key| {
            Ok(ChangeRow {
                section: section.to_string(),
                id: t.get("locale.absent")?.to_string(),
                title: t.key("reports", key.key())?.to_string(),
                change: vec![line.to_string()],
                paths: Vec::new(),
            })
        })
        .collect()
}

impl EngagementContext {
    /// Marks the images that cannot be used: each report shows a placeholder.
    pub(crate) fn set_unavailable(&mut self, paths: Vec<String>) {
        self.meta.unavailable = paths;
    }

    /// The context of one report: the shared data plus `report`, the
    /// report's title in `meta`, and the gaps that make it a draft (none for
    /// a final report).
    ///
    /// `certified` holds what only the acceptance report shows: the reports
    /// it certifies, with their digests, and the files it carries; it is
    /// empty for the other reports.
    pub(crate) fn for_report(
        &self,
        report: ReportKey,
        t: &Catalogue,
        gaps: &[Gap<'_>],
        certified: &Certified,
    ) -> Result<minijinja::Value, CatalogueError> {
        let title = t.key("reports", report.key())?.to_string();
        let subject = self.subject(report, t)?;
        let gaps = gap_rows(gaps, t)?;
        let meta = self.meta_of(report, title.clone(), subject.clone(), gaps);
        let delivered = delivered_rows(&certified.reports, t)?;
        let context = ReportContext {
            shared: &self.shared,
            meta,
            delivered,
            sources: certified
                .sources
                .iter()
                .map(|s| source_row(s, t))
                .collect::<Result<_, _>>()?,
            sources_text: t
                .get(if certified.comments_removed() {
                    "acceptance.sources_text"
                } else {
                    "acceptance.sources_text_as_written"
                })?
                .to_string(),
            deviations: self
                .deviations
                .iter()
                .filter(|(reports, _)| report == ReportKey::Acceptance || reports.contains(&report))
                .map(|(_, row)| row)
                .collect(),
            changes: self
                .changes
                .iter()
                .find(|(key, _)| *key == report)
                .map(|(_, changes)| changes),
            report: ReportCtx {
                key: report.key(),
                number: report.number(),
                title,
                subject,
            },
        };
        Ok(minijinja::Value::from(minijinja::value::Serde(&context)))
    }

    /// The subject line of `report`; the plan's says whether the customer
    /// confirmed it.
    fn subject(&self, report: ReportKey, t: &Catalogue) -> Result<String, CatalogueError> {
        Ok(match report {
            ReportKey::Plan if self.plan_confirmed => t.get("subjects.plan_confirmed")?,
            _ => t.key("subjects", report.key())?,
        }
        .to_string())
    }

    /// The document metadata of `report`: the shared one with its title,
    /// subject and open gaps (a draft when there are any), and its version,
    /// date and history taken from its own revisions.
    fn meta_of(
        &self,
        report: ReportKey,
        title: String,
        subject: String,
        gaps: Vec<GapRow>,
    ) -> Meta {
        // The report's own history: its version and date are its latest
        // entry's, so a report changes only when something of its own does.
        let own: Vec<&RevisionRow> = self
            .revisions
            .iter()
            .filter(|r| r.concerns(report))
            .collect();
        let mut meta = Meta {
            title,
            subject,
            draft: !gaps.is_empty(),
            gaps,
            ..self.meta.clone()
        };
        if let Some(latest) = own.iter().max_by_key(|r| r.date) {
            meta.version = latest.row.0.clone();
            meta.date = latest.row.1.clone();
            meta.date_parts = (latest.date.year(), latest.date.month(), latest.date.day());
            meta.history = own.iter().map(|r| r.row.clone()).collect();
        }
        meta
    }
}

/// The reports the acceptance report certifies, as its digest table
/// lists them.
fn delivered_rows(
    reports: &[DeliveredReport],
    t: &Catalogue,
) -> Result<Vec<DeliveredRow>, CatalogueError> {
    reports
        .iter()
        .map(|d| {
            Ok(DeliveredRow {
                number: d.key.number(),
                title: t.key("reports", d.key.key())?.to_string(),
                file: d.key.file_name("pdf"),
                pages: d.pages,
                sha256: d.sha256.clone(),
                status: t
                    .key("status", if d.is_final { "final" } else { "draft" })?
                    .to_string(),
            })
        })
        .collect::<Result<Vec<_>, CatalogueError>>()
}

/// What only the acceptance report shows: the reports it certifies and
/// the files it carries as attachments.
#[derive(Debug, Clone, Default)]
pub struct Certified {
    /// The other four reports, with their digests.
    pub reports: Vec<DeliveredReport>,
    /// The engagement file and every file it refers to.
    pub sources: Vec<SourceFile>,
}

impl Certified {
    /// Whether the engagement file is attached without its comments.
    fn comments_removed(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.engagement.is_some_and(Comments::none_attached))
    }
}

/// A file the acceptance report carries: the engagement file (without its
/// comments, by default), or a file it refers to (an image, the brand
/// logo).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Its path relative to the engagement directory, `/`-separated: the
    /// attachment's name, and where `dossier extract` writes it back.
    pub name: String,
    /// Its length in bytes.
    pub size: usize,
    /// SHA-256 of its bytes, in lowercase hex.
    pub sha256: String,
    /// Whether it is the engagement file itself, and then what became of
    /// its comments.
    pub engagement: Option<Comments>,
}

impl SourceFile {
    /// Its MIME type, by its extension: YAML (RFC 9512) or an image.
    pub(crate) fn mime(&self) -> &'static str {
        let extension = self
            .name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "yaml" | "yml" => "application/yaml",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "svg" => "image/svg+xml",
            _ => "application/octet-stream",
        }
    }
}

/// A carried file as the acceptance report lists and attaches it.
fn source_row(s: &SourceFile, t: &Catalogue) -> Result<SourceRow, CatalogueError> {
    let described = match s.engagement {
        Some(c) if c.none_attached() => "acceptance.source_engagement_stripped",
        Some(_) => "acceptance.source_engagement",
        None => "acceptance.source_file",
    };
    let size = if s.size < 1024 {
        t.count("acceptance.bytes", s.size)?
    } else {
        format!("{:.1} KiB", s.size as f64 / 1024.0)
    };
    Ok(SourceRow {
        description: fill(
            t.get(described)?,
            &[("name", &s.name), ("sha256", &s.sha256)],
        ),
        mime: s.mime().to_string(),
        name: s.name.clone(),
        sha256: s.sha256.clone(),
        size,
        src: format!("/{}", s.name),
    })
}

/// A report the acceptance report certifies.
#[derive(Debug, Clone)]
pub struct DeliveredReport {
    /// Which report.
    pub key: ReportKey,
    /// Its page count.
    pub pages: usize,
    /// SHA-256 of its PDF, in lowercase hex.
    pub sha256: String,
    /// Whether it is final.
    pub is_final: bool,
}

struct Builder<'a> {
    e: &'a Engagement,
    t: &'a Catalogue,
}

impl Builder<'_> {
    fn date(&self, date: NaiveDate) -> Result<String, CatalogueError> {
        self.t.date(date)
    }

    fn opt_date(&self, date: Option<NaiveDate>) -> Result<Option<String>, CatalogueError> {
        date.map(|d| self.date(d)).transpose()
    }

    /// What the reports print for a value that is not there.
    fn absent(&self) -> Result<&str, CatalogueError> {
        self.t.get("locale.absent")
    }

    /// Ids joined the locale's way (`F-01、F-02`), or the absent mark for
    /// none.
    fn list(&self, ids: &[&str]) -> Result<String, CatalogueError> {
        if ids.is_empty() {
            return self.absent().map(str::to_string);
        }
        Ok(ids.join(self.t.get("locale.list_sep")?))
    }

    fn label(&self, group: &str, key: &str) -> Result<String, CatalogueError> {
        self.t.key(group, key).map(str::to_string)
    }

    fn keyed(&self, group: &str, key: &'static str) -> Result<Keyed, CatalogueError> {
        Ok(Keyed {
            key,
            label: self.label(group, key)?,
        })
    }
}

/// Whether a catalogue label names a thing otherwise than the statement of
/// work: the whole label, its examples included, is not the term.
fn label_differs(label: &str, term: &str) -> bool {
    normal(label) != normal(term)
}

/// A label as compared with the statement of work's: whole, examples in
/// parentheses included, with full-width punctuation and spacing set
/// aside (a difference of typography, not of words).
fn normal(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '／' => '/',
            other => other,
        })
        .collect()
}

/// An image as templates place it: its path inside the report's world and
/// its caption.
fn figure(f: &Figure) -> FigureCtx {
    FigureCtx {
        src: crate::pipeline::load::assets::typst_path(&f.path),
        caption: f.caption.clone(),
        alt: f.alt.clone().unwrap_or_default(),
    }
}

fn people(list: &[Person]) -> Vec<PersonCtx> {
    list.iter()
        .map(|p| PersonCtx {
            name: p.name.clone(),
            role: p.role.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
        })
        .collect()
}

/// A measured value with its unit, grouped by thousands: `7,180 req/s`,
/// and a percentage without a space, as both locales write it (`0.06%`).
fn measured(value: f64, unit: &str) -> String {
    let value = grouped(&number(value));
    match unit {
        "%" | "‰" => format!("{value}{unit}"),
        _ => format!("{value} {unit}"),
    }
}

/// Ids joined the locale's way, e.g. `F-01、F-02`.
fn ids(list: &[crate::base::model::Spanned<String>], sep: &str) -> String {
    list.iter()
        .map(|f| f.value.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

use crate::base::model::measurement as number;
