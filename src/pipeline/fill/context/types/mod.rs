//! What the templates see, as types: every field a template reads is a
//! field here. `Meta` is written into the reports as a Typst dictionary
//! (`meta|typ`), so its fields, and its labels', stand in alphabetical
//! order, as the generated source lists them.

mod results;

use serde::Serialize;

pub(crate) use results::*;

use crate::pipeline::fill::charts;

/// A catalogue key with its label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Keyed {
    /// The stable key.
    pub key: &'static str,
    /// Its label in the report's language.
    pub label: String,
}

/// The document metadata every report's `report.with(…)` receives.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Meta {
    pub authors: Vec<String>,
    pub classification: String,
    /// The contract or order, as the document-control page names it.
    pub contract: Option<String>,
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
    /// The images that cannot be used, by their Typst paths: a placeholder
    /// stands where each goes.
    pub unavailable: Vec<String>,
    pub version: String,
}

/// One open gap of a draft: the requirement's title and its clause of the
/// statement of work, the problem, and what closes it.
pub(crate) type GapRow = (String, String, String, String);

/// The labels of the document frame: control page, footer, gaps page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocLabels {
    pub author: String,
    pub change: String,
    pub classification: String,
    pub contract: String,
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
    pub gaps_rule: String,
    pub gaps_title: String,
    pub history: String,
    pub image_unavailable: String,
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
    /// With a large resource demand, the earliest start a month after the
    /// application (§3), and whether the start keeps it.
    pub large_demand: Option<LargeDemandCtx>,
    pub lead_days: i64,
    pub residency: Vec<ResidencyCtx>,
    pub onsite: bool,
    pub accepted: Option<AcceptedCtx>,
    pub termination: Option<TerminationCtx>,
    pub consulting: bool,
    pub diagnosis: bool,
}

/// The provider and its team.
/// A large resource demand (§3): the start a month after the application
/// the contract advises, and whether the service keeps it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LargeDemandCtx {
    pub earliest: String,
    pub kept: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ProviderCtx {
    pub name: String,
    pub team: Vec<PersonCtx>,
    /// The engagement lead: the team's first member.
    pub lead: Option<String>,
    pub lead_role: Option<String>,
}

/// The customer and its contacts.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CustomerCtx {
    pub name: String,
    pub contacts: Vec<PersonCtx>,
}

/// A person.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonCtx {
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// An on-site window.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResidencyCtx {
    pub from: String,
    pub to: String,
    pub location: String,
}

/// The provider's acceptance of the application.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AcceptedCtx {
    pub on: String,
    pub by: String,
    pub note: Option<String>,
}

/// An early end of the service.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TerminationCtx {
    pub on: String,
    /// Suspended rather than ended.
    pub suspended: bool,
    pub by: String,
    pub note: String,
    pub reason: String,
}

/// A business goal.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ObjectiveCtx {
    pub title: String,
    pub detail: String,
}

/// The scope: scenarios, topics, exclusions.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ScopeCtx {
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
pub(crate) struct ScenarioCtx {
    pub key: &'static str,
    pub label: String,
    pub short: String,
}

/// A consulting topic, with its number in the catalogue.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicCtx {
    pub key: &'static str,
    pub label: String,
    pub number: usize,
}

/// A request the contract excludes.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ExcludedCtx {
    pub request: String,
    pub category: String,
    pub reason: String,
}

/// The plan.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlanCtx {
    pub submitted_on: String,
    pub confirmed_on: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmation: Option<String>,
    /// Whether the customer confirmed the plan in writing (on paper),
    /// so that the signature block carries the date.
    pub confirmed_in_writing: bool,
    pub milestones: Vec<MilestoneCtx>,
    pub phases: Vec<PhaseCtx>,
    /// The Gantt chart's data, for `gantt(…)`.
    pub gantt: charts::Gantt,
}

/// A milestone.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MilestoneCtx {
    pub name: String,
    pub date: String,
    pub owner: String,
}

/// A phase with its activities.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PhaseCtx {
    pub key: &'static str,
    pub label: String,
    pub activities: Vec<ActivityCtx>,
}

/// A planned activity.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ActivityCtx {
    /// Its id, when service items cite it as evidence.
    pub id: Option<String>,
    pub key: &'static str,
    pub label: String,
    pub from: String,
    pub to: String,
    pub owner: Option<String>,
    pub notes: Option<String>,
}

/// The survey.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SurveyCtx {
    pub business: String,
    pub architecture: String,
    pub diagrams: Vec<FigureCtx>,
    pub resources: Vec<ResourceCtx>,
    pub resource_total: u64,
    pub analysis: String,
}

/// An image and its caption.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FigureCtx {
    /// Its path in the report's world.
    pub src: String,
    pub caption: String,
    /// What it shows, for readers who cannot see it.
    pub alt: String,
}

/// A line of the resource inventory.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResourceCtx {
    pub product: String,
    pub spec: String,
    pub count: u32,
    pub region: String,
    pub notes: Option<String>,
}
