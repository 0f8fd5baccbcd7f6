//! §3, §3.1.2, §7 二: the customer implements each solution at the time
//! both parties agreed, at most one calendar month after it was proposed;
//! where a solution's effect can only be confirmed once it is implemented,
//! that is also what the acceptance waits for. A solution recorded as
//! implemented says when.

use super::RuleId;
use crate::base::calendar::add_month;
use crate::base::diagnostic::Code;
use crate::base::model::{Solution, SolutionStatus};
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let solutions = input
        .e
        .solutions
        .iter()
        .filter(|s| *s.status != SolutionStatus::Declined);
    for s in solutions {
        let limit = add_month(*s.proposed_on);
        let done = matches!(
            *s.status,
            SolutionStatus::Implemented | SolutionStatus::Verified
        );
        agreed_time(s, limit, done, sink);
        match &s.implemented_on {
            None if done => {
                sink.report(
                    RuleId::ImplementWindow,
                    Code::ImplementedUndated,
                    s.status.pos,
                    format!(
                        "solution {} is {} but does not say when it was implemented",
                        s.id.value, s.status.value
                    ),
                )
                .arg("id", &s.id.value)
                .hint("add `implemented_on:` with the day the customer implemented it");
            }
            Some(on) if **on > limit => {
                sink.report(
                    RuleId::ImplementWindow,
                    Code::ImplementedLate,
                    on.pos,
                    format!(
                        "solution {} was implemented on {}, more than a calendar month after its proposal on {}",
                        s.id.value, **on, *s.proposed_on
                    ),
                )
                .arg("id", &s.id.value)
                .arg("limit", limit)
                .hint("if both parties agreed to the delay (e.g. force majeure), record it under `exceptions` with `rule: implement-window` and the solution's id");
            }
            _ => {}
        }
    }
}

/// The time both parties agreed for implementing `s`: given, and within
/// `limit`, for every solution not implemented yet (`done` says whether it
/// is recorded as implemented) and for those whose effect waits on their
/// implementation.
fn agreed_time(s: &Solution, limit: chrono::NaiveDate, done: bool, sink: &mut Sink<'_>) {
    match &s.implement_by {
        None if *s.needs_implementation || (s.implemented_on.is_none() && !done) => {
            let pos = if *s.needs_implementation {
                s.needs_implementation.pos
            } else {
                s.status.pos
            };
            sink.report(
                RuleId::ImplementWindow,
                Code::ImplementUndated,
                pos,
                format!(
                    "solution {} has no `implement_by` date: the time both parties agreed for implementing it",
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
        _ => {}
    }
}
