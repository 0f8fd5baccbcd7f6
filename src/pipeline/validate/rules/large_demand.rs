//! §3: with a large resource demand, apply a calendar month ahead.

use super::RuleId;
use crate::base::calendar::add_month;
use crate::base::diagnostic::Code;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let h = &input.e.engagement;
    if !*h.large_resource_demand {
        return;
    }
    let earliest = add_month(*h.applied_on);
    if *h.starts_on >= earliest {
        return;
    }
    sink.report(
        RuleId::LargeDemand,
        Code::LargeDemand,
        h.starts_on.pos,
        format!(
            "with a large resource demand the customer should apply a calendar month ahead; the service starts on {}, before {earliest}",
            *h.starts_on
        ),
    )
    .arg("earliest", earliest)
    .hint("confirm the supply-chain assessment with the provider, or move `starts_on`");
}
