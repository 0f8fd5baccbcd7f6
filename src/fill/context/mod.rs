//! The template context: what templates see, computed once per engagement.
//!
//! Templates get labels already looked up, dates already written the
//! locale's way and totals already counted, so they stay free of logic.

use chrono::NaiveDate;
use serde_json::{Value, json};

mod acceptance;
mod engagement;
mod results;

use super::charts;
use crate::calendar::WorkingCalendar;
use crate::locale::{Catalogue, CatalogueError, fill};
use crate::model::{
    Engagement, Exclusion, Figure, Package, Person, Sample, Scenario, ServiceItem, Severity,
    SolutionStatus, Topic,
};
use crate::report::ReportKey;
use crate::validate::Gap;

/// Data every report of one engagement shares, plus a per-report part.
pub struct EngagementContext {
    base: serde_json::Map<String, Value>,
    /// Whether the customer confirmed the plan: its subject line says so.
    plan_confirmed: bool,
    /// The agreed deviations, each with the reports that print it.
    deviations: Vec<(Vec<ReportKey>, Value)>,
}

/// Builds the shared context of `engagement` in the catalogue's locale.
/// `date` is the document date printed on every report.
pub fn build(
    engagement: &Engagement,
    t: &Catalogue,
    date: NaiveDate,
) -> Result<EngagementContext, CatalogueError> {
    let b = Builder { e: engagement, t };
    let mut base = serde_json::Map::new();
    base.insert("t".into(), t.tree().clone());
    base.insert("meta".into(), b.meta(date)?);
    base.insert("engagement".into(), b.header()?);
    base.insert("objectives".into(), b.objectives());
    base.insert("scope".into(), b.scope()?);
    base.insert("plan".into(), b.plan()?);
    base.insert("survey".into(), b.survey());
    base.insert("findings".into(), b.findings()?);
    base.insert("risks".into(), b.risks()?);
    base.insert("stress_tests".into(), b.stress_tests()?);
    base.insert("risk_matrix".into(), charts::risk_matrix(&engagement.risks));
    base.insert("solutions".into(), b.solutions()?);
    base.insert("enablement".into(), b.enablement()?);
    base.insert("security".into(), b.security()?);
    base.insert("acceptance".into(), b.acceptance()?);
    base.insert("completion".into(), b.completion()?);
    base.insert("deliverables".into(), b.deliverables()?);
    base.insert("summary".into(), b.summary()?);
    // The images inside Markdown fields, by the path Typst knows them under.
    // Rendering happens only once all of them passed the asset checks.
    let images: Vec<String> = engagement
        .markdown_fields()
        .into_iter()
        .flat_map(crate::model::markdown::images)
        .map(|dest| crate::assets::typst_path(&dest))
        .collect();
    base.insert("images".into(), json!(images));
    base.insert("targets".into(), b.targets()?);
    base.insert("contract".into(), b.contract()?);
    Ok(EngagementContext {
        base,
        plan_confirmed: engagement.plan.confirmed_on.is_some(),
        deviations: b.deviations()?,
    })
}

impl EngagementContext {
    /// The context of one report: the shared data plus `report`, the
    /// report's title in `meta`, and the gaps that make it a draft (none for
    /// a final report).
    ///
    /// `delivered` lists the reports the acceptance report certifies, with
    /// their digests; it is empty for the other reports.
    pub fn for_report(
        &self,
        report: ReportKey,
        t: &Catalogue,
        gaps: &[Gap<'_>],
        delivered: &[DeliveredReport],
    ) -> Result<minijinja::Value, CatalogueError> {
        let mut ctx = self.base.clone();
        let title = t.key("reports", report.key())?;
        let subject = match report {
            ReportKey::Plan if self.plan_confirmed => t.get("subjects.plan_confirmed")?,
            _ => t.key("subjects", report.key())?,
        };
        let gaps = gaps
            .iter()
            .map(|d| gap(d, t))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(Value::Object(meta)) = ctx.get_mut("meta") {
            meta.insert("title".into(), json!(title));
            meta.insert("subject".into(), json!(subject));
            meta.insert("draft".into(), json!(!gaps.is_empty()));
            meta.insert("gaps".into(), json!(gaps));
        }
        let delivered = delivered
            .iter()
            .map(|d| {
                Ok(json!({
                    "number": d.key.number(),
                    "title": t.key("reports", d.key.key())?,
                    "file": d.key.file_name("pdf"),
                    "pages": d.pages,
                    "sha256": d.sha256,
                    "status": t.key("status", if d.is_final { "final" } else { "draft" })?,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        ctx.insert("delivered".into(), json!(delivered));
        let deviations: Vec<&Value> = self
            .deviations
            .iter()
            .filter(|(reports, _)| report == ReportKey::Acceptance || reports.contains(&report))
            .map(|(_, row)| row)
            .collect();
        ctx.insert("deviations".into(), json!(deviations));
        ctx.insert(
            "report".into(),
            json!({
                "key": report.key(),
                "number": report.number(),
                "title": title,
                "subject": subject,
            }),
        );
        Ok(minijinja::Value::from(minijinja::value::Serde(ctx)))
    }
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

type Built = Result<Value, CatalogueError>;

impl Builder<'_> {
    fn date(&self, date: NaiveDate) -> Result<String, CatalogueError> {
        self.t.date(date)
    }

    fn opt_date(&self, date: Option<NaiveDate>) -> Result<Value, CatalogueError> {
        Ok(match date {
            Some(d) => json!(self.date(d)?),
            None => Value::Null,
        })
    }

    fn label(&self, group: &str, key: &str) -> Result<String, CatalogueError> {
        self.t.key(group, key).map(str::to_string)
    }

    fn keyed(&self, group: &str, key: &str) -> Built {
        Ok(json!({ "key": key, "label": self.label(group, key)? }))
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
fn figure(f: &Figure) -> Value {
    json!({ "src": crate::assets::typst_path(&f.path), "caption": f.caption })
}

fn people(list: &[Person]) -> Value {
    json!(
        list.iter()
            .map(|p| json!({ "name": p.name, "role": p.role, "email": p.email, "phone": p.phone }))
            .collect::<Vec<_>>()
    )
}

fn samples(list: &[Sample]) -> Value {
    json!(
        list.iter()
            .map(|s| json!({
                "concurrency": s.concurrency,
                "throughput": number(s.throughput),
                "p50": number(s.p50),
                "p95": number(s.p95),
                "p99": number(s.p99),
                "error_rate": number(s.error_rate),
            }))
            .collect::<Vec<_>>()
    )
}

/// A measurement as printed: whole numbers without a decimal point.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// One open gap as a draft's closing page shows it: the rule, the problem
/// in the report's language, and where in the YAML to fix it.
fn gap(g: &Gap<'_>, t: &Catalogue) -> Result<Value, CatalogueError> {
    let d = g.diagnostic;
    let code = d.code.map_or("consistency", |c| c.key());
    let mut values: Vec<(&str, String)> = Vec::new();
    for (name, value) in &d.args {
        values.push((name, localize_arg(name, value, t)?));
    }
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut text = fill(t.key("gaps", code)?, &pairs);
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
    Ok(json!([d.rule.map_or("—", |r| r.id()), text, location]))
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
        "element" => {
            return t
                .get(&format!("acceptance.element_{value}"))
                .map(str::to_string);
        }
        _ => return Ok(value.to_string()),
    };
    t.key(group, value).map(str::to_string)
}
