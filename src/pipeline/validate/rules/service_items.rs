//! §7 一.2: the service report covers one or more of the ten service items,
//! and each item it claims points at what delivered it — a record of a
//! kind that can deliver that item.

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
    evidence_fits(input, sink);
    undelivered(input, sink);
}

/// The kinds of record that can show a service item was delivered.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Record {
    Finding,
    Solution,
    StressTest,
    Session,
    Risk,
    Activity(crate::base::model::Activity),
}

impl Record {
    fn name(self) -> &'static str {
        match self {
            Record::Finding => "finding",
            Record::Solution => "solution",
            Record::StressTest => "stress test",
            Record::Session => "enablement session",
            Record::Risk => "risk",
            Record::Activity(_) => "plan activity",
        }
    }

    /// Whether a record of this kind can show that `item` was delivered:
    /// a plan activity its own item (support for a business-critical event,
    /// which §6 schedules as no activity of its own, by solution support
    /// during the event); a consulting session (專場咨詢) only an
    /// enablement session; a risk assessment risks and findings; a
    /// solution-and-support item (具體需求方案及支持) solutions; the others
    /// what their work produces. `other` takes any record.
    fn proves(self, item: ServiceItem) -> bool {
        use ServiceItem as I;
        match self {
            Record::Activity(activity) => {
                item.activity() == Some(activity)
                    || (item == I::EventAssurance
                        && activity == crate::base::model::Activity::SolutionSupport)
                    || item == I::Other
            }
            Record::Session => matches!(item, I::ConsultingSession | I::Other),
            Record::Risk => matches!(item, I::RiskAssessment | I::Other),
            Record::Finding => matches!(
                item,
                I::HealthCheck
                    | I::RiskAssessment
                    | I::ExpertDiagnosis
                    | I::QualityOptimization
                    | I::SecurityHardening
                    | I::SecurityInspection
                    | I::Other
            ),
            Record::Solution => matches!(
                item,
                I::ExpertDiagnosis
                    | I::RequirementSolution
                    | I::EventAssurance
                    | I::QualityOptimization
                    | I::SecurityHardening
                    | I::Other
            ),
            Record::StressTest => matches!(
                item,
                I::ExpertDiagnosis | I::EventAssurance | I::QualityOptimization | I::Other
            ),
        }
    }
}

/// Each piece of evidence is a record that can deliver the item it is
/// named for; an id nothing defines is for the consistency checks.
fn evidence_fits(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let kind_of = |id: &str| -> Option<Record> {
        let is = |candidate: Option<&str>| candidate == Some(id);
        if e.findings.iter().any(|f| is(Some(&f.id.value))) {
            Some(Record::Finding)
        } else if e.solutions.iter().any(|s| is(Some(&s.id.value))) {
            Some(Record::Solution)
        } else if e
            .stress_tests
            .iter()
            .any(|t| is(t.id.as_ref().map(|i| i.value.as_str())))
        {
            Some(Record::StressTest)
        } else if e
            .enablement
            .iter()
            .any(|s| is(s.id.as_ref().map(|i| i.value.as_str())))
        {
            Some(Record::Session)
        } else if e.risks.iter().any(|r| is(Some(&r.id.value))) {
            Some(Record::Risk)
        } else {
            e.plan
                .phases
                .activities()
                .find(|a| is(a.id.as_ref().map(|i| i.value.as_str())))
                .map(|a| Record::Activity(a.activity.value))
        }
    };
    for entry in e.acceptance.items.iter() {
        for id in &entry.evidence {
            let Some(kind) = kind_of(&id.value) else {
                continue;
            };
            if kind.proves(entry.item.value) {
                continue;
            }
            sink.report(
                RuleId::ServiceItems,
                Code::ServiceItemEvidence,
                id.pos,
                format!(
                    "{} is a {}, which cannot show that the service item `{}` was delivered",
                    id.value,
                    kind.name(),
                    entry.item.value
                ),
            )
            .arg("id", &id.value)
            .arg("item", entry.item.value)
            .hint("name what delivered this item: a consulting session is shown by an enablement session, a solution-and-support item by its solutions, a risk assessment by its risks or findings, a planned activity's item by that activity");
        }
    }
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
                    "the planned consulting topic `{}` was not delivered: no consulting session covered it",
                    topic.value
                ),
            )
            .arg("topic", topic.value)
            .hint(format!("name it in the `consulting_topics` of the session (under `enablement`) that covered it, or record under `acceptance.undelivered` that both parties waived or deferred it (`topic: {}`), and why", topic.value))
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
