//! Deviations from the statement of work that both parties agreed on. A
//! breach of a timing rule that an exception covers is no longer a
//! problem: the reports print it as a deviation instead. An exception that
//! covers nothing is a warning, since it would print a deviation that did
//! not happen.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::diagnostic::Diagnostic;
use crate::base::model::{Exception, WaivableRule};
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
/// each exception that covers none.
pub(super) fn apply(exceptions: &[Exception], sink: &mut Sink<'_>) {
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
}
