//! §3, §6: the customer applies at least 10 working days before the start.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::pipeline::validate::{Input, Sink};

/// Working days required between application and start.
pub(crate) const LEAD_DAYS: u32 = 10;

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let h = &input.e.engagement;
    let earliest = input.calendar.add_working_days(*h.applied_on, LEAD_DAYS);
    if *h.starts_on >= earliest {
        return;
    }
    let days = input
        .calendar
        .working_days_between(*h.applied_on, *h.starts_on);
    sink.report(
        RuleId::LeadTime,
        Code::LeadTime,
        h.starts_on.pos,
        format!(
            "the service starts {days} working days after the application on {}; the contract needs {LEAD_DAYS}",
            *h.applied_on
        ),
    )
    .arg("days", days)
    .arg("earliest", earliest)
    .hint(format!(
        "start on {earliest} or later; if both parties agreed to the shorter lead time, record it under `exceptions` with `rule: lead-time`"
    ));
}
