//! The template context: what templates see, computed once per engagement.
//!
//! Templates get labels already looked up, dates already written the
//! locale's way and totals already counted, so they stay free of logic.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value;

mod acceptance;
mod engagement;
mod results;
mod types;

use types::*;

use super::charts;
use crate::calendar::WorkingCalendar;
use crate::locale::{Catalogue, CatalogueError, fill};
use crate::model::{
    Engagement, Exclusion, Figure, FindingStatus, Package, Person, Sample, Scenario, ServiceItem,
    Severity, SolutionStatus, Topic,
};
use crate::report::ReportKey;
use crate::validate::Gap;
use crate::versions::Since;

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
    rows: Vec<crate::versions::ChangeRow>,
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
            .flat_map(crate::model::markdown::images)
            .map(|image| crate::assets::typst_path(&image.dest))
            .collect(),
        targets: b.targets()?,
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
    for report in [ReportKey::Plan, ReportKey::Service, ReportKey::Acceptance] {
        let rows = crate::versions::rows(since.of(report), t)?;
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

impl EngagementContext {
    /// The context of one report: the shared data plus `report`, the
    /// report's title in `meta`, and the gaps that make it a draft (none for
    /// a final report).
    ///
    /// `certified` holds what only the acceptance report shows: the reports
    /// it certifies, with their digests, and the files it carries; it is
    /// empty for the other reports.
    pub fn for_report(
        &self,
        report: ReportKey,
        t: &Catalogue,
        gaps: &[Gap<'_>],
        certified: &Certified,
    ) -> Result<minijinja::Value, CatalogueError> {
        let title = t.key("reports", report.key())?.to_string();
        let subject = match report {
            ReportKey::Plan if self.plan_confirmed => t.get("subjects.plan_confirmed")?,
            _ => t.key("subjects", report.key())?,
        }
        .to_string();
        // Gaps in the order of the file, as an editor fixing them goes.
        let mut gaps: Vec<&Gap<'_>> = gaps.iter().collect();
        gaps.sort_by_key(|g| {
            let pos = g.diagnostic.position();
            (
                !pos.is_known(),
                g.diagnostic.file.clone(),
                pos.line,
                pos.column,
            )
        });
        let gaps = gaps
            .into_iter()
            .map(|d| gap(d, t))
            .collect::<Result<Vec<_>, _>>()?;
        // The report's own history: its version and date are its latest
        // entry's, so a report changes only when something of its own does.
        let own: Vec<&RevisionRow> = self
            .revisions
            .iter()
            .filter(|r| r.concerns(report))
            .collect();
        let mut meta = Meta {
            title: title.clone(),
            subject: subject.clone(),
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
        let delivered = certified
            .reports
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
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let context = ReportContext {
            shared: &self.shared,
            meta,
            delivered,
            sources: certified
                .sources
                .iter()
                .map(|s| source_row(s, t))
                .collect::<Result<_, _>>()?,
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
}

/// What only the acceptance report shows: the reports it certifies and
/// the files it carries as attachments.
#[derive(Debug, Clone, Default)]
pub struct Certified {
    /// The other four reports, with their digests.
    pub reports: Vec<DeliveredReport>,
    /// The engagement file as written and every file it refers to.
    pub sources: Vec<SourceFile>,
}

/// A file the acceptance report carries: the engagement file as written,
/// or a file it refers to (an image, the brand logo).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Its path relative to the engagement directory, `/`-separated: the
    /// attachment's name, and where `dossier extract` writes it back.
    pub name: String,
    /// Its length in bytes.
    pub size: usize,
    /// SHA-256 of its bytes, in lowercase hex.
    pub sha256: String,
    /// Whether it is the engagement file itself.
    pub engagement: bool,
}

impl SourceFile {
    /// Its MIME type, by its extension: YAML (RFC 9512) or an image.
    pub fn mime(&self) -> &'static str {
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
    let described = if s.engagement {
        "acceptance.source_engagement"
    } else {
        "acceptance.source_file"
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
/// work: its main part (before an example in brackets) is not the term.
fn label_differs(label: &str, term: &str) -> bool {
    let main = label.split(['（', '(']).next().unwrap_or(label).trim();
    main != term.trim()
}

/// The consulting topics actually delivered: those a session covered or a
/// finding or solution is about.
fn delivered_topics(e: &Engagement) -> Vec<Topic> {
    let mut topics: Vec<Topic> = e
        .enablement
        .iter()
        .flat_map(|s| &s.consulting_topics)
        .chain(e.findings.iter().flat_map(|f| &f.consulting_topics))
        .chain(e.solutions.iter().flat_map(|s| &s.consulting_topics))
        .map(|t| t.value)
        .collect();
    topics.sort();
    topics.dedup();
    topics
}

/// An image as templates place it: its path inside the report's world and
/// its caption.
fn figure(f: &Figure) -> FigureCtx {
    FigureCtx {
        src: crate::assets::typst_path(&f.path),
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

fn samples(list: &[Sample]) -> Vec<SampleCtx> {
    list.iter()
        .map(|s| SampleCtx {
            concurrency: s.concurrency,
            throughput: number(s.throughput),
            p50: number(s.p50),
            p95: number(s.p95),
            p99: number(s.p99),
            error_rate: number(s.error_rate),
        })
        .collect()
}

/// Ids joined the locale's way, e.g. `F-01、F-02`.
fn ids(list: &[crate::model::Spanned<String>], sep: &str) -> String {
    list.iter()
        .map(|f| f.value.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

use crate::model::measurement as number;

/// One open gap as a draft's closing page shows it: the rule, the problem
/// in the report's language, and where in the YAML to fix it.
fn gap(g: &Gap<'_>, t: &Catalogue) -> Result<GapRow, CatalogueError> {
    let d = g.diagnostic;
    let code = d.code.map_or("consistency", |c| c.key());
    let mut values: Vec<(&str, String)> = Vec::new();
    for (name, value) in &d.args {
        values.push((name, localize_arg(name, value, t)?));
    }
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let count = d
        .args
        .iter()
        .find(|(name, _)| *name == "days" || *name == "n")
        .and_then(|(_, value)| value.parse::<i64>().ok());
    let mut text = fill(t.form(&format!("gaps.{code}"), count.unwrap_or(0))?, &pairs);
    if let Some(draft) = g.draft {
        text = fill(
            t.get("gaps.via")?,
            &[
                ("report", t.key("reports", draft.key())?),
                ("reason", &text),
            ],
        );
    }
    let file = d
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pos = d.position();
    let location = if pos.is_known() {
        format!("{file}:{}:{}", pos.line, pos.column)
    } else {
        file
    };
    let (name, id) = match d.rule {
        Some(rule) => (t.key("rule_names", rule.id())?, rule.id()),
        None => (t.get("locale.absent")?, ""),
    };
    let fix = fill(
        t.form(&format!("fixes.{code}"), count.unwrap_or(0))?,
        &pairs,
    );
    Ok((name.to_string(), id.to_string(), text, fix, location))
}

/// Writes a rule's argument the report's way: dates in the locale's
/// format, keys as their labels.
fn localize_arg(name: &str, value: &str, t: &Catalogue) -> Result<String, CatalogueError> {
    let group = match name {
        "earliest" | "deadline" | "limit" => {
            return match value.parse::<NaiveDate>() {
                Ok(date) => t.date(date),
                Err(_) => Ok(value.to_string()),
            };
        }
        "category" => "exclusions",
        "method" => "signoff_method",
        "activity" => "activities",
        "item" => "service_items",
        "rule" => "rule_names",
        "status" => "finding_status",
        "result" => "retest_result",
        "report" => "reports",
        "element" => {
            return t
                .get(&format!("acceptance.element_{value}"))
                .map(str::to_string);
        }
        _ => return Ok(value.to_string()),
    };
    t.key(group, value).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(locale: crate::model::Locale) -> Catalogue {
        let name = Catalogue::template_name(locale);
        let text = crate::templates::builtin(&name).expect("built in");
        Catalogue::parse(locale, &name, text).expect("parses")
    }

    fn sample() -> Engagement {
        let text = include_str!("../../../samples/northwind-logistics.yaml");
        crate::load::parse(text).expect("the sample parses")
    }

    /// The metadata is written into every report as a Typst dictionary:
    /// its keys must come out in the order the generated sources list them.
    #[test]
    fn metadata_keys_are_in_alphabetical_order() {
        let t = catalogue(crate::model::Locale::En);
        let e = sample();
        let b = Builder { e: &e, t: &t };
        let meta = b.meta(NaiveDate::default()).expect("meta");
        // As the templates see it: minijinja keeps the order fields are
        // serialized in.
        let meta = minijinja::Value::from(minijinja::value::Serde(&meta));
        let keys = |v: &minijinja::Value| -> Vec<String> {
            v.try_iter()
                .expect("a map")
                .map(|k| k.to_string())
                .collect()
        };
        let labels = meta.get_attr("labels").expect("labels");
        for dict in [&meta, &labels] {
            let found = keys(dict);
            let mut sorted = found.clone();
            sorted.sort();
            assert_eq!(found, sorted);
            assert!(found.len() > 10);
        }
    }

    #[test]
    fn a_report_gets_its_own_title_subject_and_gaps() {
        let t = catalogue(crate::model::Locale::En);
        let e = sample();
        let context = build(&e, &t, NaiveDate::default(), None).expect("builds");
        let plan = context
            .for_report(ReportKey::Plan, &t, &[], &Certified::default())
            .expect("plan context");
        let meta = plan.get_attr("meta").expect("meta");
        assert_eq!(
            meta.get_attr("title").expect("title").to_string(),
            "Expert Service Plan"
        );
        // The sample's plan is confirmed: its subject says so.
        assert!(
            meta.get_attr("subject")
                .expect("subject")
                .to_string()
                .contains("as confirmed in writing")
        );
        assert!(!meta.get_attr("draft").expect("draft").is_true());
        let report = plan.get_attr("report").expect("report");
        assert_eq!(report.get_attr("number").expect("number").to_string(), "2");
    }

    #[test]
    fn a_gap_names_the_draft_report_it_comes_from() {
        let t = catalogue(crate::model::Locale::En);
        let mut d = crate::diagnostic::Diagnostic::error(
            "nw.yaml",
            crate::model::Pos {
                line: 34,
                column: 14,
            },
            "late",
        );
        d.rule = Some(crate::diagnostic::RuleId::LeadTime);
        d.code = Some(crate::diagnostic::Code::LeadTime);
        d.arg("days", 9).arg("earliest", "2026-09-21");
        let own = gap(
            &Gap {
                diagnostic: &d,
                draft: None,
            },
            &t,
        )
        .expect("gap");
        assert_eq!(own.0, "Application at least 10 working days ahead");
        assert_eq!(own.1, "lead-time");
        assert!(own.2.contains("21 September 2026"), "{}", own.2);
        assert!(
            own.3.starts_with("Start on 21 September 2026 or later"),
            "{}",
            own.3
        );
        assert_eq!(own.4, "nw.yaml:34:14");
        let via = gap(
            &Gap {
                diagnostic: &d,
                draft: Some(ReportKey::Startup),
            },
            &t,
        )
        .expect("gap");
        assert!(
            via.2
                .starts_with("The Project Kickoff Report is still a draft: ")
        );
    }

    #[test]
    fn measurements_print_without_needless_decimals() {
        assert_eq!(number(7180.0), "7180");
        assert_eq!(number(0.06), "0.06");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(2.0 / 3.0), "0.667");
    }

    #[test]
    fn a_label_differs_from_a_term_only_in_its_main_part() {
        assert!(!label_differs(
            "網絡性能調優（如核心網絡參數調優）",
            "網絡性能調優"
        ));
        assert!(label_differs(
            "作業系統性能調優（如核心參數調優）",
            "操作系統性能調優"
        ));
        assert!(label_differs(
            "Network tuning (kernel parameters)",
            "網絡性能調優"
        ));
    }

    #[test]
    fn topics_count_once_however_often_they_are_delivered() {
        let mut e = sample();
        let topic = crate::model::Spanned::detached(Topic::DatabaseTuning);
        e.enablement.value[0].consulting_topics = vec![topic.clone()];
        e.findings.value[0].consulting_topics = vec![topic.clone()];
        e.solutions.value[0].consulting_topics =
            vec![topic, crate::model::Spanned::detached(Topic::NetworkTuning)];
        assert_eq!(
            delivered_topics(&e),
            vec![Topic::DatabaseTuning, Topic::NetworkTuning]
        );
    }
}
