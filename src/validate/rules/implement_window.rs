//! §3, §7 二: a solution is implemented at most one calendar month after it
//! was proposed.

use super::RuleId;
use crate::calendar::add_month;
use crate::model::SolutionStatus;
use crate::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    for s in input.e.solutions.iter() {
        if *s.status == SolutionStatus::Declined {
            continue;
        }
        let limit = add_month(*s.proposed_on);
        if *s.implement_by > limit {
            sink.report(
                RuleId::ImplementWindow,
                "implement-late",
                s.implement_by.pos,
                format!(
                    "solution {} is due {}, more than a calendar month after its proposal on {}",
                    s.id.value, *s.implement_by, *s.proposed_on
                ),
            )
            .arg("id", &s.id.value)
            .arg("limit", limit)
            .hint(format!("set `implement_by` to {limit} or earlier"));
        }
        if let Some(done) = &s.implemented_on
            && **done > limit
        {
            sink.report(
                RuleId::ImplementWindow,
                "implemented-late",
                done.pos,
                format!(
                    "solution {} was implemented on {}, more than a calendar month after its proposal on {}",
                    s.id.value, **done, *s.proposed_on
                ),
            )
            .arg("id", &s.id.value)
            .arg("limit", limit)
            .hint("record why (e.g. force majeure) in the solution, and re-propose it if the plan changed");
        }
    }
}
