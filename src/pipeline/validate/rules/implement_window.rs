//! §3.1.2, §7 二: where a solution's effect can only be confirmed once it is
//! implemented, the customer implements it at most one calendar month after
//! it was proposed.

use super::RuleId;
use crate::base::calendar::add_month;
use crate::base::diagnostic::Code;
use crate::base::model::SolutionStatus;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let solutions = input
        .e
        .solutions
        .iter()
        .filter(|s| *s.needs_implementation && *s.status != SolutionStatus::Declined);
    for s in solutions {
        let limit = add_month(*s.proposed_on);
        match &s.implement_by {
            None => {
                sink.report(
                    RuleId::ImplementWindow,
                    Code::ImplementUndated,
                    s.needs_implementation.pos,
                    format!(
                        "solution {} needs implementation but has no `implement_by` date",
                        s.id.value
                    ),
                )
                .arg("id", &s.id.value)
                .arg("limit", limit)
                .hint(format!("add `implement_by: {limit}` or earlier"));
            }
            Some(due) if **due > limit => {
                sink.report(
                    RuleId::ImplementWindow,
                    Code::ImplementLate,
                    due.pos,
                    format!(
                        "solution {} is due {}, more than a calendar month after its proposal on {}",
                        s.id.value, **due, *s.proposed_on
                    ),
                )
                .arg("id", &s.id.value)
                .arg("limit", limit)
                .hint(format!(
                    "set `implement_by` to {limit} or earlier, or record the agreed delay under `exceptions` with `rule: implement-window`"
                ));
            }
            Some(_) => {}
        }
        if let Some(done) = &s.implemented_on
            && **done > limit
        {
            sink.report(
                RuleId::ImplementWindow,
                Code::ImplementedLate,
                done.pos,
                format!(
                    "solution {} was implemented on {}, more than a calendar month after its proposal on {}",
                    s.id.value, **done, *s.proposed_on
                ),
            )
            .arg("id", &s.id.value)
            .arg("limit", limit)
            .hint("if both parties agreed to the delay (e.g. force majeure), record it under `exceptions` with `rule: implement-window` and the solution's id");
        }
    }
}
