//! §3.1.2: the customer authorises 24/7 monitoring and analysis of security
//! events. Whenever anything in scope touches security (a consulting topic,
//! a finding or solution on a security topic, a security service item or
//! plan activity, a hardening or inspection item) the authorisation must be
//! on record: given, when and by whom.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::{Pos, Topic};
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let Some((what, pos)) = first_security_work(input) else {
        return;
    };
    match &e.security {
        None => {
            sink.report(
                RuleId::SecurityAuth,
                Code::SecurityUnauthorised,
                pos,
                format!("{what} touches security, but no 24/7 security-event monitoring authorisation is recorded"),
            )
            .hint("add a `security` section with `monitoring_authorised: true`, `authorised_on` and `authorised_by`");
        }
        Some(security) if !*security.monitoring_authorised => {
            sink.report(
                RuleId::SecurityAuth,
                Code::SecurityUnauthorised,
                security.monitoring_authorised.pos,
                format!("{what} touches security, but the customer has not authorised 24/7 security-event monitoring"),
            )
            .hint("record the authorisation (`monitoring_authorised: true`, `authorised_on`, `authorised_by`) or take the security work out of scope");
        }
        Some(security) if security.authorised_on.is_none() || security.authorised_by.is_none() => {
            sink.report(
                RuleId::SecurityAuth,
                Code::SecurityUnrecorded,
                security.monitoring_authorised.pos,
                "the 24/7 monitoring authorisation does not say when and by whom it was given",
            )
            .hint("add `authorised_on` and `authorised_by` to `security`");
        }
        Some(_) => {}
    }
}

/// The first thing in scope that touches security, described, with where
/// it is written.
fn first_security_work(input: &Input<'_>) -> Option<(String, Pos)> {
    let e = input.e;
    let on_topic = |topics: &[crate::base::model::Spanned<Topic>]| {
        topics.iter().find(|t| t.is_security()).map(|t| t.pos)
    };
    if let Some(t) = e.scope.topics.iter().find(|t| t.is_security()) {
        return Some((format!("the consulting topic `{}`", t.value), t.pos));
    }
    if let Some(i) = e.acceptance.items.iter().find(|i| i.is_security()) {
        return Some((format!("the service item `{}`", i.item.value), i.item.pos));
    }
    let activity = e.plan.phases.activities().find(|a| {
        matches!(
            a.activity.value,
            crate::base::model::Activity::SecurityHardening
                | crate::base::model::Activity::SecurityInspection
        )
    });
    if let Some(a) = activity {
        return Some((
            format!("the plan activity `{}`", a.activity.value),
            a.activity.pos,
        ));
    }
    for f in e.findings.iter() {
        if let Some(pos) = on_topic(&f.consulting_topics) {
            return Some((format!("finding {}", f.id.value), pos));
        }
    }
    for s in e.solutions.iter() {
        if let Some(pos) = on_topic(&s.consulting_topics) {
            return Some((format!("solution {}", s.id.value), pos));
        }
    }
    let items = e
        .security
        .as_ref()
        .map(|s| s.items.as_slice())
        .unwrap_or_default();
    items.first().map(|i| {
        (
            "the security hardening and inspection work".to_string(),
            i.kind.pos,
        )
    })
}
