//! §3.1.2: security work needs the customer's authorisation of 7x24
//! security-event monitoring.

use super::RuleId;
use crate::model::ServiceItem;
use crate::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let security_item = e.acceptance.items.iter().find(|i| {
        matches!(
            i.value,
            ServiceItem::SecurityHardening | ServiceItem::SecurityInspection
        )
    });
    match &e.security {
        Some(security) if !*security.monitoring_authorised => {
            if !security.items.is_empty() || security_item.is_some() {
                sink.report(
                    RuleId::SecurityAuth,
                    "security-unauthorised",
                    security.monitoring_authorised.pos,
                    "security work is in scope but the customer has not authorised 7x24 security-event monitoring",
                )
                .hint("record the authorisation (`monitoring_authorised: true`, `authorised_on`, `authorised_by`) or take the security items out of scope");
            }
        }
        Some(security) => {
            if security.authorised_on.is_none() || security.authorised_by.is_none() {
                sink.report(
                    RuleId::SecurityAuth,
                    "security-unrecorded",
                    security.monitoring_authorised.pos,
                    "the 7x24 monitoring authorisation does not say when and by whom it was given",
                )
                .hint("add `authorised_on` and `authorised_by` to `security`");
            }
        }
        None => {
            if let Some(item) = security_item {
                sink.report(
                    RuleId::SecurityAuth,
                    "security-unauthorised",
                    item.pos,
                    format!("`{}` is covered but no 7x24 monitoring authorisation is recorded", item.value),
                )
                .hint("add a `security` section with `monitoring_authorised: true`, `authorised_on` and `authorised_by`");
            }
        }
    }
}
