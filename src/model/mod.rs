//! The engagement as written in YAML: what serde reads, positions kept.
//!
//! These types mirror the file one to one. Validation and the template
//! context are built from them; nothing here is computed.

mod keys;
pub mod markdown;
mod spanned;

pub use keys::*;
pub use spanned::{Pos, Spanned};

use std::ops::Deref;

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
    pub fn evidence_ids(&self) -> impl Iterator<Item = (&Spanned<String>, EvidenceKind)> {
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
pub enum EvidenceKind {
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
    /// The provider's decision to take on the application (§3).
    #[serde(default)]
    pub accepted: Option<ApplicationAccepted>,
    /// The end of a service stopped before `ends_on` (§3).
    #[serde(default)]
    pub termination: Option<Termination>,
    /// Who the reports are distributed to, printed on the document-control
    /// page; a neutral sentence naming both parties when absent.
    #[serde(default)]
    pub distribution: Option<String>,
}

/// The provider's acceptance of the customer's application (§3: it
/// assesses the goals and schedule, then confirms whether it takes the
/// service on).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationAccepted {
    /// When the provider confirmed it takes the service on.
    pub on: Date,
    /// Who confirmed it for the provider.
    pub by: String,
    /// Conditions or remarks of the acceptance.
    #[serde(default)]
    pub note: Option<String>,
}

/// A service ended or suspended before its planned end (§3).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// The last day of service.
    pub on: Date,
    /// Why it ended.
    pub reason: Spanned<TerminationReason>,
    /// Who decided or agreed on it.
    pub by: String,
    /// What happened, in a sentence or two.
    pub note: String,
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
    /// The platform's community where customers get free advice on what
    /// the service excludes (§2.1 note); a generic name when absent.
    #[serde(default)]
    pub community: Option<String>,
    /// The platform's marketplace whose vendors help with third-party
    /// software (§2.1 note); a generic name when absent.
    #[serde(default)]
    pub marketplace: Option<String>,
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
    /// Measurable targets agreed for this goal (§3.1.3: the system's
    /// figures reach the stability both parties agreed on).
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// A measurable target of an objective and, once measured, its result.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// What is measured, e.g. `P99 latency of the order API`.
    pub metric: String,
    /// The agreed figure.
    pub target: Spanned<f64>,
    /// Unit of the figure, e.g. `ms`, `req/s`, `%`.
    pub unit: String,
    /// Whether the result must stay at most or reach at least the target.
    pub comparison: Spanned<Comparison>,
    /// The measured figure, once measured.
    #[serde(default)]
    pub result: Option<Spanned<f64>>,
    /// The stress test or finding whose measurement the result comes from.
    #[serde(default)]
    pub measured_by: Option<Spanned<String>>,
}

impl Target {
    /// Whether the result meets the target; `None` before it is measured.
    pub fn met(&self) -> Option<bool> {
        let result = self.result.as_ref()?.value;
        Some(match self.comparison.value {
            Comparison::AtMost => result <= self.target.value,
            Comparison::AtLeast => result >= self.target.value,
        })
    }
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
    /// Every activity of the three phases, in order.
    pub fn activities(&self) -> impl Iterator<Item = &PlannedActivity> {
        self.assessment
            .iter()
            .chain(&self.inspection)
            .chain(&self.acceptance)
    }

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
    /// Identifier, e.g. `A-05`, for service items to name as evidence.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
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
    /// The consulting topics of §4.1 二 this finding is about.
    #[serde(default)]
    pub consulting_topics: Vec<Spanned<Topic>>,
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

/// The level of a likelihood × impact score.
pub fn risk_level(score: u32) -> &'static str {
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
    /// The consulting topics of §4.1 二 this solution is about.
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
    /// The consulting topics of §4.1 二 the session covered.
    #[serde(default)]
    pub consulting_topics: Vec<Spanned<Topic>>,
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
    /// Which of the ten items of §7 一.2 the service report covers, each
    /// with what delivered it.
    pub items: Spanned<Vec<Spanned<CoveredItem>>>,
    /// Items still open at acceptance.
    #[serde(default)]
    pub open_items: Vec<OpenItem>,
    /// The customer's sign-off, once given.
    #[serde(default)]
    pub signoff: Option<Signoff>,
}

/// A service item the service report covers, and the ids of what
/// delivered it (findings, solutions, stress tests, sessions, activities).
/// Written as `{ item: health-check, evidence: [A-05, F-01] }`; a bare key
/// (`health-check`) is an item with no evidence yet.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum CoveredItemSchema {
    /// The item's key alone.
    Key(ServiceItem),
    /// The item with its evidence.
    Entry {
        /// The item of §7 一.2.
        item: ServiceItem,
        /// Ids of the findings, solutions, stress tests, sessions or plan
        /// activities that delivered it.
        #[serde(default)]
        evidence: Vec<String>,
    },
}

/// A service item the service report covers, with its evidence.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(with = "CoveredItemSchema")]
pub struct CoveredItem {
    /// The item of §7 一.2.
    pub item: Spanned<ServiceItem>,
    /// Ids of what delivered it.
    pub evidence: Vec<Spanned<String>>,
}

impl Deref for CoveredItem {
    type Target = ServiceItem;

    fn deref(&self) -> &ServiceItem {
        &self.item.value
    }
}

impl<'de> Deserialize<'de> for CoveredItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CoveredItemVisitor)
    }
}

struct CoveredItemVisitor;

impl<'de> serde::de::Visitor<'de> for CoveredItemVisitor {
    type Value = CoveredItem;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a service item key, or a mapping with `item` and `evidence`")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<CoveredItem, E> {
        let item = ServiceItem::deserialize(serde::de::value::StrDeserializer::<E>::new(key))?;
        Ok(CoveredItem {
            item: Spanned::detached(item),
            evidence: Vec::new(),
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<CoveredItem, A::Error> {
        use serde::de::Error;
        let mut item = None;
        let mut evidence = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "item" if item.is_none() => item = Some(map.next_value()?),
                "evidence" if evidence.is_none() => evidence = Some(map.next_value()?),
                "item" | "evidence" => return Err(A::Error::duplicate_field("item")),
                other => return Err(A::Error::unknown_field(other, &["item", "evidence"])),
            }
        }
        Ok(CoveredItem {
            item: item.ok_or_else(|| A::Error::missing_field("item"))?,
            evidence: evidence.unwrap_or_default(),
        })
    }
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

/// A deviation from the statement of work agreed by both parties.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The contract rule the deviation covers.
    pub rule: Spanned<WaivableRule>,
    /// The solution it concerns, for `implement-window`.
    #[serde(default)]
    pub solution: Option<Spanned<String>>,
    /// What happened, e.g. a late application the provider accepted, or
    /// force majeure that delayed an implementation.
    pub what: String,
    /// Who agreed on it, on each side.
    pub agreed_by: Agreement,
    /// When it was agreed.
    pub agreed_on: Date,
    /// Where the agreement is recorded, e.g. an email's subject.
    pub evidence: String,
}

/// Who agreed on a deviation, on each side.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// For the customer.
    pub customer: String,
    /// For the provider.
    pub provider: String,
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
