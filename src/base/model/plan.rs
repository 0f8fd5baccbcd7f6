//! What the customer wants and what the plan promises: objectives with
//! their targets, the scope, the plan and its activities.

use schemars::JsonSchema;
use serde::Deserialize;

use super::*;

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
    /// What acceptance found: met, not met or not measured, with the
    /// evidence or the reason. Objectives whose targets are all measured
    /// have theirs from the figures; the others need one before the
    /// acceptance report is final.
    #[serde(default)]
    pub verdict: Option<Spanned<Verdict>>,
}

impl Objective {
    /// What the measured targets settle: `Some(true)` when every target
    /// is measured and reached, `Some(false)` when every target is
    /// measured and one is missed; `None` without targets or before all
    /// are measured.
    pub fn figures(&self) -> Option<bool> {
        if self.targets.is_empty() {
            return None;
        }
        self.targets
            .iter()
            .map(Target::met)
            .collect::<Option<Vec<bool>>>()
            .map(|met| met.iter().all(|m| *m))
    }

    /// The verdict: the one written, or the one the figures settle.
    pub fn outcome(&self) -> Option<Outcome> {
        match (&self.verdict, self.figures()) {
            (Some(v), _) => Some(v.outcome.value),
            (None, Some(true)) => Some(Outcome::Met),
            (None, Some(false)) => Some(Outcome::NotMet),
            (None, None) => None,
        }
    }
}

/// The verdict on an objective at acceptance.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    /// Met, not met or not measured.
    pub outcome: Spanned<Outcome>,
    /// Ids of what shows it (findings, solutions, stress tests, sessions,
    /// plan activities), e.g. `[T-01, F-02]`.
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
    /// Why it was not met or not measured, and what follows; for a met
    /// objective, how it was judged.
    #[serde(default)]
    pub reason: Option<String>,
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
    /// The day the result was measured; needed once the target has
    /// `earlier` results.
    #[serde(default)]
    pub measured_on: Option<Date>,
    /// Earlier results, replaced by the latest, oldest first: a metric
    /// measured again keeps every result with its date.
    #[serde(default)]
    pub earlier: Vec<EarlierResult>,
}

/// A result of a target since measured again.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EarlierResult {
    /// The measured figure.
    pub result: Spanned<f64>,
    /// The day it was measured.
    pub measured_on: Date,
    /// The stress test or finding that measured it.
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
