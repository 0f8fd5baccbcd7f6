//! §7 一.2: the service report covers one or more of the ten service items,
//! and each item it claims points at what delivered it.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::{SecurityKind, ServiceItem};
use crate::base::report::ReportKey;
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
    undelivered(input, sink);
}

/// Planned work not delivered: a service item a plan activity promised
/// that the report does not cover, a consulting topic of the scope that
/// nothing delivered. Each keeps the acceptance pending until both parties
/// record it waived or deferred; security work done but not ticked is
/// worth a warning.
fn undelivered(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let ticked = |item: ServiceItem| e.acceptance.items.iter().any(|i| i.item.value == item);
    for (item, pos) in e.planned_items() {
        if ticked(item) || e.undelivered_item(item).is_some() {
            continue;
        }
        let diagnostic = sink
            .report(
                RuleId::ServiceItems,
                Code::ServiceItemUndelivered,
                pos,
                format!(
                    "the plan promised `{item}` work, but the service item `{item}` is neither delivered nor waived or deferred"
                ),
            )
            .arg("item", item)
            .hint(format!("add `{{ item: {item}, evidence: [...] }}` to `acceptance.items`, or record under `acceptance.undelivered` that both parties waived or deferred it, and why"))
            .pending(RuleId::ServiceItems);
        diagnostic.reports = vec![ReportKey::Acceptance];
    }
    let delivered = e.delivered_topics();
    for topic in e.scope.topics.iter() {
        if delivered.contains(&topic.value) || e.undelivered_topic(topic.value).is_some() {
            continue;
        }
        let diagnostic = sink
            .report(
                RuleId::ServiceItems,
                Code::TopicUndelivered,
                topic.pos,
                format!(
                    "the planned consulting topic `{}` was not delivered: no session, finding or solution names it",
                    topic.value
                ),
            )
            .arg("topic", topic.value)
            .hint(format!("name it in the `consulting_topics` of the session, finding or solution that delivered it, or record under `acceptance.undelivered` that both parties waived or deferred it (`topic: {}`), and why", topic.value))
            .pending(RuleId::ServiceItems);
        diagnostic.reports = vec![ReportKey::Acceptance];
    }
    for item in ServiceItem::ALL.iter().copied().filter(|i| !ticked(*i)) {
        let security = e.security.iter().flat_map(|s| &s.items).find(|s| {
            matches!(
                (s.kind.value, item),
                (SecurityKind::Hardening, ServiceItem::SecurityHardening)
                    | (SecurityKind::Inspection, ServiceItem::SecurityInspection)
            )
        });
        let Some(security) = security else {
            continue;
        };
        if e.planned_items().iter().any(|(i, _)| *i == item) {
            continue;
        }
        sink.report(
            RuleId::ServiceItems,
            Code::ServiceItemUnticked,
            security.kind.pos,
            format!(
                "`{item}` work was done but the service item `{item}` is not listed in `acceptance.items`"
            ),
        )
        .arg("item", item)
        .hint(format!("add `{{ item: {item}, evidence: [...] }}` to `acceptance.items`"))
        .warning();
    }
    undelivered_entries(input, sink);
}

/// Each record of an undelivered item names one planned topic or service
/// item that was indeed not delivered.
fn undelivered_entries(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let planned = e.planned_items();
    let delivered = e.delivered_topics();
    for entry in &e.acceptance.undelivered {
        let problem = match (&entry.topic, &entry.item) {
            (None, None) => Some((
                entry.pos,
                "names neither a `topic` nor an `item`".to_string(),
            )),
            (Some(t), Some(_)) => Some((
                t.pos,
                "names both a `topic` and an `item`; write one entry for each".to_string(),
            )),
            (Some(t), None) if !e.scope.topics.iter().any(|s| s.value == t.value) => Some((
                t.pos,
                format!(
                    "names `{}`, which is not among the planned topics (`scope.topics`)",
                    t.value
                ),
            )),
            (Some(t), None) if delivered.contains(&t.value) => Some((
                t.pos,
                format!(
                    "names `{}`, which was delivered (a session, finding or solution names it)",
                    t.value
                ),
            )),
            (None, Some(i)) if !planned.iter().any(|(p, _)| *p == i.value) => Some((
                i.pos,
                format!("names `{}`, which no plan activity promised", i.value),
            )),
            (None, Some(i)) if e.acceptance.items.iter().any(|c| c.item.value == i.value) => {
                Some((
                    i.pos,
                    format!(
                        "names `{}`, which `acceptance.items` lists as delivered",
                        i.value
                    ),
                ))
            }
            _ => None,
        };
        if let Some((pos, what)) = problem {
            sink.report(
                RuleId::ServiceItems,
                Code::UndeliveredInvalid,
                pos,
                format!("an entry of `acceptance.undelivered` {what}"),
            )
            .hint("each entry names one planned consulting topic (`topic:`) or one service item of a planned activity (`item:`) that was not delivered");
        }
    }
}
