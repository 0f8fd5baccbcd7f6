//! §3.1.3: the provider makes sure the system's figures reach the stability
//! both parties agreed on. Each measurable target of an objective gets a
//! measured result that names where it was measured; the acceptance report
//! compares them.

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::report::ReportKey;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    for target in input.e.objectives.iter().flat_map(|o| &o.targets) {
        let Some(result) = &target.result else {
            let diagnostic = sink
                .report(
                    RuleId::Targets,
                    Code::TargetUnmeasured,
                    target.target.pos,
                    format!("the target for `{}` has no measured result yet", target.metric),
                )
                .arg("metric", &target.metric)
                .hint("add `result:` and `measured_by:` (the stress test or finding that measured it)")
                .pending(RuleId::Targets);
            diagnostic.reports = vec![ReportKey::Acceptance];
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
            .hint("add `measured_by:` with the id of the stress test or finding that measured it");
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
