//! What the templates see of the results: findings and their retests,
//! risks, stress tests, solutions, sessions and the acceptance record.

use serde::Serialize;

use super::*;
use crate::pipeline::fill::charts;

/// A finding.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingCtx {
    pub id: String,
    pub title: String,
    pub scenario: String,
    pub product: String,
    pub severity: &'static str,
    pub severity_label: String,
    pub status: String,
    pub description: String,
    pub root_cause: String,
    pub recommendation: String,
    pub evidence: Vec<FigureCtx>,
    pub retests: Vec<RetestRow>,
}

/// One retest of a finding.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RetestRow {
    pub date: String,
    pub by: String,
    pub result: String,
    pub result_key: &'static str,
    /// Who accepted the risk, then the evidence, as printed.
    pub notes: Vec<String>,
}

/// What the retests did to the findings: each change of status with the
/// findings that went through it, and each finding retested with its
/// latest result.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RetestSummary {
    pub transitions: Vec<TransitionRow>,
    /// The findings retested after their fixes (the latest retest did not
    /// accept the risk).
    pub retested: Vec<RetestedRow>,
    /// The findings whose remaining risk the customer accepted.
    pub accepted: Vec<AcceptedRow>,
}

/// A finding whose remaining risk the customer accepted, and the record
/// of that acceptance.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AcceptedRow {
    pub id: String,
    pub title: String,
    pub date: String,
    pub by: String,
    /// The customer's technical reason for accepting the risk.
    pub reason: String,
    pub record: String,
}

/// One change of status, e.g. in progress → resolved.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TransitionRow {
    pub from: String,
    pub to: String,
    pub count: usize,
    pub ids: String,
}

/// A finding retested, with its latest retest.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RetestedRow {
    pub id: String,
    pub title: String,
    pub count: usize,
    pub date: String,
    pub by: String,
    /// The result, with who accepted the risk.
    pub result: String,
}

/// A risk.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RiskCtx {
    pub id: String,
    pub description: String,
    pub likelihood: u8,
    pub impact: u8,
    pub score: u32,
    pub level: &'static str,
    pub level_label: String,
    pub mitigation: String,
    pub owner: String,
    pub findings: String,
}

/// A stress test.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StressTestCtx {
    /// Its id, when service items or targets cite it.
    pub id: Option<String>,
    pub name: String,
    pub tool: String,
    pub target: String,
    pub unit: String,
    pub before: Vec<SampleCtx>,
    /// The latest round after tuning.
    pub after: Vec<SampleCtx>,
    /// Every series in order, labelled: before tuning, the earlier rounds
    /// after it with their dates, the latest round.
    pub phases: Vec<SeriesCtx>,
    /// Whether the test was measured again after tuning.
    pub remeasured: bool,
    pub conclusion: String,
    /// The charts' data, for `line-chart(…)`.
    pub chart: charts::StressCharts,
}

/// A series of measurements with the phase or round it belongs to.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SeriesCtx {
    /// As captions name it, dated in full.
    pub label: String,
    /// As the table's rows name it, dated briefly.
    pub row: String,
    pub samples: Vec<SampleCtx>,
}

/// One measurement, as printed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SampleCtx {
    pub concurrency: String,
    pub throughput: String,
    pub p50: String,
    pub p95: String,
    pub p99: String,
    pub error_rate: String,
}

/// The summary tables of the service report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SummaryCtx {
    pub scenarios: Vec<String>,
    pub findings: Vec<SeverityRow>,
    pub finding_totals: Vec<usize>,
    pub finding_total: usize,
    pub risks: Vec<RiskLevelRow>,
    pub solutions: Vec<CountRow>,
    pub topics: Vec<TopicRow>,
    pub topics_planned: usize,
    pub topics_covered: usize,
    pub topics_total: usize,
}

/// Findings of one severity, by scenario.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SeverityRow {
    pub key: &'static str,
    pub label: String,
    pub total: usize,
    pub counts: Vec<usize>,
}

/// Risks of one level.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RiskLevelRow {
    pub key: &'static str,
    pub label: String,
    pub count: usize,
    pub ids: String,
}

/// A label with a count.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CountRow {
    pub label: String,
    pub count: usize,
}

/// A consulting topic of the catalogue: in the plan, delivered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicRow {
    pub number: usize,
    pub label: String,
    pub planned: bool,
    pub covered: bool,
}

/// A solution.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SolutionCtx {
    pub id: String,
    pub title: String,
    pub description: String,
    pub findings: String,
    pub proposed_on: String,
    pub implement_by: Option<String>,
    pub implemented_on: Option<String>,
    pub needs_implementation: bool,
    pub declined_reason: Option<String>,
    pub status: String,
}

/// An enablement session.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SessionCtx {
    /// Its id, when service items cite it as evidence.
    pub id: Option<String>,
    pub topic: String,
    pub date: String,
    pub audience: String,
    pub presenter: Option<String>,
    pub format: Option<String>,
}

/// Security work.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SecurityCtx {
    pub authorised: bool,
    pub monitoring: String,
    pub items: Vec<SecurityItemCtx>,
}

/// A hardening or inspection item.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SecurityItemCtx {
    pub kind: String,
    pub title: String,
    pub status: String,
    pub notes: Option<String>,
}

/// Acceptance: service items, open items, sign-off.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AcceptanceCtx {
    pub items: Vec<ServiceItemRow>,
    /// Planned topics and service items not delivered, each waived or
    /// deferred by agreement.
    pub undelivered: Vec<UndeliveredRow>,
    pub open_items: Vec<OpenItemCtx>,
    pub signoff: Option<SignoffCtx>,
    /// The customer's confirmation in the cloud account console (§7 一.1),
    /// when recorded.
    pub console: Option<ConsoleCtx>,
}

/// A confirmation in the cloud account console, as printed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConsoleCtx {
    pub on: String,
    pub reference: String,
}

/// One of the ten service items, and what delivered it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServiceItemRow {
    pub key: &'static str,
    pub label: String,
    pub covered: bool,
    pub evidence: String,
}

/// A planned topic or service item not delivered, and what both parties
/// agreed about it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UndeliveredRow {
    pub what: String,
    pub decision: String,
    pub reason: String,
    pub customer: String,
    pub provider: String,
    pub on: String,
    pub due: Option<String>,
}

/// The verdict on one objective, as the verdicts table prints it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct VerdictRow {
    pub objective: String,
    /// `met`, `not-met`, `not-measured`, or `none` before a verdict.
    pub outcome: &'static str,
    pub label: String,
    /// The evidence ids, or the reason, or both.
    pub basis: String,
}

/// Something open at acceptance.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OpenItemCtx {
    pub description: String,
    pub owner: String,
    pub due: Option<String>,
}

/// The customer's sign-off.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SignoffCtx {
    /// The version of the acceptance report the customer confirmed: its
    /// latest on the day of the sign-off.
    pub version: Option<String>,
    pub by: String,
    pub title: String,
    pub on: String,
    pub method: String,
    /// Whether the customer signed or stamped this report by hand or
    /// digitally, so that the signature block carries the date.
    pub signed: bool,
    pub reference: Option<String>,
}

/// An element of the completion standard and what covers it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CompletionRow {
    pub label: String,
    pub evidence: String,
    pub done: bool,
}

/// A measurable target against its result.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TargetRow {
    pub objective: String,
    pub metric: String,
    pub target: String,
    pub result: Option<String>,
    /// When the result was measured, once dated.
    pub measured_on: Option<String>,
    pub source: Option<String>,
    pub met: &'static str,
    pub met_label: String,
}

/// An agreed deviation, as the deviations table prints it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeviationRow {
    pub clause: String,
    pub rule: String,
    pub what: String,
    pub customer: String,
    pub provider: String,
    pub on: String,
    pub evidence: String,
}

/// The statement of work's terms beside the catalogue's.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ContractCtx {
    /// Our term, the statement of work's, the clause.
    pub terms: Vec<(String, String, String)>,
    /// Whether the diagnosis package was bought.
    pub diagnosis: bool,
}

/// A deliverable.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeliverableRow {
    pub number: usize,
    pub key: &'static str,
    pub title: String,
    pub file: String,
}

/// A report the acceptance report certifies, as its digest table prints it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeliveredRow {
    pub number: usize,
    pub title: String,
    pub file: String,
    pub pages: usize,
    pub sha256: String,
    pub status: String,
}

/// A file the acceptance report carries, as it lists and attaches it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SourceRow {
    /// What the attachment is, with its digest: the PDF's file description.
    pub description: String,
    pub mime: String,
    /// Its path relative to the engagement directory.
    pub name: String,
    pub sha256: String,
    /// Its length, as printed.
    pub size: String,
    /// Its path in the report's world.
    pub src: String,
}

/// Which report is being filled.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportCtx {
    pub key: &'static str,
    pub number: usize,
    pub title: String,
    pub subject: String,
}
