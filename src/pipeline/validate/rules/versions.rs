//! Each report's versions only go up: a later entry of the history that
//! concerns a report carries a higher version than the earlier ones. With
//! a previous version to compare with (`--since`), a report whose content
//! changed carries a new version, and none goes back; figures measured
//! again keep the round they replace.

use std::cmp::Ordering;

use super::RuleId;
use crate::base::diagnostic::Code;
use crate::base::model::{Date, Engagement, Pos, Target, compare_versions};
use crate::base::report::ReportKey;
use crate::pipeline::load::versions::Since;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    since(input, sink);
    let history = &input.e.history;
    for (i, entry) in history.iter().enumerate() {
        // The earlier entry of a report this one shares, with a version
        // not below this one's, reported once per entry.
        let earlier = ReportKey::ALL
            .into_iter()
            .filter(|k| entry.concerns(*k))
            .find_map(|k| {
                history[..i]
                    .iter()
                    .rev()
                    .find(|e| {
                        e.concerns(k)
                            && compare_versions(&e.version.value, &entry.version.value)
                                != Ordering::Less
                    })
                    .map(|e| (k, e))
            });
        if let Some((report, e)) = earlier {
            sink.report(
                RuleId::Versions,
                Code::VersionOrder,
                entry.version.pos,
                format!(
                    "version {} of the {} report follows version {} ({}); versions only go up",
                    entry.version.value,
                    report.key(),
                    e.version.value,
                    e.date.value
                ),
            )
            .arg("version", &entry.version.value)
            .arg("previous", &e.version.value)
            .arg("report", report.key())
            .hint("give each re-issue a higher version than the one before, and list the history oldest first");
        }
    }
}

/// Compares each report's version with the previous version's.
pub(super) fn since(input: &Input<'_>, sink: &mut Sink<'_>) {
    let Some(since) = input.since else { return };
    replaced(input, since, sink);
    for report in ReportKey::ALL {
        let (Some(now), Some(before)) = (
            input.e.version_of(report),
            since.base.engagement.version_of(report),
        ) else {
            continue;
        };
        match compare_versions(&now.version.value, &before.version.value) {
            Ordering::Less => {
                sink.report(
                    RuleId::Versions,
                    Code::VersionBackwards,
                    now.version.pos,
                    format!(
                        "the {} report is version {}, but the previous version {} was {}",
                        report.key(),
                        now.version.value,
                        since.label,
                        before.version.value
                    ),
                )
                .blocking(&[report])
                .arg("version", &now.version.value)
                .arg("previous", &before.version.value)
                .arg("report", report.key())
                .hint("a re-issue carries a higher version than the one it replaces");
            }
            Ordering::Equal if since.touched.contains(&report) => {
                let paths = changed_paths(since, report);
                sink.report(
                    RuleId::Versions,
                    Code::VersionUnchanged,
                    now.version.pos,
                    format!(
                        "the {} report's content changed since {} ({paths}), but it is still version {}",
                        report.key(),
                        since.label,
                        now.version.value
                    ),
                )
                .blocking(&[report])
                .arg("version", &now.version.value)
                .arg("report", report.key())
                .arg("paths", &paths)
                .hint("a changed report is a new version: add a `history` entry for it with a higher version, its date, author and what changed (`dossier diff` lists the changes)");
            }
            _ => {}
        }
    }
}

/// The changes that alter `report`, named by their paths (the first few);
/// for a report that changed only through the others (the acceptance
/// report's digests and attachments), every change.
fn changed_paths(since: &Since, report: ReportKey) -> String {
    const SHOWN: usize = 5;
    let mine: Vec<&str> = since
        .changes
        .iter()
        .filter(|c| c.reports.contains(&report))
        .map(|c| c.path.as_str())
        .collect();
    let paths = if mine.is_empty() {
        since.changes.iter().map(|c| c.path.as_str()).collect()
    } else {
        mine
    };
    let mut out = paths
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        out.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    out
}

/// Figures that changed since the previous version under the same date (or
/// none): measured again, the earlier round belongs under `earlier` with
/// its date, and the new one gets its own.
fn replaced(input: &Input<'_>, since: &Since, sink: &mut Sink<'_>) {
    let base = &since.base.engagement;
    let day = |d: Option<&Date>| d.map(|d| d.value);
    for test in input.e.stress_tests.iter() {
        let Some(id) = &test.id else { continue };
        let Some(old) = base
            .stress_tests
            .iter()
            .find(|t| t.id.as_ref().is_some_and(|i| i.value == id.value))
        else {
            continue;
        };
        if old.after.is_empty()
            || old.after == test.after
            || day(old.measured_on.as_ref()) != day(test.measured_on.as_ref())
        {
            continue;
        }
        let pos = test.measured_on.as_ref().map_or(id.pos, |d| d.pos);
        report_replaced(sink, since, &id.value, pos);
    }
    let targets = |e: &'_ Engagement| -> Vec<(String, Target)> {
        e.objectives
            .iter()
            .flat_map(|o| {
                o.targets
                    .iter()
                    .map(|t| (format!("{} / {}", o.title, t.metric), t.clone()))
            })
            .collect()
    };
    let before = targets(base);
    for (name, target) in targets(input.e) {
        let Some(result) = &target.result else {
            continue;
        };
        let Some((_, old)) = before.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let Some(old_result) = &old.result else {
            continue;
        };
        if old_result.value == result.value
            || day(old.measured_on.as_ref()) != day(target.measured_on.as_ref())
        {
            continue;
        }
        let pos = target.measured_on.as_ref().map_or(result.pos, |d| d.pos);
        report_replaced(sink, since, &target.metric, pos);
    }
}

fn report_replaced(sink: &mut Sink<'_>, since: &Since, what: &str, pos: Pos) {
    sink.report(
        RuleId::Versions,
        Code::MeasurementReplaced,
        pos,
        format!(
            "the figures of `{what}` changed since {} under the same measurement date",
            since.label
        ),
    )
    .arg("what", what)
    .hint("measured again? keep the earlier figures under `earlier:` with their `measured_on`, and give the new ones theirs; a corrected typo needs nothing")
    .warning();
}
