//! Deviations from the statement of work that both parties agreed on. A
//! breach of a timing rule that an exception covers is no longer a
//! problem: the reports print it as a deviation instead. An exception that
//! covers nothing is a warning, since it would print a deviation that did
//! not happen. Nor may work be recorded on a day an exception says the
//! work could not be done: the two records contradict each other.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::diagnostic::Diagnostic;
use crate::base::model::{Date, Engagement, Exception, WaivableRule};
use crate::pipeline::validate::Sink;

/// The rule a waivable rule key stands for.
pub fn rule_of(rule: WaivableRule) -> RuleId {
    match rule {
        WaivableRule::LeadTime => RuleId::LeadTime,
        WaivableRule::LargeDemand => RuleId::LargeDemand,
        WaivableRule::PlanConfirmed => RuleId::PlanConfirmed,
        WaivableRule::ImplementWindow => RuleId::ImplementWindow,
    }
}

/// Whether `exception` covers `diagnostic`: the same rule, a breach of its
/// timing (not a missing record), and, for a solution's window, the same
/// solution.
fn covers(exception: &Exception, diagnostic: &Diagnostic) -> bool {
    let rule = rule_of(exception.rule.value);
    if diagnostic.rule != Some(rule) {
        return false;
    }
    let timing = matches!(
        diagnostic.code,
        Some(
            Code::LeadTime
                | Code::LargeDemand
                | Code::PlanLate
                | Code::ImplementLate
                | Code::ImplementedLate
        )
    );
    let subject = diagnostic
        .args
        .iter()
        .find(|(name, _)| *name == "id")
        .map(|(_, v)| v.as_str());
    let same_subject = match &exception.solution {
        Some(solution) => subject == Some(solution.as_str()),
        None => rule != RuleId::ImplementWindow,
    };
    timing && same_subject
}

/// Removes the breaches the exceptions cover from `sink`, and warns about
/// each exception that covers none and each record of work on a day an
/// exception says the work was impossible.
pub(super) fn apply(e: &Engagement, sink: &mut Sink<'_>) {
    let exceptions = &e.exceptions;
    let mut used = vec![false; exceptions.len()];
    sink.out
        .retain(|d| match exceptions.iter().position(|x| covers(x, d)) {
            Some(i) => {
                used[i] = true;
                false
            }
            None => true,
        });
    for (x, used) in exceptions.iter().zip(used) {
        if used {
            continue;
        }
        let needs_solution = x.rule.value == WaivableRule::ImplementWindow && x.solution.is_none();
        let diagnostic = sink.report(
            RuleId::Deviations,
            Code::DeviationUnused,
            x.rule.pos,
            format!(
                "this exception to `{}` covers no breach of the rule{}",
                x.rule.value,
                if needs_solution {
                    ": name the solution it concerns"
                } else {
                    ""
                }
            ),
        );
        diagnostic.arg("rule", x.rule.value);
        if needs_solution {
            diagnostic.hint(
                "add `solution:` with the id of the solution whose implementation was delayed",
            );
        } else {
            diagnostic.hint("remove it, or correct its `rule` (and `solution`) to the breach both parties agreed on");
        }
    }
    contradictions(e, sink);
}

/// Warns about each day of work recorded inside the days an exception
/// says the work could not be done, at the record's date.
fn contradictions(e: &Engagement, sink: &mut Sink<'_>) {
    let work = work_done(e);
    for (n, x) in e.exceptions.iter().enumerate() {
        let Some(p) = &x.prevented else { continue };
        for (what, on) in work
            .iter()
            .filter(|(_, on)| *p.from <= ***on && ***on <= *p.to)
        {
            sink.report(
                RuleId::Deviations,
                Code::WorkPrevented,
                on.pos,
                format!(
                    "{what} on {}, a day exception {} says the work was impossible ({} to {})",
                    ***on,
                    n + 1,
                    *p.from,
                    *p.to
                ),
            )
            .arg("on", ***on)
            .arg("from", *p.from)
            .arg("to", *p.to)
            .hint(
                "correct the date of the work, or the days the exception gives under `prevented`",
            );
        }
    }
}

/// Every record of work done on a day: solutions implemented, findings
/// retested, stress tests measured and sessions held, each with what it
/// is.
fn work_done(e: &Engagement) -> Vec<(String, &Date)> {
    let mut out = Vec::new();
    for s in e.solutions.iter() {
        if let Some(on) = &s.implemented_on {
            out.push((format!("solution {} was implemented", s.id.value), on));
        }
    }
    for f in e.findings.iter() {
        for r in &f.retests {
            out.push((format!("finding {} was retested", f.id.value), &r.date));
        }
    }
    for t in e.stress_tests.iter() {
        let name =
            t.id.as_ref()
                .map_or(t.name.as_str(), |id| id.value.as_str());
        let rounds = t.earlier.iter().map(|r| &r.measured_on);
        for on in rounds.chain(t.measured_on.as_ref()) {
            out.push((format!("stress test {name} was measured"), on));
        }
    }
    for s in e.enablement.iter() {
        let name =
            s.id.as_ref()
                .map_or(s.topic.as_str(), |id| id.value.as_str());
        out.push((format!("session {name} was held"), &s.date));
    }
    out
}
