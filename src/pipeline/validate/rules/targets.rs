//! §3.1.3: the provider makes sure the system's figures reach the stability
//! both parties agreed on. Each measurable target of an objective gets a
//! measured result that names where it was measured, and every objective —
//! with targets or without — gets a verdict at acceptance: met, not met or
//! not measured, with the evidence or the reason. A target or stress test
//! measured again keeps its earlier results, each dated, oldest first.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::{Date, Objective, Outcome, Spanned};
use crate::base::report::ReportKey;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    objectives_stated(input, sink);
    for objective in input.e.objectives.iter() {
        for target in &objective.targets {
            let earlier: Vec<&Date> = target.earlier.iter().map(|r| &r.measured_on).collect();
            rounds(&target.metric, &earlier, target.measured_on.as_ref(), sink);
        }
    }
    for test in input.e.stress_tests.iter() {
        let name = match &test.id {
            Some(id) => format!("{} {}", id.value, test.name),
            None => test.name.clone(),
        };
        let earlier: Vec<&Date> = test.earlier.iter().map(|r| &r.measured_on).collect();
        rounds(&name, &earlier, test.measured_on.as_ref(), sink);
    }
    for objective in input.e.objectives.iter() {
        verdict(objective, sink);
        let excused = objective
            .verdict
            .as_ref()
            .is_some_and(|v| v.outcome.value == Outcome::NotMeasured);
        for target in &objective.targets {
            let Some(result) = &target.result else {
                if !excused {
                    let diagnostic = sink
                        .report(
                            RuleId::Targets,
                            Code::TargetUnmeasured,
                            target.target.pos,
                            format!("the target for `{}` has no measured result yet", target.metric),
                        )
                        .arg("metric", &target.metric)
                        .hint("add `result:` and `measured_by:` (the stress test or finding that measured it), or give the objective `verdict: { outcome: not-measured, reason: … }`")
                        .pending(RuleId::Targets);
                    diagnostic.reports = vec![ReportKey::Acceptance];
                }
                continue;
            };
            if target.measured_by.is_none() {
                sink.report(
                    RuleId::Targets,
                    Code::TargetUnsourced,
                    result.pos,
                    format!(
                        "the result for `{}` does not say where it was measured",
                        target.metric
                    ),
                )
                .arg("metric", &target.metric)
                .hint(
                    "add `measured_by:` with the id of the stress test or finding that measured it",
                );
            }
            if target.met() == Some(false) {
                sink.report(
                    RuleId::Targets,
                    Code::TargetMissed,
                    result.pos,
                    format!(
                        "`{}` measured {} {}, which misses the target of {} {}",
                        target.metric, result.value, target.unit, target.target.value, target.unit
                    ),
                )
                .arg("metric", &target.metric)
                .hint("the reports show the target as not met; record what follows from it in the service report's conclusions")
                .warning();
            }
        }
    }
}

/// The objective's verdict: given, explained and agreeing with its
/// figures; or, for an objective its figures cannot settle, still to be
/// given.
fn verdict(objective: &Spanned<Objective>, sink: &mut Sink<'_>) {
    let figures = objective.figures();
    let Some(verdict) = &objective.verdict else {
        if objective.targets.is_empty() {
            let diagnostic = sink
                .report(
                    RuleId::Targets,
                    Code::ObjectiveUnassessed,
                    objective.pos,
                    format!(
                        "the objective `{}` has no verdict: it has no targets to measure",
                        objective.title
                    ),
                )
                .arg("objective", &objective.title)
                .hint("add `verdict: { outcome: met, evidence: [ids] }`, or `outcome: not-met` / `not-measured` with a `reason`")
                .pending(RuleId::Targets);
            diagnostic.reports = vec![ReportKey::Service, ReportKey::Acceptance];
        }
        return;
    };
    let outcome = &verdict.outcome;
    let reason = verdict
        .reason
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    let explained = match outcome.value {
        Outcome::Met => !verdict.evidence.is_empty() || figures.is_some() || reason,
        Outcome::NotMet | Outcome::NotMeasured => reason,
    };
    if !explained {
        let what = match outcome.value {
            Outcome::Met => "names no evidence",
            _ => "gives no reason",
        };
        sink.report(
            RuleId::Targets,
            Code::VerdictUnexplained,
            outcome.pos,
            format!("the verdict `{}` on `{}` {what}", outcome.value, objective.title),
        )
        .arg("objective", &objective.title)
        .arg("outcome", outcome.value)
        .hint(match outcome.value {
            Outcome::Met => "add `evidence: [ids]` naming the findings, stress tests, solutions, sessions or activities that show it",
            _ => "add `reason:` saying why, and what follows from it",
        });
    }
    let contradicts = match (outcome.value, figures) {
        (_, None) => false,
        (Outcome::Met, Some(met)) => !met,
        (Outcome::NotMet, Some(met)) => met,
        (Outcome::NotMeasured, Some(_)) => true,
    };
    if contradicts {
        sink.report(
            RuleId::Targets,
            Code::VerdictContradicts,
            outcome.pos,
            format!(
                "the verdict `{}` on `{}` contradicts its measured targets",
                outcome.value, objective.title
            ),
        )
        .arg("objective", &objective.title)
        .arg("outcome", outcome.value)
        .hint("the measured results decide: every target reached is `met`, any target missed is `not-met`; correct the verdict or the results");
    }
}

/// The dates of a measurement taken again: the latest is dated once there
/// are earlier ones, and the earlier ones come oldest first, before it.
fn rounds(what: &str, earlier: &[&Date], latest: Option<&Date>, sink: &mut Sink<'_>) {
    let Some(first) = earlier.first() else {
        return;
    };
    let Some(latest) = latest else {
        sink.report(
            RuleId::Targets,
            Code::MeasurementUndated,
            first.pos,
            format!("`{what}` was measured again, but its latest result has no date"),
        )
        .arg("what", what)
        .hint("add `measured_on:` beside the latest result, with the day it was measured");
        return;
    };
    let dates = earlier.iter().copied().chain(std::iter::once(latest));
    for (before, date) in earlier.iter().zip(dates.skip(1)) {
        if date.value <= before.value {
            sink.report(
                RuleId::Targets,
                Code::MeasurementOrder,
                date.pos,
                format!(
                    "the measurements of `{what}` are not in date order: {} comes after {}",
                    date.value, before.value
                ),
            )
            .arg("what", what)
            .arg("date", date.value)
            .hint("list the `earlier` results oldest first, each measured before the latest one's `measured_on`");
        }
    }
}

/// §3.1.1: both parties agree on the service's business objectives; the
/// startup report, the plan and the acceptance report rest on them.
fn objectives_stated(input: &Input<'_>, sink: &mut Sink<'_>) {
    if !input.e.objectives.is_empty() {
        return;
    }
    let diagnostic = sink
        .report(
            RuleId::Targets,
            Code::ObjectivesMissing,
            input.e.objectives.pos,
            "the engagement states no business objective",
        )
        .hint("add the business objectives both parties agreed on under `objectives:`, each with its `detail`")
        .pending(RuleId::Targets);
    diagnostic.reports = vec![ReportKey::Startup, ReportKey::Plan, ReportKey::Acceptance];
}
