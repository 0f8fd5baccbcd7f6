//! Versions of an engagement: what changed between a previous version (a
//! file, a git revision, the engagement a final acceptance report carries)
//! and this one. Changes are computed on the typed model with ids as keys,
//! never on text, and come out in a fixed order: the same two versions
//! always give the same list.

mod base;
mod diff;

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::Serializer;

pub use base::{BaseError, BaseSpec, resolve};
pub use diff::changes;

use crate::base::locale::{Catalogue, CatalogueError, fill};
use crate::base::model::{RetestResult, measurement};
use crate::base::report::ReportKey;
use crate::pipeline::load::Loaded;

/// A previous version of an engagement, and what changed since.
#[derive(Debug, Clone)]
pub struct Since {
    /// The previous version, as read.
    pub base: Loaded,
    /// Where it came from, as the user named it.
    pub label: String,
    /// What changed, in report order.
    pub changes: Vec<Change>,
}

/// Reads the previous version `spec` names of the engagement `loaded` and
/// compares the two.
pub fn compare(spec: &BaseSpec, loaded: &Loaded) -> Result<Since, BaseError> {
    let e = &loaded.engagement;
    let (base, label) = resolve(spec, &loaded.file, &e.engagement.id.value)?;
    Ok(Since::new(base, label, e))
}

impl Since {
    /// Compares `new` with `base` (read from `label`).
    pub fn new(base: Loaded, label: String, new: &crate::base::model::Engagement) -> Since {
        let changes = changes(&base.engagement, new);
        Since {
            base,
            label,
            changes,
        }
    }

    /// The changes a report's appendix lists.
    pub fn of(&self, report: ReportKey) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |c| c.reports().contains(&report))
    }

    /// The version the previous version of `report` carried, with its
    /// date: its own latest history entry, else the previous engagement's
    /// latest of any report.
    pub(crate) fn base_version(&self, report: ReportKey) -> Option<(&str, NaiveDate)> {
        let e = &self.base.engagement;
        e.version_of(report)
            .or_else(|| e.history.iter().max_by_key(|r| r.date.value))
            .map(|r| (r.version.value.as_str(), r.date.value))
    }
}

impl Since {
    /// The changes as `dossier diff` prints them, in the catalogue's
    /// language: one block per item, one line per change.
    pub(crate) fn to_text(&self, t: &Catalogue) -> Result<String, CatalogueError> {
        let mut out = String::new();
        for row in rows(&self.changes, t)? {
            let _ = writeln!(out, "{} {}  {}", row.section, row.id, row.title);
            for line in &row.change {
                let _ = writeln!(out, "    {line}");
            }
        }
        Ok(out)
    }

    /// The changes as JSON: where the previous version came from and each
    /// change with the reports that list it.
    pub fn to_json(&self) -> serde_json::Result<String> {
        #[derive(Serialize)]
        struct Entry<'a> {
            #[serde(flatten)]
            change: &'a Change,
            reports: Vec<&'static str>,
        }
        #[derive(Serialize)]
        struct Json<'a> {
            base: &'a str,
            engagement: &'a str,
            changes: Vec<Entry<'a>>,
        }
        serde_json::to_string_pretty(&Json {
            base: &self.label,
            engagement: &self.base.engagement.engagement.id.value,
            changes: self
                .changes
                .iter()
                .map(|change| Entry {
                    change,
                    reports: change.reports().iter().map(|r| r.key()).collect(),
                })
                .collect(),
        })
    }
}

/// One change between two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The kind of item.
    pub section: Section,
    /// The item's id (a finding's `F-01`, an objective's number, a
    /// milestone's name); empty for the sign-off and the plan's
    /// confirmation.
    pub id: String,
    /// The item's title in the newer version (the older, once removed).
    pub title: Value,
    /// What happened to it.
    #[serde(flatten)]
    pub what: What,
}

impl Change {
    /// The reports that print the item, so that list the change.
    pub fn reports(&self) -> &'static [ReportKey] {
        use ReportKey::*;
        match self.section {
            Section::Finding
            | Section::Solution
            | Section::StressTest
            | Section::Risk
            | Section::ServiceItem => &[Service, Acceptance],
            Section::Objective => match self.what {
                What::Changed {
                    field: Field::Result | Field::Verdict,
                    ..
                } => &[Service, Acceptance],
                _ => &[Startup, Plan, Service, Acceptance],
            },
            Section::Engagement => &[Startup, Plan, Service, Acceptance],
            Section::Plan | Section::Milestone | Section::Activity => &[Plan],
            Section::Signoff => &[Acceptance],
        }
    }
}

/// What happened to an item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum What {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// One of its values changed.
    Changed {
        /// Which.
        field: Field,
        /// Before.
        from: Value,
        /// After.
        to: Value,
    },
    /// A finding was retested.
    Retested {
        /// When.
        #[serde(serialize_with = "iso_date")]
        date: NaiveDate,
        /// By whom.
        by: String,
        /// With what result.
        result: RetestResult,
    },
    /// A stress test's measurement at one concurrency moved (or was added
    /// or dropped: the figures on one side are absent).
    Measured {
        /// Before or after tuning.
        #[serde(serialize_with = "phase")]
        after: bool,
        /// Concurrent clients.
        concurrency: u32,
        /// The unit of throughput.
        unit: String,
        /// The figures that differ.
        moved: Vec<Moved>,
    },
}

/// One figure of a stress test's measurement that moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    /// Which figure.
    pub metric: Metric,
    /// Before; absent when the measurement is new.
    pub from: Option<f64>,
    /// After; absent when the measurement was dropped.
    pub to: Option<f64>,
}

/// A figure of a stress test's measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Throughput in the test's unit.
    Throughput,
    /// Median latency, ms.
    P50,
    /// 95th-percentile latency, ms.
    P95,
    /// 99th-percentile latency, ms.
    P99,
    /// Failed requests, percent.
    ErrorRate,
}

impl Metric {
    /// Every figure, in the order the reports print them.
    pub const ALL: [Metric; 5] = [
        Metric::Throughput,
        Metric::P50,
        Metric::P95,
        Metric::P99,
        Metric::ErrorRate,
    ];

    fn key(self) -> &'static str {
        match self {
            Metric::Throughput => "throughput",
            Metric::P50 => "p50",
            Metric::P95 => "p95",
            Metric::P99 => "p99",
            Metric::ErrorRate => "error_rate",
        }
    }

    /// Its value in a sample.
    pub fn of(self, s: &crate::base::model::Sample) -> f64 {
        match self {
            Metric::Throughput => s.throughput,
            Metric::P50 => s.p50,
            Metric::P95 => s.p95,
            Metric::P99 => s.p99,
            Metric::ErrorRate => s.error_rate,
        }
    }
}

fn iso_date<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&date.to_string())
}

fn phase<S: Serializer>(after: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *after { "after" } else { "before" })
}

/// The kinds of item a change is about, in the order the appendix lists
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// The engagement's own dates.
    Engagement,
    /// An objective or one of its targets.
    Objective,
    /// The plan's confirmation.
    Plan,
    /// A milestone of the plan.
    Milestone,
    /// A planned activity.
    Activity,
    /// A finding.
    Finding,
    /// A solution.
    Solution,
    /// A stress test.
    StressTest,
    /// A risk.
    Risk,
    /// A service item of §7 一.2 the service report covers.
    ServiceItem,
    /// The customer's sign-off.
    Signoff,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Engagement => "engagement",
            Section::Objective => "objective",
            Section::Plan => "plan",
            Section::Milestone => "milestone",
            Section::Activity => "activity",
            Section::Finding => "finding",
            Section::Solution => "solution",
            Section::StressTest => "stress-test",
            Section::Risk => "risk",
            Section::ServiceItem => "service-item",
            Section::Signoff => "signoff",
        }
    }
}

/// A value of an item that changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// A finding's status.
    Status,
    /// A finding's severity.
    Severity,
    /// An item's title.
    Title,
    /// A risk's likelihood.
    Likelihood,
    /// A risk's impact.
    Impact,
    /// A solution's implementation deadline.
    ImplementBy,
    /// A solution's implementation date.
    ImplementedOn,
    /// A milestone's date.
    Date,
    /// An activity's first day.
    From,
    /// An activity's last day.
    To,
    /// A target's agreed figure.
    Target,
    /// A target's measured result.
    Result,
    /// An objective's verdict.
    Verdict,
    /// The plan's confirmation date.
    ConfirmedOn,
    /// Who signed off.
    By,
    /// When the sign-off was given.
    On,
    /// How it was given.
    Method,
    /// The service start.
    StartsOn,
    /// The service end.
    EndsOn,
}

impl Field {
    fn key(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Severity => "severity",
            Field::Title => "title",
            Field::Likelihood => "likelihood",
            Field::Impact => "impact",
            Field::ImplementBy => "implement-by",
            Field::ImplementedOn => "implemented-on",
            Field::Date => "date",
            Field::From => "from",
            Field::To => "to",
            Field::Target => "target",
            Field::Result => "result",
            Field::Verdict => "verdict",
            Field::ConfirmedOn => "confirmed-on",
            Field::By => "by",
            Field::On => "on",
            Field::Method => "method",
            Field::StartsOn => "starts-on",
            Field::EndsOn => "ends-on",
        }
    }
}

/// A value as it is compared and printed.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Not given.
    None,
    /// Text as written.
    Text(String),
    /// A key of a closed vocabulary, printed as its label: the catalogue
    /// group and the key.
    Key(&'static str, &'static str),
    /// A date.
    Date(NaiveDate),
    /// A figure and its unit.
    Number(f64, String),
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::None => s.serialize_none(),
            Value::Text(text) => s.serialize_str(text),
            Value::Key(_, key) => s.serialize_str(key),
            Value::Date(date) => s.serialize_str(&date.to_string()),
            Value::Number(value, _) => s.serialize_f64(*value),
        }
    }
}

impl Value {
    /// The value in the catalogue's language.
    pub(crate) fn describe(&self, t: &Catalogue) -> Result<String, CatalogueError> {
        Ok(match self {
            Value::None => t.get("locale.absent")?.to_string(),
            Value::Text(text) => text.clone(),
            Value::Key(group, key) => t.key(group, key)?.to_string(),
            Value::Date(date) => t.date(*date)?,
            Value::Number(value, unit) => figure(*value, unit),
        })
    }
}

fn figure(value: f64, unit: &str) -> String {
    let value = measurement(value);
    match unit {
        "" => value,
        "%" => format!("{value}%"),
        unit => format!("{value} {unit}"),
    }
}

/// A change as the appendix and `dossier diff` print it, in the
/// catalogue's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRow {
    /// The kind of item.
    pub section: String,
    /// The item's id, or the absent mark.
    pub id: String,
    /// The item's title.
    pub title: String,
    /// What changed: one line per change of the item.
    pub change: Vec<String>,
}

/// The changes as rows of the appendix's table: one row per item, one
/// line per change of it, in the order of `changes`.
pub fn rows<'a>(
    changes: impl IntoIterator<Item = &'a Change>,
    t: &Catalogue,
) -> Result<Vec<ChangeRow>, CatalogueError> {
    let mut out: Vec<ChangeRow> = Vec::new();
    for change in changes {
        let row = change.describe(t)?;
        match out.last_mut() {
            Some(last)
                if (&last.section, &last.id, &last.title)
                    == (&row.section, &row.id, &row.title) =>
            {
                last.change.extend(row.change);
            }
            _ => out.push(row),
        }
    }
    Ok(out)
}

impl Change {
    /// The change in the catalogue's language.
    pub(crate) fn describe(&self, t: &Catalogue) -> Result<ChangeRow, CatalogueError> {
        let absent = t.get("locale.absent")?;
        let change = match &self.what {
            What::Added => t.get("changes.added")?.to_string(),
            What::Removed => t.get("changes.removed")?.to_string(),
            What::Changed { field, from, to } => fill(
                t.get("changes.changed")?,
                &[
                    ("field", t.key("changes.fields", field.key())?),
                    ("from", &from.describe(t)?),
                    ("to", &to.describe(t)?),
                ],
            ),
            What::Retested { date, by, result } => fill(
                t.get("changes.retested")?,
                &[
                    ("date", &t.date(*date)?),
                    ("by", by),
                    ("result", t.key("retest_result", result.key())?),
                ],
            ),
            What::Measured {
                after,
                concurrency,
                unit,
                moved,
            } => {
                let phase = t.get(if *after {
                    "service.after"
                } else {
                    "service.before"
                })?;
                let mut text = fill(
                    t.get("changes.measured")?,
                    &[("phase", phase), ("concurrency", &concurrency.to_string())],
                );
                let sep = t.get("changes.figure_sep")?;
                for (i, m) in moved.iter().enumerate() {
                    let unit = match m.metric {
                        Metric::Throughput => unit.as_str(),
                        Metric::ErrorRate => "%",
                        _ => "ms",
                    };
                    let side = |v: Option<f64>| v.map_or(absent.to_string(), |v| figure(v, unit));
                    let part = fill(
                        t.get("changes.moved")?,
                        &[
                            ("field", t.key("changes.metrics", m.metric.key())?),
                            ("from", &side(m.from)),
                            ("to", &side(m.to)),
                        ],
                    );
                    if i > 0 {
                        text.push_str(sep);
                    }
                    let _ = write!(text, "{part}");
                }
                text
            }
        };
        let id = match self.section {
            Section::Objective => fill(t.get("changes.objective")?, &[("n", &self.id)]),
            _ if self.id.is_empty() => absent.to_string(),
            _ => self.id.clone(),
        };
        Ok(ChangeRow {
            section: t.key("changes.sections", self.section.key())?.to_string(),
            id,
            title: self.title.describe(t)?,
            change: vec![change],
        })
    }
}
