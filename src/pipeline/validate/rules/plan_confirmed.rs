//! §3.1.2: the customer confirms the plan in writing or by email within 5
//! working days of its submission.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::pipeline::validate::{Input, Sink};

/// Working days the customer has to confirm the plan.
pub(crate) const CONFIRM_DAYS: u32 = 5;

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let plan = &input.e.plan;
    let deadline = input
        .calendar
        .add_working_days(*plan.submitted_on, CONFIRM_DAYS);
    let Some(confirmed) = &plan.confirmed_on else {
        sink.report(
            RuleId::PlanConfirmed,
            Code::PlanUnconfirmed,
            plan.submitted_on.pos,
            "the plan has no recorded confirmation by the customer",
        )
        .arg("deadline", deadline)
        .hint(format!(
            "add `confirmed_on`, `confirmed_by` and `confirmation` (written or email) to `plan`; the deadline is {deadline}"
        ))
        .pending(RuleId::PlanConfirmed);
        return;
    };
    if plan.confirmation.is_none() || plan.confirmed_by.is_none() {
        sink.report(
            RuleId::PlanConfirmed,
            Code::PlanMethod,
            confirmed.pos,
            "the plan confirmation does not say who confirmed it and how",
        )
        .hint("add `confirmed_by` and `confirmation: written` or `confirmation: email`");
    }
    if **confirmed > deadline {
        let days = input
            .calendar
            .working_days_between(*plan.submitted_on, **confirmed);
        sink.report(
            RuleId::PlanConfirmed,
            Code::PlanLate,
            confirmed.pos,
            format!(
                "the plan was confirmed {days} working days after its submission on {}; the contract allows {CONFIRM_DAYS}",
                *plan.submitted_on
            ),
        )
        .arg("days", days)
        .arg("deadline", deadline)
        .hint(format!("the confirmation was due by {deadline}; record the actual written or email confirmation date"));
    }
}
