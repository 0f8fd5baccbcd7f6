//! The context of the service's results: findings, risks, stress tests,
//! the summary tables, solutions, enablement and security.

use super::types::*;
use super::*;
use crate::base::model::{RetestResult, Target};

/// A status change a retest makes: from the status before (none when
/// the finding was only found) to the one after.
type Transition = (Option<FindingStatus>, FindingStatus);

impl Builder<'_> {
    pub(super) fn findings(&self) -> Result<Vec<FindingCtx>, CatalogueError> {
        self.e
            .findings
            .iter()
            .map(|f| {
                Ok(FindingCtx {
                    id: f.id.value.clone(),
                    title: f.title.clone(),
                    scenario: self.label("scenario_short", f.scenario.key())?,
                    product: f.product.clone(),
                    severity: f.severity.key(),
                    severity_label: self.label("severities", f.severity.key())?,
                    status: self.label("finding_status", f.current_status().key())?,
                    description: f.description.clone(),
                    root_cause: f.root_cause.clone(),
                    recommendation: f.recommendation.clone(),
                    evidence: f.evidence.iter().map(figure).collect(),
                    retests: f
                        .retests
                        .iter()
                        .map(|r| {
                            Ok(RetestRow {
                                date: self.date(r.date.value)?,
                                by: r.by.clone(),
                                result: self.label("retest_result", r.result.key())?,
                                result_key: r.result.key(),
                                notes: r
                                    .accepted_by
                                    .iter()
                                    .map(|by| {
                                        Ok(fill(
                                            self.t.get("service.accepted_note")?,
                                            &[("by", by)],
                                        ))
                                    })
                                    .chain(r.reason.iter().map(|reason| {
                                        Ok(fill(
                                            self.t.get("service.accepted_reason_note")?,
                                            &[("reason", reason)],
                                        ))
                                    }))
                                    .chain(r.evidence.iter().map(|e| Ok(e.clone())))
                                    .collect::<Result<_, CatalogueError>>()?,
                            })
                        })
                        .collect::<Result<_, CatalogueError>>()?,
                })
            })
            .collect()
    }

    /// The retests' summary: each retest moves a finding to the status its
    /// result gives, from where it stood when found (not recorded, so named
    /// as such) or after the retest before.
    pub(super) fn retests(&self) -> Result<RetestSummary, CatalogueError> {
        let sep = self.t.get("locale.list_sep")?;
        let mut transitions: Vec<(Transition, Vec<&str>)> = Vec::new();
        let mut retested = Vec::new();
        let mut accepted = Vec::new();
        for f in self.e.findings.iter() {
            let Some(last) = f.retests.last() else {
                continue;
            };
            let mut status = None;
            for r in &f.retests {
                let next = r.result.status();
                let step = (status, next);
                match transitions.iter_mut().find(|(s, _)| *s == step) {
                    Some((_, ids)) if ids.last() != Some(&f.id.value.as_str()) => {
                        ids.push(&f.id.value)
                    }
                    Some(_) => {}
                    None => transitions.push((step, vec![&f.id.value])),
                }
                status = Some(next);
            }
            if *last.result == RetestResult::RiskAccepted {
                accepted.push(AcceptedRow {
                    id: f.id.value.clone(),
                    title: f.title.clone(),
                    date: self.date(last.date.value)?,
                    by: last
                        .accepted_by
                        .as_ref()
                        .map_or_else(|| last.by.clone(), |a| a.value.clone()),
                    reason: match &last.reason {
                        Some(reason) => reason.clone(),
                        None => self.t.get("locale.absent")?.to_string(),
                    },
                    record: match &last.evidence {
                        Some(evidence) => evidence.clone(),
                        None => self.t.get("locale.absent")?.to_string(),
                    },
                });
                continue;
            }
            retested.push(RetestedRow {
                id: f.id.value.clone(),
                title: f.title.clone(),
                count: f.retests.len(),
                date: self.date(last.date.value)?,
                by: last.by.clone(),
                result: self.label("retest_result", last.result.key())?,
            });
        }
        // In the order of the statuses, as a reader follows a finding.
        transitions.sort_by_key(|(step, _)| *step);
        let transitions = transitions
            .into_iter()
            .map(|((from, to), ids)| {
                Ok(TransitionRow {
                    from: match from {
                        Some(from) => self.label("finding_status", from.key())?,
                        None => self.t.get("service.when_found")?.to_string(),
                    },
                    to: self.label("finding_status", to.key())?,
                    count: ids.len(),
                    ids: ids.join(sep),
                })
            })
            .collect::<Result<_, CatalogueError>>()?;
        Ok(RetestSummary {
            transitions,
            retested,
            accepted,
        })
    }

    pub(super) fn risks(&self) -> Result<Vec<RiskCtx>, CatalogueError> {
        let sep = self.t.get("locale.list_sep")?;
        self.e
            .risks
            .iter()
            .map(|r| {
                let score = u32::from(*r.likelihood) * u32::from(*r.impact);
                let level = crate::base::model::risk_level(score);
                Ok(RiskCtx {
                    id: r.id.value.clone(),
                    description: r.description.clone(),
                    likelihood: *r.likelihood,
                    impact: *r.impact,
                    score,
                    level,
                    level_label: self.label("risk_levels", level)?,
                    mitigation: r.mitigation.clone(),
                    owner: r.owner.clone(),
                    findings: ids(&r.findings, sep),
                })
            })
            .collect()
    }

    pub(super) fn stress_tests(&self) -> Result<Vec<StressTestCtx>, CatalogueError> {
        self.e
            .stress_tests
            .iter()
            .map(|s| {
                Ok(StressTestCtx {
                    id: s.id.as_ref().map(|i| i.value.clone()),
                    name: s.name.clone(),
                    tool: s.tool.clone(),
                    target: s.target.clone(),
                    unit: s.throughput_unit.clone(),
                    before: samples(&s.before),
                    after: samples(&s.after),
                    phases: self.phases(s)?,
                    remeasured: !s.earlier.is_empty(),
                    conclusion: s.conclusion.clone(),
                    chart: charts::stress(s, &self.measured_by(s), self.t)?,
                })
            })
            .collect()
    }

    /// The agreed targets whose result stress test `s` measured.
    fn measured_by(&self, s: &StressTest) -> Vec<&Target> {
        let Some(id) = &s.id else {
            return Vec::new();
        };
        self.e
            .objectives
            .iter()
            .flat_map(|o| &o.targets)
            .filter(|g| g.measured_by.as_ref().is_some_and(|m| m.value == id.value))
            .collect()
    }

    /// A stress test's series, labelled: before tuning, then each round
    /// after it, numbered and dated once it was measured again.
    fn phases(&self, s: &StressTest) -> Result<Vec<SeriesCtx>, CatalogueError> {
        let t = self.t;
        let before = t.get("service.before")?.to_string();
        let mut phases = vec![SeriesCtx {
            row: before.clone(),
            label: before,
            samples: samples(&s.before),
        }];
        let rounds = s
            .earlier
            .iter()
            .map(|r| (Some(r.measured_on.value), &r.after))
            .chain(std::iter::once((
                s.measured_on.as_ref().map(|d| d.value),
                &s.after,
            )))
            .filter(|(_, after)| !after.is_empty());
        let numbered = !s.earlier.is_empty();
        for (i, (on, after)) in rounds.enumerate() {
            let round = (i + 1).to_string();
            // The table's rows date a round briefly; captions in full.
            let label = |date: String| -> Result<String, CatalogueError> {
                Ok(match on {
                    Some(_) if numbered => fill(
                        t.get("service.after_round")?,
                        &[("round", &round), ("date", &date)],
                    ),
                    Some(_) => fill(t.get("service.after_on")?, &[("date", &date)]),
                    None => t.get("service.after")?.to_string(),
                })
            };
            let (full, short) = match on {
                Some(on) => (self.date(on)?, t.short_date(on)?),
                None => (String::new(), String::new()),
            };
            phases.push(SeriesCtx {
                label: label(full)?,
                row: label(short)?,
                samples: samples(after),
            });
        }
        Ok(phases)
    }

    /// The counts customers look for first: findings by severity and
    /// scenario, risks by level, solutions by status, and the consulting
    /// topics covered against the whole catalogue of §4.1.
    pub(super) fn summary(&self) -> Result<SummaryCtx, CatalogueError> {
        let e = self.e;
        let scenarios = self
            .shown_scenarios()
            .iter()
            .map(|s| self.label("scenario_short", s.key()))
            .collect::<Result<Vec<_>, _>>()?;
        let findings = self.severity_rows()?;
        let column_totals = self.scenario_totals();
        let risks = self.risk_level_rows()?;
        let solutions = self.solution_counts()?;
        let delivered = e.delivered_topics();
        let topics = self.topic_rows(&delivered)?;
        Ok(SummaryCtx {
            scenarios,
            findings,
            finding_totals: column_totals,
            finding_total: e.findings.len(),
            risks,
            solutions,
            topics,
            topics_planned: e.scope.topics.len(),
            topics_covered: delivered.len(),
            topics_total: Topic::ALL.len(),
        })
    }

    /// The scenarios the summary counts findings in: those in scope, and
    /// any other a finding is in.
    fn shown_scenarios(&self) -> Vec<Scenario> {
        let e = self.e;
        Scenario::ALL
            .iter()
            .copied()
            .filter(|s| {
                e.scope.scenarios.iter().any(|x| x.value == *s)
                    || e.findings.iter().any(|f| *f.scenario == *s)
            })
            .collect()
    }

    /// The findings of each severity, counted by scenario.
    fn severity_rows(&self) -> Result<Vec<SeverityRow>, CatalogueError> {
        let e = self.e;
        let shown = self.shown_scenarios();
        Severity::ALL
            .iter()
            .map(|severity| {
                let counts: Vec<usize> = shown
                    .iter()
                    .map(|scenario| {
                        e.findings
                            .iter()
                            .filter(|f| *f.severity == *severity && *f.scenario == *scenario)
                            .count()
                    })
                    .collect();
                Ok(SeverityRow {
                    key: severity.key(),
                    label: self.label("severities", severity.key())?,
                    total: counts.iter().sum::<usize>(),
                    counts,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
    }

    /// The number of findings in each scenario, in catalogue order.
    fn scenario_totals(&self) -> Vec<usize> {
        let e = self.e;
        self.shown_scenarios()
            .iter()
            .map(|scenario| {
                e.findings
                    .iter()
                    .filter(|f| *f.scenario == *scenario)
                    .count()
            })
            .collect()
    }

    /// The risks of each level, most severe first, with their ids.
    fn risk_level_rows(&self) -> Result<Vec<RiskLevelRow>, CatalogueError> {
        let e = self.e;
        ["critical", "high", "medium", "low"]
            .iter()
            .map(|level| {
                let ids: Vec<&str> = e
                    .risks
                    .iter()
                    .filter(|r| {
                        crate::base::model::risk_level(
                            u32::from(*r.likelihood) * u32::from(*r.impact),
                        ) == *level
                    })
                    .map(|r| r.id.value.as_str())
                    .collect();
                Ok(RiskLevelRow {
                    key: level,
                    label: self.label("risk_levels", level)?,
                    count: ids.len(),
                    ids: self.list(&ids)?,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
    }

    /// The number of solutions in each status.
    fn solution_counts(&self) -> Result<Vec<CountRow>, CatalogueError> {
        let e = self.e;
        SolutionStatus::ALL
            .iter()
            .map(|status| {
                Ok(CountRow {
                    label: self.label("solution_status", status.key())?,
                    count: e.solutions.iter().filter(|s| *s.status == *status).count(),
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
    }

    /// The consulting topics the scope plans or a session delivered, each
    /// with its number in the catalogue of §4.1 二: the others, neither
    /// planned nor held, would only fill the table with dashes (the
    /// heading counts the whole catalogue).
    fn topic_rows(&self, delivered: &[Topic]) -> Result<Vec<TopicRow>, CatalogueError> {
        let e = self.e;
        Topic::ALL
            .iter()
            .enumerate()
            .map(|(i, topic)| {
                (
                    i + 1,
                    topic,
                    e.scope.topics.iter().any(|t| t.value == *topic),
                    delivered.contains(topic),
                )
            })
            .filter(|(_, _, planned, covered)| *planned || *covered)
            .map(|(number, topic, planned, covered)| {
                Ok(TopicRow {
                    number,
                    label: self.label("topics", topic.key())?,
                    planned,
                    covered,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
    }

    pub(super) fn solutions(&self) -> Result<Vec<SolutionCtx>, CatalogueError> {
        let sep = self.t.get("locale.list_sep")?;
        self.e
            .solutions
            .iter()
            .map(|s| {
                Ok(SolutionCtx {
                    id: s.id.value.clone(),
                    title: s.title.clone(),
                    description: s.description.clone(),
                    findings: ids(&s.findings, sep),
                    proposed_on: self.date(*s.proposed_on)?,
                    implement_by: self.opt_date(s.implement_by.as_ref().map(|d| d.value))?,
                    implemented_on: self.opt_date(s.implemented_on.as_ref().map(|d| d.value))?,
                    needs_implementation: *s.needs_implementation,
                    declined_reason: s.declined_reason.clone(),
                    status: self.label("solution_status", s.status.key())?,
                })
            })
            .collect()
    }

    pub(super) fn enablement(&self) -> Result<Vec<SessionCtx>, CatalogueError> {
        self.e
            .enablement
            .iter()
            .map(|s| {
                let format = match &s.format {
                    Some(f) => Some(self.label("session_format", f.key())?),
                    None => None,
                };
                Ok(SessionCtx {
                    id: s.id.as_ref().map(|i| i.value.clone()),
                    topic: s.topic.clone(),
                    date: self.date(*s.date)?,
                    audience: s.audience.clone(),
                    presenter: s.presenter.clone(),
                    format,
                })
            })
            .collect()
    }

    pub(super) fn security(&self) -> Result<Option<SecurityCtx>, CatalogueError> {
        let Some(s) = &self.e.security else {
            return Ok(None);
        };
        let monitoring = if *s.monitoring_authorised {
            fill(
                self.t.get("service.authorised")?,
                &[
                    ("by", s.authorised_by.as_deref().unwrap_or(self.absent()?)),
                    (
                        "on",
                        &match &s.authorised_on {
                            Some(d) => self.date(d.value)?,
                            None => self.absent()?.into(),
                        },
                    ),
                ],
            )
        } else {
            self.t.get("service.not_authorised")?.to_string()
        };
        let items = s
            .items
            .iter()
            .map(|i| {
                Ok(SecurityItemCtx {
                    kind: self.label("security_kind", i.kind.key())?,
                    title: i.title.clone(),
                    status: self.label("item_status", i.status.key())?,
                    notes: i.notes.clone(),
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        Ok(Some(SecurityCtx {
            authorised: *s.monitoring_authorised,
            monitoring,
            items,
        }))
    }
}

fn samples(list: &[Sample]) -> Vec<SampleCtx> {
    list.iter()
        .map(|s| SampleCtx {
            concurrency: grouped(&s.concurrency.to_string()),
            throughput: grouped(&number(s.throughput)),
            p50: grouped(&number(s.p50)),
            p95: grouped(&number(s.p95)),
            p99: grouped(&number(s.p99)),
            error_rate: grouped(&number(s.error_rate)),
        })
        .collect()
}
