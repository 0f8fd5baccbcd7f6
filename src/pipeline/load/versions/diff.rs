//! The changes between two engagements, item by item, ids as keys.

use std::collections::{BTreeSet, HashMap};

use super::{Change, Field, Metric, Moved, Section, Value, What};
use crate::base::model::{Engagement, PlannedActivity, Sample, Spanned, StressTest};

/// What changed from `base` to `new`, section by section in appendix order,
/// items in the newer version's order, removed items after them in the
/// older version's order.
pub fn changes(base: &Engagement, new: &Engagement) -> Vec<Change> {
    let mut out = Out::default();
    engagement(&mut out, base, new);
    objectives(&mut out, base, new);
    plan(&mut out, base, new);
    findings(&mut out, base, new);
    solutions(&mut out, base, new);
    stress_tests(&mut out, base, new);
    risks(&mut out, base, new);
    service_items(&mut out, base, new);
    signoff(&mut out, base, new);
    out.list
}

#[derive(Default)]
struct Out {
    list: Vec<Change>,
}

impl Out {
    fn push(&mut self, section: Section, id: &str, title: Value, what: What) {
        self.list.push(Change {
            section,
            id: id.to_string(),
            title,
            what,
        });
    }

    /// Records `field` when its two values differ.
    fn field(
        &mut self,
        section: Section,
        id: &str,
        title: &Value,
        field: Field,
        from: Value,
        to: Value,
    ) {
        if from != to {
            self.push(
                section,
                id,
                title.clone(),
                What::Changed { field, from, to },
            );
        }
    }

    /// Pairs the items of two lists by key (the second item of a key is
    /// paired with the second of the other list, and so on): calls `same`
    /// for each item of `new` also in `base`, records the others as added,
    /// then the items only `base` has as removed. `id` is what cites an
    /// item.
    #[allow(clippy::too_many_arguments)]
    fn pair<'a, T>(
        &mut self,
        section: Section,
        base: &'a [T],
        new: &'a [T],
        key: impl Fn(&T) -> String,
        id: impl Fn(&T) -> String,
        title: impl Fn(&T) -> Value,
        mut same: impl FnMut(&mut Item<'_>, &'a T, &'a T),
    ) {
        let keyed = |list: &'a [T]| -> Vec<((String, usize), &'a T)> {
            let mut seen: HashMap<String, usize> = HashMap::new();
            list.iter()
                .map(|x| {
                    let k = key(x);
                    let n = seen.entry(k.clone()).or_default();
                    *n += 1;
                    ((k, *n), x)
                })
                .collect()
        };
        let (old, current) = (keyed(base), keyed(new));
        let find = |list: &[((String, usize), &'a T)], k: &(String, usize)| {
            list.iter().find(|(key, _)| key == k).map(|(_, x)| *x)
        };
        for (k, item) in &current {
            match find(&old, k) {
                Some(before) => {
                    let (id, title) = (id(item), title(item));
                    let mut each = Item {
                        out: self,
                        section,
                        id: &id,
                        title: &title,
                    };
                    same(&mut each, before, item)
                }
                None => self.push(section, &id(item), title(item), What::Added),
            }
        }
        for (k, item) in &old {
            if find(&current, k).is_none() {
                self.push(section, &id(item), title(item), What::Removed);
            }
        }
    }
}

/// One item present in both versions, whose values are compared.
struct Item<'o> {
    out: &'o mut Out,
    section: Section,
    id: &'o str,
    title: &'o Value,
}

impl Item<'_> {
    /// Records `field` when its two values differ.
    fn field(&mut self, field: Field, from: Value, to: Value) {
        self.out
            .field(self.section, self.id, self.title, field, from, to);
    }

    /// Records what happened to the item.
    fn push(&mut self, what: What) {
        self.out
            .push(self.section, self.id, self.title.clone(), what);
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn date(d: &Option<Spanned<chrono::NaiveDate>>) -> Value {
    d.as_ref().map_or(Value::None, |d| Value::Date(d.value))
}

fn engagement(out: &mut Out, base: &Engagement, new: &Engagement) {
    let (b, n) = (&base.engagement, &new.engagement);
    let title = text(&n.title);
    for (field, from, to) in [
        (Field::StartsOn, b.starts_on.value, n.starts_on.value),
        (Field::EndsOn, b.ends_on.value, n.ends_on.value),
    ] {
        out.field(
            Section::Engagement,
            &n.id,
            &title,
            field,
            Value::Date(from),
            Value::Date(to),
        );
    }
}

/// The verdict on objective `n`, written or settled by the figures.
fn verdict(
    out: &mut Out,
    n: &str,
    before: &crate::base::model::Objective,
    now: &crate::base::model::Objective,
) {
    let outcome = |o: &crate::base::model::Objective| {
        o.outcome()
            .map_or(Value::None, |v| Value::Key("outcomes", v.key()))
    };
    out.field(
        Section::Objective,
        n,
        &text(&now.title),
        Field::Verdict,
        outcome(before),
        outcome(now),
    );
}

/// Objectives are keyed by their statement, targets by their metric; an
/// objective is cited by its number.
fn objectives(out: &mut Out, base: &Engagement, new: &Engagement) {
    let number = |list: &[Spanned<crate::base::model::Objective>], title: &str| {
        list.iter()
            .position(|o| o.title == title)
            .map_or(String::new(), |i| (i + 1).to_string())
    };
    let old: HashMap<&str, &Spanned<crate::base::model::Objective>> = base
        .objectives
        .iter()
        .map(|o| (o.title.as_str(), o))
        .collect();
    for o in &new.objectives {
        let n = number(&new.objectives, &o.title);
        let Some(before) = old.get(o.title.as_str()) else {
            out.push(Section::Objective, &n, text(&o.title), What::Added);
            continue;
        };
        let figure = |t: &crate::base::model::Target, v: Option<f64>| {
            v.map_or(Value::None, |v| Value::Number(v, t.unit.clone()))
        };
        let mut sub = Out::default();
        sub.pair(
            Section::Objective,
            &before.targets,
            &o.targets,
            |t| t.metric.clone(),
            |_| String::new(),
            |t| text(&t.metric),
            |item, b, t| {
                item.field(
                    Field::Target,
                    figure(b, Some(b.target.value)),
                    figure(t, Some(t.target.value)),
                );
                item.field(
                    Field::Result,
                    figure(b, b.result.as_ref().map(|r| r.value)),
                    figure(t, t.result.as_ref().map(|r| r.value)),
                );
            },
        );
        verdict(out, &n, before, o);
        // A target added or removed is a change of the target figure.
        for mut change in sub.list {
            change.id = n.clone();
            if let What::Added | What::Removed = change.what {
                let target = o
                    .targets
                    .iter()
                    .chain(&before.targets)
                    .find(|t| Value::Text(t.metric.clone()) == change.title)
                    .map(|t| Value::Number(t.target.value, t.unit.clone()))
                    .unwrap_or(Value::None);
                change.what = match change.what {
                    What::Added => What::Changed {
                        field: Field::Target,
                        from: Value::None,
                        to: target,
                    },
                    _ => What::Changed {
                        field: Field::Target,
                        from: target,
                        to: Value::None,
                    },
                };
            }
            out.list.push(change);
        }
    }
    let titles: BTreeSet<&str> = new.objectives.iter().map(|o| o.title.as_str()).collect();
    for o in base
        .objectives
        .iter()
        .filter(|o| !titles.contains(o.title.as_str()))
    {
        let n = number(&base.objectives, &o.title);
        out.push(Section::Objective, &n, text(&o.title), What::Removed);
    }
}

fn plan(out: &mut Out, base: &Engagement, new: &Engagement) {
    let (b, n) = (&base.plan, &new.plan);
    out.field(
        Section::Plan,
        "",
        &Value::Key("reports", "plan"),
        Field::ConfirmedOn,
        date(&b.confirmed_on),
        date(&n.confirmed_on),
    );
    out.pair(
        Section::Milestone,
        &b.milestones,
        &n.milestones,
        |m| m.name.clone(),
        |m| m.name.clone(),
        |m| text(&m.name),
        |item, b, m| {
            item.field(
                Field::Date,
                Value::Date(b.date.value),
                Value::Date(m.date.value),
            );
        },
    );
    let activities =
        |e: &Engagement| -> Vec<PlannedActivity> { e.plan.phases.activities().cloned().collect() };
    let (old, current) = (activities(base), activities(new));
    out.pair(
        Section::Activity,
        &old,
        &current,
        activity_key,
        |a| {
            a.id.as_ref()
                .map_or_else(String::new, |id| id.value.clone())
        },
        |a| Value::Key("activities", a.activity.value.key()),
        |item, b, a| {
            item.field(
                Field::From,
                Value::Date(b.from.value),
                Value::Date(a.from.value),
            );
            item.field(Field::To, Value::Date(b.to.value), Value::Date(a.to.value));
        },
    );
}

/// An activity's id, or, without one, its catalogue key.
fn activity_key(a: &PlannedActivity) -> String {
    a.id.as_ref()
        .map_or_else(|| a.activity.value.key().to_string(), |id| id.value.clone())
}

fn findings(out: &mut Out, base: &Engagement, new: &Engagement) {
    out.pair(
        Section::Finding,
        &base.findings,
        &new.findings,
        |f| f.id.value.clone(),
        |f| f.id.value.clone(),
        |f| text(&f.title),
        |item, b, f| {
            item.field(Field::Title, text(&b.title), text(&f.title));
            item.field(
                Field::Severity,
                Value::Key("severities", b.severity.value.key()),
                Value::Key("severities", f.severity.value.key()),
            );
            let earlier: BTreeSet<_> = b
                .retests
                .iter()
                .map(|r| (r.date.value, r.result.value))
                .collect();
            for r in f
                .retests
                .iter()
                .filter(|r| !earlier.contains(&(r.date.value, r.result.value)))
            {
                item.push(What::Retested {
                    date: r.date.value,
                    by: r.by.clone(),
                    result: r.result.value,
                });
            }
            item.field(
                Field::Status,
                Value::Key("finding_status", b.current_status().key()),
                Value::Key("finding_status", f.current_status().key()),
            );
        },
    );
}

fn solutions(out: &mut Out, base: &Engagement, new: &Engagement) {
    out.pair(
        Section::Solution,
        &base.solutions,
        &new.solutions,
        |s| s.id.value.clone(),
        |s| s.id.value.clone(),
        |s| text(&s.title),
        |item, b, s| {
            item.field(Field::Title, text(&b.title), text(&s.title));
            item.field(
                Field::Status,
                Value::Key("solution_status", b.status.value.key()),
                Value::Key("solution_status", s.status.value.key()),
            );
            item.field(
                Field::ImplementBy,
                date(&b.implement_by),
                date(&s.implement_by),
            );
            item.field(
                Field::ImplementedOn,
                date(&b.implemented_on),
                date(&s.implemented_on),
            );
        },
    );
}

/// A stress test's key: its id, else its name.
fn test_key(t: &StressTest) -> String {
    t.id.as_ref()
        .map_or_else(|| t.name.clone(), |id| id.value.clone())
}

fn stress_tests(out: &mut Out, base: &Engagement, new: &Engagement) {
    out.pair(
        Section::StressTest,
        &base.stress_tests,
        &new.stress_tests,
        test_key,
        |t| {
            t.id.as_ref()
                .map_or_else(String::new, |id| id.value.clone())
        },
        |t| text(&t.name),
        |item, b, t| {
            for (after, old, current) in [(false, &b.before, &t.before), (true, &b.after, &t.after)]
            {
                series(item, after, &t.throughput_unit, old, current);
            }
        },
    );
}

/// The measurements of one series that moved, paired by concurrency.
fn series(item: &mut Item<'_>, after: bool, unit: &str, old: &[Sample], new: &[Sample]) {
    let levels: BTreeSet<u32> = old.iter().chain(new).map(|s| s.concurrency).collect();
    let at = |list: &[Sample], c: u32| list.iter().find(|s| s.concurrency == c).cloned();
    for c in levels {
        let (b, n) = (at(old, c), at(new, c));
        let moved: Vec<Moved> = Metric::ALL
            .into_iter()
            .map(|metric| Moved {
                metric,
                from: b.as_ref().map(|s| metric.of(s)),
                to: n.as_ref().map(|s| metric.of(s)),
            })
            .filter(|m| m.from != m.to)
            .collect();
        if !moved.is_empty() {
            item.push(What::Measured {
                after,
                concurrency: c,
                unit: unit.to_string(),
                moved,
            });
        }
    }
}

fn risks(out: &mut Out, base: &Engagement, new: &Engagement) {
    out.pair(
        Section::Risk,
        &base.risks,
        &new.risks,
        |r| r.id.value.clone(),
        |r| r.id.value.clone(),
        |r| text(&r.description),
        |item, b, r| {
            let score = |v: u8| Value::Number(f64::from(v), String::new());
            item.field(
                Field::Likelihood,
                score(b.likelihood.value),
                score(r.likelihood.value),
            );
            item.field(Field::Impact, score(b.impact.value), score(r.impact.value));
        },
    );
}

fn service_items(out: &mut Out, base: &Engagement, new: &Engagement) {
    let items = |e: &Engagement| -> Vec<crate::base::model::ServiceItem> {
        e.acceptance.items.iter().map(|i| i.item.value).collect()
    };
    out.pair(
        Section::ServiceItem,
        &items(base),
        &items(new),
        |i| i.key().to_string(),
        |_| String::new(),
        |i| Value::Key("service_items", i.key()),
        |_, _, _| {},
    );
}

fn signoff(out: &mut Out, base: &Engagement, new: &Engagement) {
    let (b, n) = (&base.acceptance.signoff, &new.acceptance.signoff);
    match (b, n) {
        (None, None) => {}
        (None, Some(s)) => out.push(Section::Signoff, "", text(&s.by), What::Added),
        (Some(s), None) => out.push(Section::Signoff, "", text(&s.by), What::Removed),
        (Some(b), Some(s)) => {
            let title = text(&s.by);
            out.field(
                Section::Signoff,
                "",
                &title,
                Field::By,
                text(&b.by),
                text(&s.by),
            );
            out.field(
                Section::Signoff,
                "",
                &title,
                Field::On,
                Value::Date(b.on.value),
                Value::Date(s.on.value),
            );
            out.field(
                Section::Signoff,
                "",
                &title,
                Field::Method,
                Value::Key("signoff_method", b.method.value.key()),
                Value::Key("signoff_method", s.method.value.key()),
            );
        }
    }
}
