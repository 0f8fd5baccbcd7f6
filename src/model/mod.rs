//! The engagement as written in YAML: what serde reads, positions kept.
//!
//! These types mirror the file one to one. Validation and the template
//! context are built from them; nothing here is computed.

mod keys;
mod spanned;

pub use keys::*;
pub use spanned::{Pos, Spanned};

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
    pub objectives: Vec<Objective>,
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

/// Identity, parties, dates and conditions of the engagement.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Stable identifier; names the output folder.
    pub id: Spanned<String>,
    /// Title of the engagement as it appears on every cover.
    pub title: String,
    /// The service packages bought (§4.1).
    pub packages: Vec<Spanned<Package>>,
    /// Classification printed on every page, e.g. `機密` or `Confidential`.
    pub classification: String,
    /// The party delivering the service.
    pub provider: Provider,
    /// The party receiving the service.
    pub customer: Customer,
    /// When the customer applied for the service.
    pub applied_on: Date,
    /// When the service starts.
    pub starts_on: Date,
    /// When the service ends.
    pub ends_on: Date,
    /// Whether the work needs a large batch of resources (§3).
    #[serde(default)]
    pub large_resource_demand: Spanned<bool>,
    /// On-site residency windows agreed by both parties (§3.1.1).
    #[serde(default)]
    pub residency: Vec<Residency>,
}

/// The provider and its service team.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Legal or trading name.
    pub name: String,
    /// The expert service team (§3.1.3).
    pub team: Spanned<Vec<Person>>,
    /// The provider's logo and colour on the reports; the built-in look
    /// when absent.
    #[serde(default)]
    pub brand: Option<Brand>,
}

/// `#rrggbb` (or `#rgb`) written as Typst's `rgb("#rrggbb")` argument:
/// the colour in lower-case six-digit form, if `text` is one.
pub fn hex_colour(text: &str) -> Option<String> {
    let digits = text.trim().strip_prefix('#')?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match digits.len() {
        6 => Some(format!("#{}", digits.to_ascii_lowercase())),
        3 => Some(
            digits
                .chars()
                .flat_map(|c| [c, c])
                .fold(String::from("#"), |mut s, c| {
                    s.push(c.to_ascii_lowercase());
                    s
                }),
        ),
        _ => None,
    }
}

/// How the provider's reports look: data, not a template fork.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// The accent colour of headings, rules and tables, as `#rrggbb`.
    #[serde(default)]
    pub accent: Option<Spanned<String>>,
    /// A logo (PNG, JPEG or SVG inside the engagement directory) shown on
    /// the cover page.
    #[serde(default)]
    pub logo: Option<Spanned<String>>,
}

/// The customer and its contacts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Legal or trading name.
    pub name: String,
    /// People the team works with.
    pub contacts: Vec<Person>,
}

/// A named person with a role.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Role or job title in this engagement.
    pub role: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Telephone number.
    #[serde(default)]
    pub phone: Option<String>,
}

/// A window in which engineers work at the customer's site.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Residency {
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// Where.
    pub location: String,
}

/// A business goal the customer states.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Short statement of the goal.
    pub title: String,
    /// Details: the anomaly, the target figure, the sync need.
    #[serde(default)]
    pub detail: Markdown,
}

/// The scope of the service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Diagnosis scenarios covered (§4.1 一).
    pub scenarios: Vec<Spanned<Scenario>>,
    /// Consulting topics covered (§4.1 二).
    #[serde(default)]
    pub topics: Vec<Spanned<Topic>>,
    /// Requests the customer raised that the contract excludes (§2.1).
    #[serde(default)]
    pub excluded: Vec<ExcludedRequest>,
}

/// A request outside the contract's scope.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExcludedRequest {
    /// What the customer asked for.
    pub request: String,
    /// Which exclusion of §2.1 it falls under.
    pub category: Spanned<Exclusion>,
    /// Why it is excluded, and where the customer can get help instead.
    pub reason: String,
}

/// The service plan (§3.1.2, §6).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// When the plan was sent to the customer.
    pub submitted_on: Date,
    /// When the customer confirmed it.
    #[serde(default)]
    pub confirmed_on: Option<Date>,
    /// Who confirmed it.
    #[serde(default)]
    pub confirmed_by: Option<String>,
    /// How it was confirmed.
    #[serde(default)]
    pub confirmation: Option<Spanned<Confirmation>>,
    /// Milestones.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Activities of each phase.
    pub phases: Phases,
}

/// A milestone of the plan.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// What is reached.
    pub name: String,
    /// When.
    pub date: Date,
    /// Who is accountable.
    pub owner: String,
}

/// The activities of the three phases of §6.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phases {
    /// Assessment: requirements and surveys.
    pub assessment: Vec<PlannedActivity>,
    /// Inspection: checks, diagnosis, tuning.
    pub inspection: Vec<PlannedActivity>,
    /// Acceptance: reports and sign-off.
    pub acceptance: Vec<PlannedActivity>,
}

impl Phases {
    /// The phases in order, each with its activities.
    pub fn iter(&self) -> [(Phase, &[PlannedActivity]); 3] {
        [
            (Phase::Assessment, &self.assessment),
            (Phase::Inspection, &self.inspection),
            (Phase::Acceptance, &self.acceptance),
        ]
    }
}

/// One scheduled activity.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedActivity {
    /// The catalogue activity (§6).
    pub activity: Spanned<Activity>,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Who leads it.
    #[serde(default)]
    pub owner: Option<String>,
    /// What exactly is done.
    #[serde(default)]
    pub notes: Option<String>,
}

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
    /// Where it stands.
    pub status: Spanned<FindingStatus>,
    /// An exclusion of §2.1 this finding falls under, if any.
    #[serde(default)]
    pub excluded: Option<Spanned<Exclusion>>,
    /// Screenshots and other evidence inside the engagement directory.
    #[serde(default)]
    pub evidence: Vec<Figure>,
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

/// A stress test with its series before and after tuning.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StressTest {
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
    /// Measurements after tuning.
    #[serde(default)]
    pub after: Vec<Sample>,
    /// What the test shows.
    pub conclusion: Markdown,
}

fn default_throughput_unit() -> String {
    "req/s".into()
}

/// One measurement of a stress test.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
    /// When it must be implemented by (at most one calendar month later).
    pub implement_by: Date,
    /// When it was implemented.
    #[serde(default)]
    pub implemented_on: Option<Date>,
    /// Where it stands.
    pub status: Spanned<SolutionStatus>,
}

/// An enablement session (§3.1.4).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
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
}

/// Security work in scope (§3.1.2, §6).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Security {
    /// Whether the customer authorised 7x24 security-event monitoring.
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

/// Acceptance: what the service report covers and the sign-off.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// Which of the ten items of §7 一.2 the service report covers.
    pub items: Spanned<Vec<Spanned<ServiceItem>>>,
    /// Items still open at acceptance.
    #[serde(default)]
    pub open_items: Vec<OpenItem>,
    /// The customer's sign-off, once given.
    #[serde(default)]
    pub signoff: Option<Signoff>,
}

/// Something left open at acceptance.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenItem {
    /// What is open.
    pub description: String,
    /// Who closes it.
    pub owner: String,
    /// By when.
    #[serde(default)]
    pub due: Option<Date>,
}

/// The customer's sign-off of the acceptance report.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signoff {
    /// Who signed.
    pub by: String,
    /// Their title.
    pub title: String,
    /// When.
    pub on: Date,
    /// How: console, email, stamp or signature.
    pub method: Spanned<SignoffMethod>,
    /// A reference to the evidence, e.g. an email message id.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A version of the deliverables.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// Version number, e.g. `1.0`.
    pub version: String,
    /// Date of the version.
    pub date: Date,
    /// Who made it.
    pub author: String,
    /// What changed.
    pub change: String,
}

/// Days that break the Monday-to-Friday rule.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Weekdays that are not working days.
    #[serde(default)]
    pub holidays: Vec<Day>,
    /// Weekend days that are working days (make-up days).
    #[serde(default)]
    pub workdays: Vec<Day>,
}

/// A named day of the calendar.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Day {
    /// The date.
    pub date: Date,
    /// Its name, e.g. a holiday's.
    #[serde(default)]
    pub name: Option<String>,
}
