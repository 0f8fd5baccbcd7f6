//! The rule catalogue: one rule a file, each citing the clause it enforces.

mod alt_text;
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
mod retests;
mod security_auth;
mod service_items;
mod signoff;
mod targets;
mod versions;

pub use crate::base::code::RuleId;
pub use deviations::rule_of;

use super::{Input, Sink};

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
        RuleId::AltText => alt_text::check(input, sink),
        RuleId::Retests => retests::check(input, sink),
        RuleId::Versions => versions::check(input, sink),
        RuleId::Deviations => deviations::apply(input.e, sink),
    }
}

pub(super) use crate::base::report::printed_by as reports_of;
