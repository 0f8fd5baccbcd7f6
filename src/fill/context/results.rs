//! The context of the service's results: findings, risks, stress tests,
//! the summary tables, solutions, enablement and security.

use serde_json::{Value, json};

use super::*;

impl Builder<'_> {
    pub(super) fn findings(&self) -> Built {
        self.e
            .findings
            .iter()
            .map(|f| {
                Ok(json!({
                    "id": f.id.value,
                    "title": f.title,
                    "scenario": self.label("scenario_short", f.scenario.key())?,
                    "product": f.product,
                    "severity": f.severity.key(),
                    "severity_label": self.label("severities", f.severity.key())?,
                    "status": self.label("finding_status", f.status.key())?,
                    "description": f.description,
                    "root_cause": f.root_cause,
                    "recommendation": f.recommendation,
                    "evidence": f.evidence.iter().map(figure).collect::<Vec<_>>(),
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
            .map(Value::Array)
    }

    pub(super) fn risks(&self) -> Built {
        let sep = self.t.get("locale.list_sep")?;
        self.e
            .risks
            .iter()
            .map(|r| {
                let score = u32::from(*r.likelihood) * u32::from(*r.impact);
                let level = crate::model::risk_level(score);
                Ok(json!({
                    "id": r.id.value,
                    "description": r.description,
                    "likelihood": *r.likelihood,
                    "impact": *r.impact,
                    "score": score,
                    "level": level,
                    "level_label": self.label("risk_levels", level)?,
                    "mitigation": r.mitigation,
                    "owner": r.owner,
                    "findings": r.findings.iter().map(|f| f.value.as_str()).collect::<Vec<_>>().join(sep),
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
            .map(Value::Array)
    }

    pub(super) fn stress_tests(&self) -> Built {
        self.e
            .stress_tests
            .iter()
            .map(|s| {
                Ok(json!({
                    "name": s.name,
                    "tool": s.tool,
                    "target": s.target,
                    "unit": s.throughput_unit,
                    "before": samples(&s.before),
                    "after": samples(&s.after),
                    "conclusion": s.conclusion,
                    "chart": charts::stress(s, self.t)?,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
            .map(Value::Array)
    }

    /// The counts customers look for first: findings by severity and
    /// scenario, risks by level, solutions by status, and the consulting
    /// topics covered against the whole catalogue of §4.1.
    pub(super) fn summary(&self) -> Built {
        let e = self.e;
        let scenarios: Vec<Value> = Scenario::ALL
            .iter()
            .map(|s| self.label("scenario_short", s.key()))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(Value::from)
            .collect();
        let findings = Severity::ALL
            .iter()
            .map(|severity| {
                let counts: Vec<usize> = Scenario::ALL
                    .iter()
                    .map(|scenario| {
                        e.findings
                            .iter()
                            .filter(|f| *f.severity == *severity && *f.scenario == *scenario)
                            .count()
                    })
                    .collect();
                Ok(json!({
                    "key": severity.key(),
                    "label": self.label("severities", severity.key())?,
                    "total": counts.iter().sum::<usize>(),
                    "counts": counts,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let column_totals: Vec<usize> = Scenario::ALL
            .iter()
            .map(|scenario| {
                e.findings
                    .iter()
                    .filter(|f| *f.scenario == *scenario)
                    .count()
            })
            .collect();
        let sep = self.t.get("locale.list_sep")?;
        let risks = ["critical", "high", "medium", "low"]
            .iter()
            .map(|level| {
                let ids: Vec<&str> = e
                    .risks
                    .iter()
                    .filter(|r| {
                        crate::model::risk_level(u32::from(*r.likelihood) * u32::from(*r.impact))
                            == *level
                    })
                    .map(|r| r.id.value.as_str())
                    .collect();
                Ok(json!({
                    "key": level,
                    "label": self.label("risk_levels", level)?,
                    "count": ids.len(),
                    "ids": if ids.is_empty() { "—".to_string() } else { ids.join(sep) },
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let solutions = SolutionStatus::ALL
            .iter()
            .map(|status| {
                Ok(json!({
                    "label": self.label("solution_status", status.key())?,
                    "count": e.solutions.iter().filter(|s| *s.status == *status).count(),
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let delivered = delivered_topics(e);
        let topics = Topic::ALL
            .iter()
            .enumerate()
            .map(|(i, topic)| {
                Ok(json!({
                    "number": i + 1,
                    "label": self.label("topics", topic.key())?,
                    "planned": e.scope.topics.iter().any(|t| t.value == *topic),
                    "covered": delivered.contains(topic),
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        Ok(json!({
            "scenarios": scenarios,
            "findings": findings,
            "finding_totals": column_totals,
            "finding_total": e.findings.len(),
            "risks": risks,
            "solutions": solutions,
            "topics": topics,
            "topics_planned": e.scope.topics.len(),
            "topics_covered": delivered.len(),
            "topics_total": Topic::ALL.len(),
        }))
    }

    pub(super) fn solutions(&self) -> Built {
        let sep = self.t.get("locale.list_sep")?;
        self.e
            .solutions
            .iter()
            .map(|s| {
                Ok(json!({
                    "id": s.id.value,
                    "title": s.title,
                    "description": s.description,
                    "findings": s.findings.iter().map(|f| f.value.as_str()).collect::<Vec<_>>().join(sep),
                    "proposed_on": self.date(*s.proposed_on)?,
                    "implement_by": self.opt_date(s.implement_by.as_ref().map(|d| d.value))?,
                    "implemented_on": self.opt_date(s.implemented_on.as_ref().map(|d| d.value))?,
                    "needs_implementation": *s.needs_implementation,
                    "declined_reason": s.declined_reason,
                    "status": self.label("solution_status", s.status.key())?,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
            .map(Value::Array)
    }

    pub(super) fn enablement(&self) -> Built {
        self.e
            .enablement
            .iter()
            .map(|s| {
                let format = match &s.format {
                    Some(f) => json!(self.label("session_format", f.key())?),
                    None => Value::Null,
                };
                Ok(json!({
                    "topic": s.topic,
                    "date": self.date(*s.date)?,
                    "audience": s.audience,
                    "presenter": s.presenter,
                    "format": format,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
            .map(Value::Array)
    }

    pub(super) fn security(&self) -> Built {
        let Some(s) = &self.e.security else {
            return Ok(Value::Null);
        };
        let monitoring = if *s.monitoring_authorised {
            fill(
                self.t.get("service.authorised")?,
                &[
                    ("by", s.authorised_by.as_deref().unwrap_or("—")),
                    (
                        "on",
                        &match &s.authorised_on {
                            Some(d) => self.date(d.value)?,
                            None => "—".into(),
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
                Ok(json!({
                    "kind": self.label("security_kind", i.kind.key())?,
                    "title": i.title,
                    "status": self.label("item_status", i.status.key())?,
                    "notes": i.notes,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        Ok(
            json!({ "authorised": *s.monitoring_authorised, "monitoring": monitoring, "items": items }),
        )
    }
}
