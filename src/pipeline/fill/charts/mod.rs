//! The data behind the reports' charts: scales, ticks and positions are
//! computed here, so the Typst side only draws (`templates/style.typ`:
//! `line-chart`, `risk-matrix`, `gantt`). Every chart has a defined form
//! for empty and one-point data.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::base::locale::{Catalogue, CatalogueError, fill};
use crate::base::model::{Phase, Plan, PlannedActivity, Risk};

use crate::base::model::risk_level;

mod stress;

pub use stress::{StressCharts, stress};

/// A numeric axis from `min` to `max` with "nice" ticks (1, 2 or 5 times a
/// power of ten apart), always including 0 for quantities.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    /// Lowest value shown.
    pub min: f64,
    /// Highest value shown.
    pub max: f64,
    /// Tick values, ascending.
    pub ticks: Vec<f64>,
}

impl Axis {
    /// An axis from 0 covering `values`, with about `target` ticks.
    pub(crate) fn covering(values: impl IntoIterator<Item = f64>, target: usize) -> Self {
        let high = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        let high = if high <= 0.0 { 1.0 } else { high };
        let step = nice_step(high / target.max(1) as f64);
        let max = (high / step).ceil() * step;
        let count = (max / step).round() as usize;
        Self {
            min: 0.0,
            max,
            ticks: (0..=count).map(|i| i as f64 * step).collect(),
        }
    }

    fn labelled(&self, label: &str) -> AxisData {
        AxisData {
            label: label.to_string(),
            max: self.max,
            min: self.min,
            ticks: self
                .ticks
                .iter()
                .map(|t| Tick {
                    at: *t,
                    label: tick_label(*t),
                })
                .collect(),
        }
    }
}

// The types below are written into the reports as Typst dictionaries
// (`chart|typ`), so their fields stand in alphabetical order, as the
// generated sources list them.

/// An axis as the chart functions draw it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AxisData {
    label: String,
    max: f64,
    min: f64,
    ticks: Vec<Tick<f64>>,
}

/// A tick: where, and its label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Tick<T> {
    at: T,
    label: String,
}

/// The risk matrix, impact 5 first, and its text alternative.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RiskMatrix {
    alt: String,
    rows: Vec<MatrixRow>,
}

/// A row of the risk matrix: one impact.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MatrixRow {
    cells: Vec<MatrixCell>,
    impact: u8,
}

/// A cell of the risk matrix.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MatrixCell {
    ids: Vec<String>,
    level: &'static str,
}

/// The plan's Gantt chart, or `empty`.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Gantt {
    alt: String,
    days: i64,
    empty: bool,
    milestone_label: String,
    milestones: Vec<GanttMark>,
    phases: Vec<GanttPhase>,
    rows: Vec<GanttRow>,
    ticks: Vec<Tick<i64>>,
}

/// A milestone of the Gantt chart.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GanttMark {
    at: i64,
    label: String,
}

/// A phase of the Gantt chart's legend.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GanttPhase {
    key: &'static str,
    label: String,
}

/// A bar of the Gantt chart, in days from its start.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GanttRow {
    from: i64,
    label: String,
    phase: &'static str,
    to: i64,
}

/// The one of 1, 2, 5 × 10ⁿ nearest to `raw` (by ratio), so that an axis
/// gets about as many ticks as asked for.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .min_by(|a, b| (a / raw).ln().abs().total_cmp(&(b / raw).ln().abs()))
        .unwrap_or(power)
}

fn tick_label(v: f64) -> String {
    let text = if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    crate::base::locale::grouped(&text)
}

/// The likelihood × impact heat map: 25 cells, impact 5 at the top, each
/// with its risk level and the ids of the risks in it.
pub(crate) fn risk_matrix(risks: &[Risk], t: &Catalogue) -> Result<RiskMatrix, CatalogueError> {
    let rows = (1..=5u8)
        .rev()
        .map(|impact| MatrixRow {
            impact,
            cells: (1..=5u8)
                .map(|likelihood| MatrixCell {
                    level: risk_level(u32::from(likelihood) * u32::from(impact)),
                    ids: risks
                        .iter()
                        .filter(|r| *r.likelihood == likelihood && *r.impact == impact)
                        .map(|r| r.id.value.clone())
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let alt = if risks.is_empty() {
        t.get("charts.no_risks")?.to_string()
    } else {
        let mut sorted: Vec<&Risk> = risks.iter().collect();
        sorted.sort_by_key(|r| std::cmp::Reverse(u32::from(*r.likelihood) * u32::from(*r.impact)));
        let listed = sorted
            .iter()
            .map(|r| {
                let level = risk_level(u32::from(*r.likelihood) * u32::from(*r.impact));
                Ok(fill(
                    t.get("charts.risk")?,
                    &[
                        ("id", &r.id.value),
                        ("likelihood", &r.likelihood.to_string()),
                        ("impact", &r.impact.to_string()),
                        ("level", t.key("risk_levels", level)?),
                    ],
                ))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        fill(
            t.get("charts.risk_matrix")?,
            &[("risks", &listed.join(t.get("charts.group_sep")?))],
        )
    };
    Ok(RiskMatrix { alt, rows })
}

/// The plan's schedule as a Gantt chart: one bar per activity, grouped by
/// phase, milestones as diamonds, on a day axis from the first to the last
/// date with ticks a day, a week or a month apart.
pub(crate) fn gantt(plan: &Plan, t: &Catalogue) -> Result<Gantt, CatalogueError> {
    let activities: Vec<_> = plan.phases.iter().into_iter().collect();
    let dates: Vec<NaiveDate> = activities
        .iter()
        .flat_map(|(_, list)| list.iter().flat_map(|a| [a.from.value, a.to.value]))
        .chain(plan.milestones.iter().map(|m| m.date.value))
        .collect();
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        return Ok(Gantt {
            empty: true,
            ..Gantt::default()
        });
    };
    let days = (*last - *first).num_days() + 1;
    let offset = |d: NaiveDate| (d - *first).num_days();
    let ticks = gantt_ticks(*first, *last, days, t)?;
    let rows = gantt_rows(&activities, offset, t)?;
    let phases = activities
        .iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(phase, _)| {
            Ok(GanttPhase {
                key: phase.key(),
                label: t.key("phases", phase.key())?.to_string(),
            })
        })
        .collect::<Result<Vec<_>, CatalogueError>>()?;
    let milestones = plan
        .milestones
        .iter()
        .map(|m| GanttMark {
            label: m.name.clone(),
            at: offset(m.date.value),
        })
        .collect();
    let alt = gantt_alt(plan, &activities, (*first, *last), t)?;
    Ok(Gantt {
        alt,
        empty: false,
        days,
        ticks,
        rows,
        phases,
        milestones,
        milestone_label: t.get("plan.milestones")?.to_string(),
    })
}

/// The Gantt chart's day axis, `days` long from `first`: a tick every day
/// for up to ten days, every week for up to ten weeks, else at each month's
/// start.
fn gantt_ticks(
    first: NaiveDate,
    last: NaiveDate,
    days: i64,
    t: &Catalogue,
) -> Result<Vec<Tick<i64>>, CatalogueError> {
    let step = match days {
        ..=10 => 1,
        11..=70 => 7,
        _ => 0,
    };
    let mut ticks = Vec::new();
    if step > 0 {
        let mut at = 0;
        while at <= days {
            let date = first + chrono::Duration::days(at);
            ticks.push(Tick {
                at,
                label: t.short_date(date)?,
            });
            at += step;
        }
    } else {
        // Month starts.
        let mut date = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
        while date <= last {
            if date >= first {
                ticks.push(Tick {
                    at: (date - first).num_days(),
                    label: t.short_date(date)?,
                });
            }
            date = crate::base::calendar::add_month(date);
        }
    }
    Ok(ticks)
}

/// The Gantt chart's bars, one per activity in plan order, placed by
/// `offset` (days from the chart's start); a bar ends after its last day.
fn gantt_rows(
    activities: &[(Phase, &[PlannedActivity])],
    offset: impl Fn(NaiveDate) -> i64,
    t: &Catalogue,
) -> Result<Vec<GanttRow>, CatalogueError> {
    let mut rows = Vec::new();
    for (phase, list) in activities {
        for a in list.iter() {
            rows.push(GanttRow {
                label: t.key("activities", a.activity.key())?.to_string(),
                phase: phase.key(),
                from: offset(a.from.value),
                to: offset(a.to.value) + 1,
            });
        }
    }
    Ok(rows)
}

/// The Gantt chart's text alternative: its period from `span`'s first to
/// its last day, then every activity's dates and every milestone's.
fn gantt_alt(
    plan: &Plan,
    activities: &[(Phase, &[PlannedActivity])],
    span: (NaiveDate, NaiveDate),
    t: &Catalogue,
) -> Result<String, CatalogueError> {
    let (first, last) = span;
    let mut spans = Vec::new();
    for (_, list) in activities {
        for a in list.iter() {
            spans.push(fill(
                t.get("charts.span")?,
                &[
                    ("label", t.key("activities", a.activity.key())?),
                    ("from", &t.short_date(a.from.value)?),
                    ("to", &t.short_date(a.to.value)?),
                ],
            ));
        }
    }
    for m in &plan.milestones {
        spans.push(fill(
            t.get("charts.milestone")?,
            &[("label", &m.name), ("date", &t.short_date(m.date.value)?)],
        ));
    }
    Ok(fill(
        t.get("charts.gantt")?,
        &[
            ("from", &t.date(first)?),
            ("to", &t.date(last)?),
            ("rows", &spans.join(t.get("charts.group_sep")?)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_nice_and_start_at_zero() {
        let a = Axis::covering([0.0, 1234.0], 5);
        assert_eq!(a.min, 0.0);
        assert_eq!(a.max, 1400.0);
        assert_eq!(a.ticks.first(), Some(&0.0));
        assert_eq!(a.ticks.last(), Some(&1400.0));
        assert_eq!(a.ticks.len(), 8);
        let one = Axis::covering([37.5], 5);
        assert_eq!((one.max, one.ticks.len()), (40.0, 5));
        let nothing = Axis::covering([], 5);
        assert_eq!(nothing.max, 1.0);
        let tiny = Axis::covering([0.03], 4);
        assert_eq!(tick_label(tiny.ticks[1]), "0.01");
    }
}
