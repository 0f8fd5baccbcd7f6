//! A stress test's charts: throughput and P95/P99 latency against
//! concurrency, before and after tuning, with the agreed targets the test
//! measured drawn as lines. When tuning brought latency far below where it
//! started, a second chart shows the tuned figures on their own scale, so
//! that they are not flattened against the axis.

use serde::Serialize;

use super::{Axis, AxisData, tick_label};
use crate::base::locale::{Catalogue, CatalogueError, fill};
use crate::base::model::{Sample, StressTest, Target};

/// The charts of a stress test, or `empty`.
#[derive(Debug, Clone, Serialize)]
pub struct StressCharts {
    empty: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency: Option<Plot>,
    /// The tuned latency alone, when the untuned figures would flatten it
    /// (`none` otherwise, for templates to test).
    latency_after: Option<Plot>,
    #[serde(skip_serializing_if = "Option::is_none")]
    throughput: Option<Plot>,
}

/// One line chart: its series and target lines on two axes, and its text
/// alternative.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Plot {
    alt: String,
    series: Vec<Series>,
    targets: Vec<TargetLine>,
    x: AxisData,
    y: AxisData,
}

/// A line of a chart.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Series {
    dash: bool,
    label: String,
    phase: &'static str,
    points: Vec<[f64; 2]>,
}

/// An agreed target the test measured, drawn across the chart at its
/// figure: "Target ≤ 500 ms".
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TargetLine {
    at: f64,
    label: String,
}

/// How far below the untuned latency the tuned latency must lie for it to
/// get a chart of its own.
const FLATTENED: f64 = 4.0;

/// The charts of `test`, with the `targets` it measured (those in its
/// throughput unit on the throughput chart, those in milliseconds on the
/// latency chart). `empty` is true when there is nothing to draw.
pub fn stress(
    test: &StressTest,
    targets: &[&Target],
    t: &Catalogue,
) -> Result<StressCharts, CatalogueError> {
    let all: Vec<&Sample> = test.before.iter().chain(&test.after).collect();
    if all.is_empty() {
        return Ok(StressCharts {
            empty: true,
            latency: None,
            latency_after: None,
            throughput: None,
        });
    }
    let lines = |unit: &str| target_lines(targets, unit, t);
    let (rate, ms) = (lines(&test.throughput_unit)?, lines("ms")?);
    let x = Axis::covering(all.iter().map(|s| f64::from(s.concurrency)), 6)
        .labelled(t.get("service.concurrency")?);
    let (before, after) = (t.get("service.before")?, t.get("service.after")?);
    let mut throughput = vec![series(
        before,
        "before",
        &test.before,
        |s| s.throughput,
        false,
    )];
    let mut latency = latency_series(before, "before", &test.before);
    let tuned = latency_series(after, "after", &test.after);
    if !test.after.is_empty() {
        throughput.push(series(after, "after", &test.after, |s| s.throughput, false));
        latency.extend(tuned.iter().cloned());
    }
    let throughput_axis = Axis::covering(
        all.iter()
            .map(|s| s.throughput)
            .chain(rate.iter().map(|l| l.at)),
        5,
    )
    .labelled(&fill(
        t.get("service.with_unit")?,
        &[
            ("label", t.get("service.throughput")?),
            ("unit", &test.throughput_unit),
        ],
    ));
    let latency_label = t.get("service.latency_ms")?;
    let highest = |samples: &[Sample]| samples.iter().map(|s| s.p95.max(s.p99)).fold(0.0, f64::max);
    let latency_after =
        if !test.after.is_empty() && highest(&test.after) * FLATTENED < highest(&test.before) {
            let axis = Axis::covering(
                test.after
                    .iter()
                    .flat_map(|s| [s.p95, s.p99])
                    .chain(ms.iter().map(|l| l.at)),
                5,
            );
            Some(Plot::new(
                x.clone(),
                axis.labelled(latency_label),
                tuned,
                ms.clone(),
                t,
            )?)
        } else {
            None
        };
    let latency_axis = Axis::covering(
        all.iter()
            .flat_map(|s| [s.p95, s.p99])
            .chain(ms.iter().map(|l| l.at)),
        5,
    )
    .labelled(latency_label);
    Ok(StressCharts {
        empty: false,
        throughput: Some(Plot::new(x.clone(), throughput_axis, throughput, rate, t)?),
        latency: Some(Plot::new(x, latency_axis, latency, ms, t)?),
        latency_after,
    })
}

/// The P95 (solid) and P99 (dashed) lines of one phase.
fn latency_series(label: &str, phase: &'static str, samples: &[Sample]) -> Vec<Series> {
    vec![
        series(&format!("{label} P95"), phase, samples, |s| s.p95, false),
        series(&format!("{label} P99"), phase, samples, |s| s.p99, true),
    ]
}

fn series(
    label: &str,
    phase: &'static str,
    samples: &[Sample],
    pick: fn(&Sample) -> f64,
    dash: bool,
) -> Series {
    Series {
        label: label.to_string(),
        phase,
        dash,
        points: points(samples, pick),
    }
}

/// The targets in `unit`, as lines labelled the report's way.
fn target_lines(
    targets: &[&Target],
    unit: &str,
    t: &Catalogue,
) -> Result<Vec<TargetLine>, CatalogueError> {
    targets
        .iter()
        .filter(|g| g.unit.trim() == unit.trim() && g.target.is_finite())
        .map(|g| {
            Ok(TargetLine {
                at: *g.target,
                label: format!(
                    "{} {} {} {}",
                    t.get("service.target_value")?,
                    t.key("comparisons", g.comparison.key())?,
                    tick_label(*g.target),
                    g.unit.trim()
                ),
            })
        })
        .collect()
}

/// Points sorted by concurrency.
fn points(samples: &[Sample], pick: fn(&Sample) -> f64) -> Vec<[f64; 2]> {
    let mut points: Vec<[f64; 2]> = samples
        .iter()
        .map(|s| [f64::from(s.concurrency), pick(s)])
        .filter(|[_, y]| y.is_finite())
        .collect();
    points.sort_by(|a, b| a[0].total_cmp(&b[0]));
    points
}

impl Plot {
    /// A chart of `series` and `targets` on the axes `x` and `y`, with a
    /// text alternative that reads its every point and target: "Throughput
    /// (req/s) against Concurrency. Before tuning: 100 → 1200, 200 → 2300;
    /// After tuning: …; Target ≥ 6000 req/s".
    fn new(
        x: AxisData,
        y: AxisData,
        series: Vec<Series>,
        targets: Vec<TargetLine>,
        t: &Catalogue,
    ) -> Result<Self, CatalogueError> {
        let list_sep = t.get("charts.list_sep")?;
        let mut lines = series
            .iter()
            .map(|s| {
                let points = s
                    .points
                    .iter()
                    .map(|[px, py]| format!("{} → {}", tick_label(*px), tick_label(*py)))
                    .collect::<Vec<_>>()
                    .join(list_sep);
                Ok(fill(
                    t.get("charts.series")?,
                    &[("label", &s.label), ("points", &points)],
                ))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        lines.extend(targets.iter().map(|l| l.label.clone()));
        let alt = fill(
            t.get("charts.plot")?,
            &[
                ("x", &x.label),
                ("y", &y.label),
                ("series", &lines.join(t.get("charts.group_sep")?)),
            ],
        );
        Ok(Self {
            alt,
            series,
            targets,
            x,
            y,
        })
    }
}
