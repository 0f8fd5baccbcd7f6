//! §7 一.2: the service report covers one or more of the ten service items,
//! and each item it claims points at what delivered it.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::{SecurityKind, ServiceItem};
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let items = &input.e.acceptance.items;
    if items.is_empty() {
        sink.report(
            RuleId::ServiceItems,
            Code::ServiceItemsMissing,
            items.pos,
            "the service report covers none of the ten service items of the acceptance standard",
        )
        .hint("list the items covered under `acceptance.items`, each with its evidence, e.g. `- { item: health-check, evidence: [A-05] }`")
        .pending(RuleId::ServiceItems);
    }
    for entry in items.iter().filter(|i| i.evidence.is_empty()) {
        sink.report(
            RuleId::ServiceItems,
            Code::ServiceItemUnproven,
            entry.item.pos,
            format!(
                "the service item `{}` is ticked but names nothing that delivered it",
                entry.item.value
            ),
        )
        .arg("item", entry.item.value)
        .hint("write it as `{ item: …, evidence: [ids] }` naming the findings, solutions, stress tests, sessions or plan activities (give them an `id`) that delivered it");
    }
    unticked_with_evidence(input, sink);
}

/// Work of an item's kind that was done while the item is not ticked: a
/// plan activity of the same name, or a hardening or inspection item.
fn unticked_with_evidence(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let ticked = |item: ServiceItem| e.acceptance.items.iter().any(|i| i.item.value == item);
    for item in ServiceItem::ALL.iter().copied().filter(|i| !ticked(*i)) {
        let activity = e
            .plan
            .phases
            .activities()
            .find(|a| Some(a.activity.value) == item.activity())
            .map(|a| a.activity.pos);
        let security = e.security.iter().flat_map(|s| &s.items).find(|s| {
            matches!(
                (s.kind.value, item),
                (SecurityKind::Hardening, ServiceItem::SecurityHardening)
                    | (SecurityKind::Inspection, ServiceItem::SecurityInspection)
            )
        });
        let Some(pos) = activity.or(security.map(|s| s.kind.pos)) else {
            continue;
        };
        sink.report(
            RuleId::ServiceItems,
            Code::ServiceItemUnticked,
            pos,
            format!(
                "`{item}` work was done but the service item `{item}` is not listed in `acceptance.items`"
            ),
        )
        .arg("item", item)
        .hint(format!("add `{{ item: {item}, evidence: [...] }}` to `acceptance.items`, or drop the work from the plan"))
        .warning();
    }
}
