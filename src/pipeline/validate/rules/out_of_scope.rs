//! §2.1: code development, self-built third-party business, operations on
//! the customer's behalf and third-party software are outside the service.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    for f in e.findings.iter() {
        let Some(category) = &f.excluded else {
            continue;
        };
        sink.report(
            RuleId::OutOfScope,
            Code::OutOfScopeFinding,
            category.pos,
            format!(
                "finding {} falls under the exclusion `{}`",
                f.id.value, category.value
            ),
        )
        .arg("id", &f.id.value)
        .arg("category", category.value)
        .hint("report it as a request under `scope.excluded` instead, with the reason");
        for s in e.solutions.iter() {
            if let Some(reference) = s.findings.iter().find(|r| r.value == f.id.value) {
                sink.report(
                    RuleId::OutOfScope,
                    Code::OutOfScopeSolution,
                    reference.pos,
                    format!(
                        "solution {} addresses finding {}, which is out of scope",
                        s.id.value, f.id.value
                    ),
                )
                .arg("id", &s.id.value)
                .arg("finding", &f.id.value)
                .hint(
                    "remove the reference, or the solution if it only serves the excluded request",
                );
            }
        }
    }
}
