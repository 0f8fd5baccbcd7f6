//! §3.1.4: the deliverables cover architecture analysis, problem diagnosis,
//! stress-test analysis, best practices and solutions, enablement and risk
//! assessment.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::Pos;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let elements: [(&str, &str, bool, Pos); 6] = [
        (
            "architecture",
            "survey.analysis",
            e.survey.analysis.trim().is_empty(),
            e.survey.analysis.pos,
        ),
        (
            "diagnosis",
            "findings",
            e.findings.is_empty(),
            e.findings.pos,
        ),
        (
            "stress",
            "stress_tests",
            e.stress_tests.is_empty(),
            e.stress_tests.pos,
        ),
        (
            "solutions",
            "solutions",
            e.solutions.is_empty(),
            e.solutions.pos,
        ),
        (
            "enablement",
            "enablement",
            e.enablement.is_empty(),
            e.enablement.pos,
        ),
        ("risks", "risks", e.risks.is_empty(), e.risks.pos),
    ];
    for (element, key, missing, pos) in elements {
        if !missing {
            continue;
        }
        sink.report(
            RuleId::Completion,
            Code::CompletionMissing,
            pos,
            format!(
                "the service report has no {}: `{key}` is empty",
                describe(element)
            ),
        )
        .arg("element", element)
        .hint(format!(
            "fill `{key}`; the contract's completion standard requires it"
        ))
        .pending(RuleId::Completion);
    }
}

fn describe(element: &str) -> &'static str {
    match element {
        "architecture" => "architecture analysis",
        "diagnosis" => "problem diagnosis",
        "stress" => "stress-test analysis",
        "solutions" => "best practices and solutions",
        "enablement" => "enablement on technical principles",
        _ => "risk assessment",
    }
}
