//! The rule catalogue: one rule a file, each citing the clause it enforces.

mod completion;
mod consistency;
mod declined_reason;
mod deviations;
mod implement_window;
mod large_demand;
mod lead_time;
mod out_of_scope;
mod placeholder;
mod plan_confirmed;
mod security_auth;
mod service_items;
mod signoff;
mod targets;

use crate::diagnostic::Severity;
use crate::report::ReportKey;

use super::{Input, Sink};

/// The stable identifier of a validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    /// The service starts at least 10 working days after the application.
    LeadTime,
    /// Large resource demand: apply a calendar month ahead.
    LargeDemand,
    /// The plan is confirmed in writing or by email within 5 working days.
    PlanConfirmed,
    /// Solutions are implemented within one calendar month of proposal.
    ImplementWindow,
    /// Nothing in an excluded category is treated as in scope.
    OutOfScope,
    /// The service and acceptance reports have every element of §3.1.4.
    Completion,
    /// The service report covers at least one item of §7 一.2.
    ServiceItems,
    /// A final acceptance report has the customer's sign-off.
    Signoff,
    /// Security work needs the 7x24 monitoring authorisation.
    SecurityAuth,
    /// Dates in order, ids unique, references resolve, assets exist.
    Consistency,
    /// A declined solution has the customer's technical reason.
    DeclinedReason,
    /// Measurable targets have measured results, and meet them.
    Targets,
    /// Values `init` wrote as placeholders have been replaced.
    Placeholder,
    /// Agreed deviations cover a breach: applied after every other rule.
    Deviations,
}

pub use deviations::rule_of;

use ReportKey::{Acceptance, Plan, Service, Startup, Survey};

impl RuleId {
    /// Every rule, in the order they run.
    pub const ALL: &'static [RuleId] = &[
        RuleId::Consistency,
        RuleId::LeadTime,
        RuleId::LargeDemand,
        RuleId::PlanConfirmed,
        RuleId::ImplementWindow,
        RuleId::OutOfScope,
        RuleId::Completion,
        RuleId::ServiceItems,
        RuleId::Signoff,
        RuleId::SecurityAuth,
        RuleId::DeclinedReason,
        RuleId::Targets,
        RuleId::Placeholder,
        RuleId::Deviations,
    ];

    /// The id shown in diagnostics and documentation.
    pub fn id(self) -> &'static str {
        match self {
            RuleId::LeadTime => "lead-time",
            RuleId::LargeDemand => "large-demand",
            RuleId::PlanConfirmed => "plan-confirmed",
            RuleId::ImplementWindow => "implement-window",
            RuleId::OutOfScope => "out-of-scope",
            RuleId::Completion => "completion",
            RuleId::ServiceItems => "service-items",
            RuleId::Signoff => "signoff",
            RuleId::SecurityAuth => "security-auth",
            RuleId::Consistency => "consistency",
            RuleId::DeclinedReason => "declined-reason",
            RuleId::Targets => "targets",
            RuleId::Placeholder => "placeholder",
            RuleId::Deviations => "deviations",
        }
    }

    /// The rule whose id is `id`.
    pub fn from_id(id: &str) -> Option<RuleId> {
        Self::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// How serious a violation is.
    pub fn severity(self) -> Severity {
        match self {
            RuleId::LargeDemand | RuleId::OutOfScope | RuleId::Placeholder | RuleId::Deviations => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }

    /// The clause of the statement of work the rule comes from; none for
    /// the consistency checks, which no single clause states.
    pub fn clause(self) -> Option<&'static str> {
        Some(match self {
            RuleId::LeadTime => "§3, §6",
            RuleId::LargeDemand => "§3",
            RuleId::PlanConfirmed => "§3.1.2",
            RuleId::ImplementWindow => "§3, §7 二",
            RuleId::OutOfScope => "§2.1",
            RuleId::Completion => "§3.1.4",
            RuleId::ServiceItems => "§7 一.2",
            RuleId::Signoff => "§7 一.1, §8",
            RuleId::SecurityAuth => "§3.1.2",
            RuleId::DeclinedReason => "§3, §3.1.2",
            RuleId::Targets => "§3.1.3",
            RuleId::Consistency | RuleId::Placeholder | RuleId::Deviations => return None,
        })
    }

    /// The reports a violation keeps from being final.
    pub fn reports(self) -> &'static [ReportKey] {
        match self {
            RuleId::LeadTime | RuleId::LargeDemand => &[Startup, Plan],
            RuleId::PlanConfirmed => &[Plan, Service, Acceptance],
            RuleId::ImplementWindow => &[Service, Acceptance],
            RuleId::OutOfScope => &[Service],
            RuleId::Completion => &[Service, Acceptance],
            RuleId::ServiceItems => &[Service, Acceptance],
            RuleId::Signoff => &[Acceptance],
            RuleId::SecurityAuth => &[Service, Acceptance],
            RuleId::DeclinedReason => &[Service, Acceptance],
            RuleId::Targets => &[Service, Acceptance],
            RuleId::Consistency | RuleId::Placeholder => {
                &[Startup, Plan, Survey, Service, Acceptance]
            }
            RuleId::Deviations => &[],
        }
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Runs one rule.
pub(super) fn check(rule: RuleId, input: &Input<'_>, sink: &mut Sink<'_>) {
    match rule {
        RuleId::LeadTime => lead_time::check(input, sink),
        RuleId::LargeDemand => large_demand::check(input, sink),
        RuleId::PlanConfirmed => plan_confirmed::check(input, sink),
        RuleId::ImplementWindow => implement_window::check(input, sink),
        RuleId::OutOfScope => out_of_scope::check(input, sink),
        RuleId::Completion => completion::check(input, sink),
        RuleId::ServiceItems => service_items::check(input, sink),
        RuleId::Signoff => signoff::check(input, sink),
        RuleId::SecurityAuth => security_auth::check(input, sink),
        RuleId::Consistency => consistency::check(input, sink),
        RuleId::DeclinedReason => declined_reason::check(input, sink),
        RuleId::Targets => targets::check(input, sink),
        RuleId::Placeholder => placeholder::check(input, sink),
        RuleId::Deviations => deviations::apply(&input.e.exceptions, sink),
    }
}
