//! §7 一.2: the service report covers one or more of the ten service items.

use super::RuleId;
use crate::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let items = &input.e.acceptance.items;
    if items.is_empty() {
        sink.report(
            RuleId::ServiceItems,
            "service-items-missing",
            items.pos,
            "the service report covers none of the ten service items of the acceptance standard",
        )
        .hint("list the items covered under `acceptance.items`, e.g. `[health-check, risk-assessment]`")
        .pending(RuleId::ServiceItems);
    }
}
