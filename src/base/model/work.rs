//! The work of the service: the survey, findings, risks, stress tests,
//! solutions, enablement and security.

use schemars::JsonSchema;
use serde::Deserialize;

use super::*;

/// The business and architecture survey.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// The customer's business and its critical paths.
    pub business: Markdown,
    /// The architecture as found.
    pub architecture: Markdown,
    /// Architecture diagrams inside the engagement directory.
    #[serde(default)]
    pub diagrams: Vec<Figure>,
    /// Cloud resources in use.
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Analysis of the architecture: strengths, weak points, capacity.
    pub analysis: Spanned<Markdown>,
}

/// An image inside the engagement directory.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Path relative to the engagement directory (PNG, JPEG or SVG).
    pub path: Spanned<String>,
    /// Caption printed under the image.
    pub caption: String,
    /// What the image shows, for readers who cannot see it (screen
    /// readers, text extraction): the PDF's alternative text. A figure
    /// without it keeps the reports that show it drafts.
    #[serde(default)]
    pub alt: Option<String>,
}

/// A line of the resource inventory.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Cloud product.
    pub product: String,
    /// Instance type or specification.
    pub spec: String,
    /// How many.
    pub count: u32,
    /// Region or zone.
    pub region: String,
    /// Remarks.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A problem found during the service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Stable identifier, e.g. `F-01`.
    pub id: Spanned<String>,
    /// One-line summary.
    pub title: String,
    /// The scenario it belongs to.
    pub scenario: Spanned<Scenario>,
    /// The cloud product concerned.
    pub product: String,
    /// How severe it is.
    pub severity: Spanned<Severity>,
    /// What was observed.
    pub description: Markdown,
    /// Why it happens.
    pub root_cause: Markdown,
    /// What to do about it.
    pub recommendation: Markdown,
    /// Where it stands. With retests it may be left out: the last retest
    /// decides it (and, when both are written, they must agree).
    #[serde(default)]
    pub status: Option<Spanned<FindingStatus>>,
    /// Each time the fix was checked again, oldest first.
    #[serde(default)]
    pub retests: Vec<Retest>,
    /// An exclusion of §2.1 this finding falls under, if any.
    #[serde(default)]
    pub excluded: Option<Spanned<Exclusion>>,
    /// The consulting topics of §4.1 二 this finding is about (only a
    /// session delivers a topic).
    #[serde(default)]
    pub consulting_topics: Vec<Spanned<Topic>>,
    /// Screenshots and other evidence inside the engagement directory.
    #[serde(default)]
    pub evidence: Vec<Figure>,
    /// For a finding still open at acceptance: who closes it.
    #[serde(default)]
    pub owner: Option<String>,
    /// For a finding still open at acceptance: by when.
    #[serde(default)]
    pub due: Option<Date>,
}

impl Finding {
    /// Where the finding stands: its last retest's result, else its
    /// `status`, else open.
    pub(crate) fn current_status(&self) -> FindingStatus {
        match (self.retests.last(), &self.status) {
            (Some(retest), _) => retest.result.status(),
            (None, Some(status)) => status.value,
            (None, None) => FindingStatus::Open,
        }
    }

    /// Where the status is written: the `status` field, else the last
    /// retest's result, else the finding's id.
    pub(crate) fn status_pos(&self) -> Pos {
        match (&self.status, self.retests.last()) {
            (Some(status), _) => status.pos,
            (None, Some(retest)) => retest.result.pos,
            (None, None) => self.id.pos,
        }
    }
}

/// One check of a finding's fix after it was applied.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retest {
    /// When it was checked.
    pub date: Date,
    /// Who checked it.
    pub by: String,
    /// What the check found.
    pub result: Spanned<RetestResult>,
    /// Who accepted the remaining risk, for `risk-accepted`: the customer's
    /// name and title.
    #[serde(default)]
    pub accepted_by: Option<Spanned<String>>,
    /// For `risk-accepted`: the customer's technical reason for accepting
    /// the risk instead of applying the recommendation (§3, §3.1.2: advice
    /// is not rejected without one).
    #[serde(default)]
    pub reason: Option<String>,
    /// What shows the result: a measurement, a log, a document.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// A risk assessed during the service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// Stable identifier, e.g. `R-01`.
    pub id: Spanned<String>,
    /// What could happen.
    pub description: String,
    /// How likely, from 1 (rare) to 5 (almost certain).
    pub likelihood: Spanned<u8>,
    /// How bad, from 1 (negligible) to 5 (severe).
    pub impact: Spanned<u8>,
    /// What reduces it.
    pub mitigation: String,
    /// Who owns the mitigation.
    pub owner: String,
    /// Findings this risk comes from.
    #[serde(default)]
    pub findings: Vec<Spanned<String>>,
}

/// The level of a likelihood × impact score.
pub(crate) fn risk_level(score: u32) -> &'static str {
    match score {
        20.. => "critical",
        12..=19 => "high",
        6..=11 => "medium",
        _ => "low",
    }
}

/// A stress test with its series before and after tuning.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StressTest {
    /// Identifier, e.g. `T-01`, for targets and service items to name.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// Name of the test.
    pub name: String,
    /// Load tool used.
    pub tool: String,
    /// System or interface under test.
    pub target: String,
    /// Unit of throughput, e.g. `req/s` or `TPS`.
    #[serde(default = "default_throughput_unit")]
    pub throughput_unit: String,
    /// Measurements before tuning.
    pub before: Vec<Sample>,
    /// Measurements after tuning: the latest round.
    #[serde(default)]
    pub after: Vec<Sample>,
    /// The day the latest round (`after`) was measured; needed once the
    /// test has `earlier` rounds.
    #[serde(default)]
    pub measured_on: Option<Date>,
    /// Earlier rounds after tuning, replaced by the latest, oldest first:
    /// a test measured again keeps every round with its date.
    #[serde(default)]
    pub earlier: Vec<Round>,
    /// What the test shows.
    pub conclusion: Markdown,
}

/// An earlier round of a stress test after tuning, since measured again.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Round {
    /// The day it was measured.
    pub measured_on: Date,
    /// Its measurements.
    pub after: Vec<Sample>,
}

fn default_throughput_unit() -> String {
    "req/s".into()
}

/// One measurement of a stress test.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// Concurrent clients.
    pub concurrency: u32,
    /// Throughput in the test's unit.
    pub throughput: f64,
    /// Median latency in milliseconds.
    pub p50: f64,
    /// 95th-percentile latency in milliseconds.
    pub p95: f64,
    /// 99th-percentile latency in milliseconds.
    pub p99: f64,
    /// Failed requests, in percent.
    pub error_rate: f64,
}

/// A measurement as printed: whole numbers without a decimal point, at
/// most three decimals otherwise.
pub fn measurement(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A recommendation or solution proposed to the customer.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Solution {
    /// Stable identifier, e.g. `S-01`.
    pub id: Spanned<String>,
    /// One-line summary.
    pub title: String,
    /// The solution in detail.
    pub description: Markdown,
    /// Findings it addresses.
    #[serde(default)]
    pub findings: Vec<Spanned<String>>,
    /// When it was proposed.
    pub proposed_on: Date,
    /// Whether its effect can only be confirmed once it is implemented
    /// (§3.1.2, §7 二: e.g. a security design); only such solutions must be
    /// implemented within one calendar month of their proposal.
    #[serde(default)]
    pub needs_implementation: Spanned<bool>,
    /// When it must be implemented by (at most one calendar month after
    /// the proposal when it needs implementation).
    #[serde(default)]
    pub implement_by: Option<Date>,
    /// When it was implemented.
    #[serde(default)]
    pub implemented_on: Option<Date>,
    /// Where it stands.
    pub status: Spanned<SolutionStatus>,
    /// The sound technical reason the customer gave for declining it
    /// (§3.1.2: advice is not rejected without one).
    #[serde(default)]
    pub declined_reason: Option<String>,
    /// The consulting topics of §4.1 二 this solution is about (only a
    /// session delivers a topic).
    #[serde(default)]
    pub consulting_topics: Vec<Spanned<Topic>>,
}

/// An enablement session (§3.1.4).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Identifier, e.g. `E-01`, for service items to name as evidence.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// What was taught.
    pub topic: String,
    /// When.
    pub date: Date,
    /// Who attended.
    pub audience: String,
    /// Who presented.
    #[serde(default)]
    pub presenter: Option<String>,
    /// On site or online.
    #[serde(default)]
    pub format: Option<Spanned<SessionFormat>>,
    /// The consulting topics of §4.1 二 the session covered: what delivers
    /// them.
    #[serde(default)]
    pub consulting_topics: Vec<Spanned<Topic>>,
}

/// Security work in scope (§3.1.2, §6).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Security {
    /// Whether the customer authorised 24/7 security-event monitoring.
    pub monitoring_authorised: Spanned<bool>,
    /// When it was authorised.
    #[serde(default)]
    pub authorised_on: Option<Date>,
    /// Who authorised it.
    #[serde(default)]
    pub authorised_by: Option<String>,
    /// Hardening and inspection items.
    #[serde(default)]
    pub items: Vec<SecurityItem>,
}

/// A hardening or inspection item.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityItem {
    /// Hardening or inspection.
    pub kind: Spanned<SecurityKind>,
    /// What is checked or changed.
    pub title: String,
    /// Where it stands.
    pub status: Spanned<ItemStatus>,
    /// Remarks.
    #[serde(default)]
    pub notes: Option<String>,
}
