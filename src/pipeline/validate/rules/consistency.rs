//! Internal consistency: dates in order, ids unique, references resolve,
//! assets exist inside the engagement directory, keys not repeated.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use std::fmt::Display;
use std::hash::Hash;

use super::RuleId;
use crate::base::diagnostic::{Code, Fix};
use crate::base::model::{Date, EvidenceKind, Pos, Spanned};
use crate::pipeline::validate::{Input, Sink};

/// The format version this build reads.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Runs every consistency check, in the order its diagnostics are listed.
pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    schema_version(input, sink);
    identifier(sink, &e.engagement.id);
    dates(input, sink);
    // Evidence names findings, solutions, stress tests, sessions and
    // activities by id alone, so they share one set of ids.
    unique_ids(sink, "the", e.evidence_ids().map(|(id, _)| id));
    references(input, sink);
    no_repeats(sink, e.engagement.packages.iter());
    no_repeats(sink, e.scope.scenarios.iter());
    no_repeats(sink, e.scope.topics.iter());
    no_repeats(sink, e.acceptance.items.iter().map(|i| &i.item));
    scores_in_range(input, sink);
    scenarios_in_scope(input, sink);
    team_listed(input, sink);
    history_listed(input, sink);
    holidays_not_workdays(input, sink);
    resolved_verified(input, sink);
    holiday_table_covers(input, sink);
    accent_colour(input, sink);
}

/// The file must be written in the format version this build reads.
fn schema_version(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    if *e.schema != SCHEMA_VERSION {
        sink.report(
            RuleId::Consistency,
            Code::SchemaVersion,
            e.schema.pos,
            format!("unknown format version {}", *e.schema),
        )
        .hint(format!(
            "this version of dossier reads `schema: {SCHEMA_VERSION}`"
        ));
    }
}

/// A risk's likelihood and impact are each scored from 1 to 5.
fn scores_in_range(input: &Input<'_>, sink: &mut Sink<'_>) {
    for r in input.e.risks.iter() {
        for (name, value) in [("likelihood", &r.likelihood), ("impact", &r.impact)] {
            if !(1..=5).contains(&value.value) {
                sink.report(
                    RuleId::Consistency,
                    Code::ScoreRange,
                    value.pos,
                    format!(
                        "risk {} has {name} {}; it must be from 1 to 5",
                        r.id.value, value.value
                    ),
                )
                .arg("id", &r.id.value);
            }
        }
    }
}

/// Every finding belongs to a scenario that `scope.scenarios` lists.
fn scenarios_in_scope(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    for f in e.findings.iter() {
        if !e
            .scope
            .scenarios
            .iter()
            .any(|s| s.value == f.scenario.value)
        {
            sink.report(
                RuleId::Consistency,
                Code::ScenarioOut,
                f.scenario.pos,
                format!(
                    "finding {} is in scenario `{}`, which `scope.scenarios` does not list",
                    f.id.value, f.scenario.value
                ),
            )
            .arg("id", &f.id.value)
            .hint("add the scenario to `scope.scenarios` or correct the finding");
        }
    }
}

/// The provider names at least one member of its team.
fn team_listed(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    if e.engagement.provider.team.is_empty() {
        sink.report(
            RuleId::Consistency,
            Code::EmptyTeam,
            e.engagement.provider.team.pos,
            "the provider's team is empty",
        )
        .hint("list at least the engagement lead under `provider.team`");
    }
}

/// The version history has at least one entry.
fn history_listed(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    if e.history.is_empty() {
        sink.report(
            RuleId::Consistency,
            Code::EmptyHistory,
            e.history.pos,
            "the version history is empty",
        )
        .hint("add a `history` entry with `version`, `date`, `author` and `change`");
    }
}

/// No day of the calendar is both a holiday and a working day.
fn holidays_not_workdays(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let holidays: HashSet<_> = e.calendar.holidays.iter().map(|d| *d.date).collect();
    for day in &e.calendar.workdays {
        if holidays.contains(&*day.date) {
            sink.report(
                RuleId::Consistency,
                Code::CalendarConflict,
                day.date.pos,
                format!(
                    "{} is listed both as a holiday and as a working day",
                    *day.date
                ),
            );
        }
    }
}

/// A finding is resolved only once the fix is confirmed: every solution
/// that addresses it verified (or declined, with its reason).
fn resolved_verified(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    for f in e
        .findings
        .iter()
        .filter(|f| f.current_status() == crate::base::model::FindingStatus::Resolved)
    {
        let unverified: Vec<&str> = e
            .solutions
            .iter()
            .filter(|s| s.findings.iter().any(|id| id.value == f.id.value))
            .filter(|s| {
                !matches!(
                    *s.status,
                    crate::base::model::SolutionStatus::Verified
                        | crate::base::model::SolutionStatus::Declined
                )
            })
            .map(|s| s.id.value.as_str())
            .collect();
        if !unverified.is_empty() {
            sink.report(
                RuleId::Consistency,
                Code::ResolvedUnverified,
                f.status_pos(),
                format!(
                    "finding {} is resolved, but solution {} is not verified",
                    f.id.value,
                    unverified.join(", ")
                ),
            )
            .arg("id", &f.id.value)
            .arg("solutions", unverified.join(", "))
            .hint("set the solution's `status: verified` once its effect is confirmed, or the finding's `status: in-progress` until then")
            .warning();
        }
    }
}

/// The region's built-in holiday table covers every year the engagement
/// touches, from its application to its end.
fn holiday_table_covers(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    if let Some(region) = &e.calendar.region {
        let table = crate::base::calendar::Table::of(region.value);
        let h = &e.engagement;
        let first = h.applied_on.year().min(h.starts_on.year());
        let last = h.ends_on.year().max(h.starts_on.year());
        let missing: Vec<i32> = (first..=last)
            .filter(|y| !table.years().contains(y))
            .collect();
        if let (Some(from), Some(to)) = (missing.first(), missing.last()) {
            let years = if from == to {
                from.to_string()
            } else {
                format!("{from}–{to}")
            };
            sink.report(
                RuleId::Consistency,
                Code::CalendarYears,
                region.pos,
                format!(
                    "the {} holiday table covers {}–{}; the engagement runs into {years}",
                    region.value, table.years.0, table.years.1
                ),
            )
            .arg("region", region.value)
            .arg("years", &years)
            .hint(format!(
                "list {years}'s public holidays under `calendar.holidays` and its make-up working days under `calendar.workdays`, or update dossier"
            ))
            .warning();
        }
    }
}

/// The brand's accent colour, when given, is a colour.
fn accent_colour(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    if let Some(accent) = e
        .engagement
        .provider
        .brand
        .as_ref()
        .and_then(|b| b.accent.as_ref())
        && crate::base::model::hex_colour(accent).is_none()
    {
        sink.report(
            RuleId::Consistency,
            Code::BadColour,
            accent.pos,
            format!("`{}` is not a colour", accent.value),
        )
        .arg("value", &accent.value)
        .hint("write the accent colour as `#rrggbb`, e.g. `#1f4e79`");
    }
}

/// The id names the output folder, so it must be a plain file name.
fn identifier(sink: &mut Sink<'_>, id: &Spanned<String>) {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        sink.report(
            RuleId::Consistency,
            Code::BadId,
            id.pos,
            format!(
                "engagement id `{}` is not usable as a folder name",
                id.value
            ),
        )
        .hint("use up to 64 letters, digits, `-`, `_` and `.`, not starting with `.`");
    }
}

fn order(sink: &mut Sink<'_>, earlier: &Date, earlier_name: &str, later: &Date, later_name: &str) {
    if **later < **earlier {
        sink.report(
            RuleId::Consistency,
            Code::DateOrder,
            later.pos,
            format!(
                "`{later_name}` ({}) is before `{earlier_name}` ({})",
                **later, **earlier
            ),
        )
        .arg("later", later_name)
        .arg("earlier", earlier_name);
    }
}

/// Reports `date` when it falls outside `window`, at the date itself: it
/// is the value out of place.
fn within(sink: &mut Sink<'_>, date: (&Date, &str), window: [(&Date, &str); 2]) {
    let [first, last] = window;
    let (earlier, later) = if **date.0 < **first.0 {
        (first, date)
    } else if **date.0 > **last.0 {
        (date, last)
    } else {
        return;
    };
    sink.report(
        RuleId::Consistency,
        Code::DateOrder,
        date.0.pos,
        format!(
            "`{}` ({}) is before `{}` ({})",
            later.1, **later.0, earlier.1, **earlier.0
        ),
    )
    .arg("later", later.1)
    .arg("earlier", earlier.1)
    .hint(format!(
        "`{}` falls between `{}` ({}) and `{}` ({})",
        date.1, first.1, **first.0, last.1, **last.0
    ));
}

fn dates(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let h = &e.engagement;
    order(sink, &h.applied_on, "applied_on", &h.starts_on, "starts_on");
    order(sink, &h.starts_on, "starts_on", &h.ends_on, "ends_on");
    for r in &h.residency {
        order(sink, &r.from, "from", &r.to, "to");
        order(sink, &h.starts_on, "starts_on", &r.from, "residency.from");
        order(sink, &r.to, "residency.to", &h.ends_on, "ends_on");
    }
    if let Some(confirmed) = &e.plan.confirmed_on {
        order(
            sink,
            &e.plan.submitted_on,
            "submitted_on",
            confirmed,
            "confirmed_on",
        );
    }
    for (phase, activities) in e.plan.phases.iter() {
        for a in activities {
            order(sink, &a.from, "from", &a.to, "to");
            if a.activity.phase() != phase {
                sink.report(
                    RuleId::Consistency,
                    Code::WrongPhase,
                    a.activity.pos,
                    format!(
                        "`{}` belongs to the {} phase, not {}",
                        a.activity.value,
                        a.activity.phase(),
                        phase
                    ),
                )
                .arg("activity", a.activity.value)
                .hint(format!(
                    "move it under `plan.phases.{}`",
                    a.activity.phase()
                ));
            }
        }
    }
    if let Some(accepted) = &h.accepted {
        let window = [(&h.applied_on, "applied_on"), (&h.starts_on, "starts_on")];
        within(sink, (&accepted.on, "accepted.on"), window);
    }
    if let Some(end) = &h.termination {
        let window = [(&h.starts_on, "starts_on"), (&h.ends_on, "ends_on")];
        within(sink, (&end.on, "termination.on"), window);
    }
    for s in e.solutions.iter() {
        if let Some(due) = &s.implement_by {
            order(sink, &s.proposed_on, "proposed_on", due, "implement_by");
        }
        if let Some(done) = &s.implemented_on {
            order(sink, &s.proposed_on, "proposed_on", done, "implemented_on");
        }
    }
    if let Some(signoff) = &e.acceptance.signoff {
        order(sink, &h.starts_on, "starts_on", &signoff.on, "signoff.on");
    }
    for p in e.exceptions.iter().filter_map(|x| x.prevented.as_ref()) {
        order(sink, &p.from, "prevented.from", &p.to, "prevented.to");
    }
}

fn unique_ids<'a>(sink: &mut Sink<'_>, kind: &str, ids: impl Iterator<Item = &'a Spanned<String>>) {
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for id in ids {
        if let Some(first) = seen.get(id.as_str()) {
            sink.report(
                RuleId::Consistency,
                Code::DuplicateId,
                id.pos,
                format!(
                    "{kind} id `{}` is used twice (first at line {}); findings, risks, solutions, stress tests, sessions and activities share one set of ids",
                    id.value, first.line
                ),
            )
            .arg("id", &id.value);
        } else {
            seen.insert(id.as_str(), id.pos);
        }
    }
}

fn references(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let findings: Vec<&str> = e.findings.iter().map(|f| f.id.as_str()).collect();
    let to_findings = e
        .risks
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r.id.as_str(), f)))
        .chain(
            e.solutions
                .iter()
                .flat_map(|s| s.findings.iter().map(move |f| (s.id.as_str(), f))),
        );
    for (owner, reference) in to_findings {
        resolve(sink, owner, reference, "finding", "findings", &findings);
    }

    let measured: Vec<&str> = e
        .evidence_ids()
        .filter(|(_, kind)| matches!(kind, EvidenceKind::Finding | EvidenceKind::StressTest))
        .map(|(id, _)| id.as_str())
        .collect();
    let sources = e.objectives.iter().flat_map(|o| &o.targets).flat_map(|t| {
        let earlier = t.earlier.iter().filter_map(|r| r.measured_by.as_ref());
        t.measured_by
            .iter()
            .chain(earlier)
            .map(move |s| (&t.metric, s))
    });
    for (metric, source) in sources {
        resolve(
            sink,
            metric,
            source,
            "finding or stress test",
            "findings and stress tests with an id",
            &measured,
        );
    }

    let evidence: Vec<&str> = e.evidence_ids().map(|(id, _)| id.as_str()).collect();
    let cited = e
        .acceptance
        .items
        .iter()
        .flat_map(|item| {
            item.evidence
                .iter()
                .map(move |r| (item.item.value.key(), r))
        })
        .chain(e.objectives.iter().flat_map(|o| {
            o.verdict
                .iter()
                .flat_map(|v| &v.evidence)
                .map(move |r| (o.title.as_str(), r))
        }));
    for (owner, reference) in cited {
        resolve(
            sink,
            owner,
            reference,
            "finding, risk, solution, stress test, session or activity",
            "ids",
            &evidence,
        );
    }

    let solutions: Vec<&str> = e.solutions.iter().map(|s| s.id.as_str()).collect();
    for x in &e.exceptions {
        if let Some(solution) = &x.solution {
            resolve(
                sink,
                "the exception",
                solution,
                "solution",
                "solutions",
                &solutions,
            );
        }
    }
}

/// Reports `reference`, written by `owner`, unless it is one of `known`.
fn resolve(
    sink: &mut Sink<'_>,
    owner: &str,
    reference: &Spanned<String>,
    kind: &str,
    kinds: &str,
    known: &[&str],
) {
    if known.contains(&reference.as_str()) {
        return;
    }
    let diagnostic = sink.report(
        RuleId::Consistency,
        Code::UnknownReference,
        reference.pos,
        format!(
            "{owner} refers to {kind} `{}`, which does not exist",
            reference.value
        ),
    );
    diagnostic.arg("id", &reference.value);
    match crate::pipeline::load::closest(reference, known) {
        Some(near) => {
            diagnostic.fix = Some(Fix::replace(reference.pos, &reference.value, near));
            diagnostic.hint(format!("did you mean `{near}`?"))
        }
        None if known.is_empty() => {
            diagnostic.hint(format!("no {kinds} are listed; remove the reference"))
        }
        None => diagnostic.hint(format!("known {kinds}: {}", known.join(", "))),
    };
}

fn no_repeats<'a, T: Eq + Hash + Display + 'a>(
    sink: &mut Sink<'_>,
    items: impl Iterator<Item = &'a Spanned<T>>,
) {
    let mut seen = HashSet::new();
    for item in items {
        if !seen.insert(&item.value) {
            sink.report(
                RuleId::Consistency,
                Code::DuplicateKey,
                item.pos,
                format!("`{}` is listed twice", item.value),
            )
            .arg("key", &item.value);
        }
    }
}
