//! What the templates see, as types: every field a template reads is a
//! field here. `Meta` is written into the reports as a Typst dictionary
//! (`meta|typ`), so its fields, and its labels', stand in alphabetical
//! order, as the generated source lists them.

use serde::Serialize;

use crate::fill::charts;

/// A catalogue key with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Keyed {
    /// The stable key.
    pub key: &'static str,
    /// Its label in the report's language.
    pub label: String,
}

/// The document metadata every report's `report.with(…)` receives.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub authors: Vec<String>,
    pub classification: String,
    pub customer: String,
    pub date: String,
    pub date_parts: (i32, u32, u32),
    pub draft: bool,
    pub engagement: String,
    /// The CJK face.
    pub font: String,
    /// The open gaps of a draft, in the order of their positions.
    pub gaps: Vec<GapRow>,
    /// Version, date, author, change.
    pub history: Vec<(String, String, String, String)>,
    pub id: String,
    pub keywords: Vec<String>,
    pub labels: DocLabels,
    pub lang: String,
    /// The Latin face, set before the CJK one.
    pub latin: String,
    pub logo: Option<String>,
    pub mono: String,
    pub provider: String,
    pub region: String,
    pub subject: String,
    pub title: String,
    pub version: String,
}

/// One open gap of a draft: the rule's name and id, the problem, what
/// closes it, and where.
pub type GapRow = (String, String, String, String, String);

/// The labels of the document frame: control page, footer, gaps page.
#[derive(Debug, Clone, Serialize)]
pub struct DocLabels {
    pub author: String,
    pub change: String,
    pub classification: String,
    pub control: String,
    pub customer: String,
    pub date: String,
    pub distribution: String,
    pub distribution_text: String,
    pub draft: String,
    pub engagement: String,
    pub engagement_id: String,
    pub figure: String,
    pub figures: String,
    pub gaps_fix: String,
    pub gaps_intro: String,
    pub gaps_item: String,
    pub gaps_location: String,
    pub gaps_rule: String,
    pub gaps_title: String,
    pub history: String,
    pub page: String,
    pub prepared_by: String,
    pub prepared_for: String,
    pub provider: String,
    pub toc: String,
    pub version: String,
}

/// The engagement's header: parties, dates, conditions.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub id: String,
    pub title: String,
    pub classification: String,
    pub packages: Vec<Keyed>,
    pub provider: ProviderCtx,
    pub customer: CustomerCtx,
    pub applied_on: String,
    pub starts_on: String,
    pub ends_on: String,
    pub period: String,
    pub large_resource_demand: String,
    pub lead_days: i64,
    pub residency: Vec<ResidencyCtx>,
    pub onsite: bool,
    pub accepted: Option<AcceptedCtx>,
    pub termination: Option<TerminationCtx>,
    pub consulting: bool,
    pub diagnosis: bool,
}

/// The provider and its team.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderCtx {
    pub name: String,
    pub team: Vec<PersonCtx>,
    /// The engagement lead: the team's first member.
    pub lead: Option<String>,
    pub lead_role: Option<String>,
}

/// The customer and its contacts.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerCtx {
    pub name: String,
    pub contacts: Vec<PersonCtx>,
}

/// A person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonCtx {
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// An on-site window.
#[derive(Debug, Clone, Serialize)]
pub struct ResidencyCtx {
    pub from: String,
    pub to: String,
    pub location: String,
}

/// The provider's acceptance of the application.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptedCtx {
    pub on: String,
    pub by: String,
    pub note: Option<String>,
}

/// An early end of the service.
#[derive(Debug, Clone, Serialize)]
pub struct TerminationCtx {
    pub on: String,
    pub by: String,
    pub note: String,
    pub reason: String,
}

/// A business goal.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveCtx {
    pub title: String,
    pub detail: String,
}

/// The scope: scenarios, topics, exclusions.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeCtx {
    pub scenarios: Vec<ScenarioCtx>,
    pub topics: Vec<TopicCtx>,
    pub excluded: Vec<ExcludedCtx>,
    /// The four exclusions of the contract, labelled.
    pub exclusions: Vec<String>,
    /// Where the customer gets help with what is excluded.
    pub support: String,
}

/// A diagnosis scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioCtx {
    pub key: &'static str,
    pub label: String,
    pub short: String,
}

/// A consulting topic, with its number in the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct TopicCtx {
    pub key: &'static str,
    pub label: String,
    pub number: usize,
}

/// A request the contract excludes.
#[derive(Debug, Clone, Serialize)]
pub struct ExcludedCtx {
    pub request: String,
    pub category: String,
    pub reason: String,
}

/// The plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanCtx {
    pub submitted_on: String,
    pub confirmed_on: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmation: Option<String>,
    pub milestones: Vec<MilestoneCtx>,
    pub phases: Vec<PhaseCtx>,
    /// The Gantt chart's data, for `gantt(…)`.
    pub gantt: charts::Gantt,
}

/// A milestone.
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneCtx {
    pub name: String,
    pub date: String,
    pub owner: String,
}

/// A phase with its activities.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseCtx {
    pub key: &'static str,
    pub label: String,
    pub activities: Vec<ActivityCtx>,
}

/// A planned activity.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityCtx {
    pub key: &'static str,
    pub label: String,
    pub from: String,
    pub to: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
}

/// The survey.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyCtx {
    pub business: String,
    pub architecture: String,
    pub diagrams: Vec<FigureCtx>,
    pub resources: Vec<ResourceCtx>,
    pub resource_total: u64,
    pub analysis: String,
}

/// An image and its caption.
#[derive(Debug, Clone, Serialize)]
pub struct FigureCtx {
    /// Its path in the report's world.
    pub src: String,
    pub caption: String,
    /// What it shows, for readers who cannot see it.
    pub alt: String,
}

/// A line of the resource inventory.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceCtx {
    pub product: String,
    pub spec: String,
    pub count: u32,
    pub region: String,
    pub notes: Option<String>,
}

/// A finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingCtx {
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
pub struct RetestRow {
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
pub struct RetestSummary {
    pub transitions: Vec<TransitionRow>,
    pub retested: Vec<RetestedRow>,
}

/// One change of status, e.g. in progress → resolved.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionRow {
    pub from: String,
    pub to: String,
    pub count: usize,
    pub ids: String,
}

/// A finding retested, with its latest retest.
#[derive(Debug, Clone, Serialize)]
pub struct RetestedRow {
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
pub struct RiskCtx {
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
pub struct StressTestCtx {
    pub name: String,
    pub tool: String,
    pub target: String,
    pub unit: String,
    pub before: Vec<SampleCtx>,
    pub after: Vec<SampleCtx>,
    pub conclusion: String,
    /// The charts' data, for `line-chart(…)`.
    pub chart: charts::StressCharts,
}

/// One measurement, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct SampleCtx {
    pub concurrency: u32,
    pub throughput: String,
    pub p50: String,
    pub p95: String,
    pub p99: String,
    pub error_rate: String,
}

/// The summary tables of the service report.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryCtx {
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
pub struct SeverityRow {
    pub key: &'static str,
    pub label: String,
    pub total: usize,
    pub counts: Vec<usize>,
}

/// Risks of one level.
#[derive(Debug, Clone, Serialize)]
pub struct RiskLevelRow {
    pub key: &'static str,
    pub label: String,
    pub count: usize,
    pub ids: String,
}

/// A label with a count.
#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    pub label: String,
    pub count: usize,
}

/// A consulting topic of the catalogue: in the plan, delivered.
#[derive(Debug, Clone, Serialize)]
pub struct TopicRow {
    pub number: usize,
    pub label: String,
    pub planned: bool,
    pub covered: bool,
}

/// A solution.
#[derive(Debug, Clone, Serialize)]
pub struct SolutionCtx {
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
pub struct SessionCtx {
    pub topic: String,
    pub date: String,
    pub audience: String,
    pub presenter: Option<String>,
    pub format: Option<String>,
}

/// Security work.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityCtx {
    pub authorised: bool,
    pub monitoring: String,
    pub items: Vec<SecurityItemCtx>,
}

/// A hardening or inspection item.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityItemCtx {
    pub kind: String,
    pub title: String,
    pub status: String,
    pub notes: Option<String>,
}

/// Acceptance: service items, open items, sign-off.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceCtx {
    pub items: Vec<ServiceItemRow>,
    pub open_items: Vec<OpenItemCtx>,
    pub signoff: Option<SignoffCtx>,
}

/// One of the ten service items, and what delivered it.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceItemRow {
    pub key: &'static str,
    pub label: String,
    pub covered: bool,
    pub evidence: String,
}

/// Something open at acceptance.
#[derive(Debug, Clone, Serialize)]
pub struct OpenItemCtx {
    pub description: String,
    pub owner: String,
    pub due: Option<String>,
}

/// The customer's sign-off.
#[derive(Debug, Clone, Serialize)]
pub struct SignoffCtx {
    pub by: String,
    pub title: String,
    pub on: String,
    pub method: String,
    pub reference: Option<String>,
}

/// An element of the completion standard and what covers it.
#[derive(Debug, Clone, Serialize)]
pub struct CompletionRow {
    pub label: String,
    pub evidence: String,
    pub done: bool,
}

/// A measurable target against its result.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub objective: String,
    pub metric: String,
    pub target: String,
    pub result: Option<String>,
    pub source: Option<String>,
    pub met: &'static str,
    pub met_label: String,
}

/// An agreed deviation, as the deviations table prints it.
#[derive(Debug, Clone, Serialize)]
pub struct DeviationRow {
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
pub struct ContractCtx {
    /// Our term, the statement of work's, the clause.
    pub terms: Vec<(String, String, String)>,
    /// Whether the diagnosis package was bought.
    pub diagnosis: bool,
}

/// A deliverable.
#[derive(Debug, Clone, Serialize)]
pub struct DeliverableRow {
    pub number: usize,
    pub key: &'static str,
    pub title: String,
    pub file: String,
}

/// A report the acceptance report certifies, as its digest table prints it.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveredRow {
    pub number: usize,
    pub title: String,
    pub file: String,
    pub pages: usize,
    pub sha256: String,
    pub status: String,
}

/// A file the acceptance report carries, as it lists and attaches it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
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
pub struct ReportCtx {
    pub key: &'static str,
    pub number: usize,
    pub title: String,
    pub subject: String,
}
