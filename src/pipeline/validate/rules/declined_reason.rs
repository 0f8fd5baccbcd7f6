//! §3, §3.1.2: the customer does not reject the provider's technical advice
//! or a solution without a sound technical reason: neither by declining a
//! solution nor by accepting a finding's risk instead of its fix.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::{RetestResult, SolutionStatus};
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    for f in input.e.findings.iter() {
        let unreasoned = f.retests.iter().filter(|r| {
            *r.result == RetestResult::RiskAccepted
                && r.reason.as_deref().map(str::trim).is_none_or(str::is_empty)
        });
        for retest in unreasoned {
            sink.report(
                RuleId::DeclinedReason,
                Code::AcceptedUnreasoned,
                retest.result.pos,
                format!(
                    "finding {}: the risk is accepted instead of the recommended fix without a recorded technical reason",
                    f.id.value
                ),
            )
            .arg("id", &f.id.value)
            .hint("add `reason:` to this retest with the customer's technical reason for not applying the recommendation");
        }
    }
    for s in input.e.solutions.iter() {
        let declined = *s.status == SolutionStatus::Declined;
        let reason = s.declined_reason.as_deref().map(str::trim);
        if declined && reason.is_none_or(str::is_empty) {
            sink.report(
                RuleId::DeclinedReason,
                Code::DeclinedUnreasoned,
                s.status.pos,
                format!(
                    "solution {} is declined without a recorded technical reason",
                    s.id.value
                ),
            )
            .arg("id", &s.id.value)
            .hint("add `declined_reason:` with the customer's technical reason for declining it");
        }
    }
}
