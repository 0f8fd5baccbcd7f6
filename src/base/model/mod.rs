//! The engagement as written in YAML: what serde reads, positions kept.
//!
//! These types mirror the file one to one. Validation and the template
//! context are built from them; nothing here is computed.

mod acceptance;
mod keys;
pub mod markdown;
mod parties;
mod plan;
mod spanned;
mod work;

pub use acceptance::*;
pub use keys::*;
pub use parties::*;
pub use plan::*;
pub use spanned::{Pos, Spanned};
pub use work::*;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

/// A calendar date written as `YYYY-MM-DD`.
pub type Date = Spanned<NaiveDate>;

/// Prose that may use Markdown.
pub type Markdown = String;

/// One expert-service engagement: the whole of an `engagement.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Engagement {
    /// Format version of this file; currently `1`.
    pub schema: Spanned<u32>,
    /// Language of the reports' labels and boilerplate.
    pub locale: Spanned<Locale>,
    /// Who serves whom, when, under which package.
    pub engagement: Header,
    /// The business goals the customer states (§3.1.2).
    pub objectives: Spanned<Vec<Spanned<Objective>>>,
    /// What the service covers and what it does not (§2.1, §4.1).
    pub scope: Scope,
    /// The service plan the customer confirms (§3.1.2, §6).
    pub plan: Plan,
    /// Business and architecture survey (assessment phase).
    pub survey: Survey,
    /// Problems found, with diagnosis and recommendation.
    #[serde(default)]
    pub findings: Spanned<Vec<Finding>>,
    /// Risks assessed, by likelihood and impact.
    #[serde(default)]
    pub risks: Spanned<Vec<Risk>>,
    /// Stress tests run before and after tuning.
    #[serde(default)]
    pub stress_tests: Spanned<Vec<StressTest>>,
    /// Best-practice recommendations and solutions.
    #[serde(default)]
    pub solutions: Spanned<Vec<Solution>>,
    /// Sessions on technical principles and solutions (§3.1.4).
    #[serde(default)]
    pub enablement: Spanned<Vec<Session>>,
    /// Security hardening and inspection, when in scope.
    #[serde(default)]
    pub security: Option<Security>,
    /// What the acceptance covers and who signed it off (§7, §8).
    pub acceptance: Acceptance,
    /// Versions of the deliverables.
    pub history: Spanned<Vec<Revision>>,
    /// Holidays and make-up working days for working-day arithmetic.
    #[serde(default)]
    pub calendar: Calendar,
    /// Deviations from the statement of work that both parties agreed on
    /// (a late application the provider accepted, a delay by force
    /// majeure): a rule breach one of them covers is printed as a deviation
    /// instead of failing.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

impl Engagement {
    /// Every image the engagement refers to: architecture diagrams, then
    /// each finding's evidence, in file order.
    pub fn figures(&self) -> impl Iterator<Item = &Figure> {
        self.survey
            .diagrams
            .iter()
            .chain(self.findings.iter().flat_map(|f| &f.evidence))
    }

    /// Every id a service item's evidence can name: findings, risks,
    /// solutions, stress tests, enablement sessions and plan activities,
    /// with what each names.
    pub(crate) fn evidence_ids(&self) -> impl Iterator<Item = (&Spanned<String>, EvidenceKind)> {
        let activities = self
            .plan
            .phases
            .activities()
            .filter_map(|a| Some((a.id.as_ref()?, EvidenceKind::Activity(a.activity.value))));
        self.findings
            .iter()
            .map(|f| (&f.id, EvidenceKind::Finding))
            .chain(self.risks.iter().map(|r| (&r.id, EvidenceKind::Risk)))
            .chain(
                self.solutions
                    .iter()
                    .map(|s| (&s.id, EvidenceKind::Solution)),
            )
            .chain(
                self.stress_tests
                    .iter()
                    .filter_map(|t| Some((t.id.as_ref()?, EvidenceKind::StressTest))),
            )
            .chain(
                self.enablement
                    .iter()
                    .filter_map(|s| Some((s.id.as_ref()?, EvidenceKind::Session))),
            )
            .chain(activities)
    }

    /// The version of `report` the history gives: its latest entry by date
    /// (the last written among entries of the same date).
    pub(crate) fn version_of(&self, report: crate::base::report::ReportKey) -> Option<&Revision> {
        self.history
            .iter()
            .filter(|r| r.concerns(report))
            .max_by_key(|r| r.date.value)
    }

    /// The consulting topics delivered, sorted: those a session covered.
    /// The deliverable of §4.1 二 is the consulting session itself, on site
    /// or online; a finding or solution on a topic is diagnosis work of
    /// §4.1 一, which delivers no session.
    pub fn delivered_topics(&self) -> Vec<Topic> {
        let mut topics: Vec<Topic> = self
            .enablement
            .iter()
            .flat_map(|s| &s.consulting_topics)
            .map(|t| t.value)
            .collect();
        topics.sort();
        topics.dedup();
        topics
    }

    /// The service items the plan's activities promise, each with the
    /// position of its first activity.
    pub fn planned_items(&self) -> Vec<(ServiceItem, Pos)> {
        let mut items: Vec<(ServiceItem, Pos)> = Vec::new();
        for a in self.plan.phases.activities() {
            let item = ServiceItem::ALL
                .iter()
                .copied()
                .find(|i| i.activity() == Some(a.activity.value));
            if let Some(item) = item
                && !items.iter().any(|(i, _)| *i == item)
            {
                items.push((item, a.activity.pos));
            }
        }
        items
    }

    /// What the acceptance records about a planned topic or service item
    /// not delivered.
    pub fn undelivered_topic(&self, topic: Topic) -> Option<&Undelivered> {
        self.acceptance
            .undelivered
            .iter()
            .map(|u| &u.value)
            .find(|u| u.topic.as_ref().is_some_and(|t| t.value == topic))
    }

    /// What the acceptance records about a service item not delivered.
    pub fn undelivered_item(&self, item: ServiceItem) -> Option<&Undelivered> {
        self.acceptance
            .undelivered
            .iter()
            .map(|u| &u.value)
            .find(|u| u.item.as_ref().is_some_and(|i| i.value == item))
    }

    /// The version of the acceptance report the customer confirmed: the
    /// one the sign-off names, else the latest issued before the day of
    /// the sign-off (a version dated that day records it), else the
    /// latest on that day.
    pub(crate) fn confirmed_version<'a>(&'a self, signoff: &'a Signoff) -> Option<&'a str> {
        if let Some(version) = &signoff.version {
            return Some(version.as_str());
        }
        let latest = |before: bool| {
            self.history
                .iter()
                .filter(|r| r.concerns(crate::base::report::ReportKey::Acceptance))
                .filter(|r| {
                    if before {
                        r.date.value < *signoff.on
                    } else {
                        r.date.value <= *signoff.on
                    }
                })
                .max_by(|a, b| {
                    a.date
                        .value
                        .cmp(&b.date.value)
                        .then_with(|| compare_versions(&a.version, &b.version))
                })
        };
        latest(true)
            .or_else(|| latest(false))
            .map(|r| r.version.as_str())
    }

    /// Every Markdown field, in file order.
    pub fn markdown_fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.objectives.iter().map(|o| o.detail.as_str()).collect();
        out.extend([
            self.survey.business.as_str(),
            self.survey.architecture.as_str(),
            self.survey.analysis.value.as_str(),
        ]);
        for f in self.findings.iter() {
            out.extend([
                f.description.as_str(),
                f.root_cause.as_str(),
                f.recommendation.as_str(),
            ]);
        }
        out.extend(self.stress_tests.iter().map(|s| s.conclusion.as_str()));
        out.extend(self.solutions.iter().map(|s| s.description.as_str()));
        out
    }
}

/// What an evidence id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EvidenceKind {
    /// A finding.
    Finding,
    /// A risk.
    Risk,
    /// A solution.
    Solution,
    /// A stress test.
    StressTest,
    /// An enablement session.
    Session,
    /// A plan activity of this catalogue kind.
    Activity(Activity),
}
