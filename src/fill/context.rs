//! The template context: what templates see, computed once per engagement.
//!
//! Templates get labels already looked up, dates already written the
//! locale's way and totals already counted, so they stay free of logic.

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use super::charts;
use crate::calendar::WorkingCalendar;
use crate::locale::{Catalogue, CatalogueError, fill};
use crate::model::{
    Engagement, Exclusion, Figure, Package, Person, Sample, Scenario, ServiceItem, Severity,
    SolutionStatus, Topic,
};
use crate::report::ReportKey;
use crate::validate::Gap;

/// Data every report of one engagement shares, plus a per-report part.
pub struct EngagementContext {
    base: serde_json::Map<String, Value>,
    /// Whether the customer confirmed the plan: its subject line says so.
    plan_confirmed: bool,
    /// The agreed deviations, each with the reports that print it.
    deviations: Vec<(Vec<ReportKey>, Value)>,
}

/// Builds the shared context of `engagement` in the catalogue's locale.
/// `date` is the document date printed on every report.
pub fn build(
    engagement: &Engagement,
    t: &Catalogue,
    date: NaiveDate,
) -> Result<EngagementContext, CatalogueError> {
    let b = Builder { e: engagement, t };
    let mut base = serde_json::Map::new();
    base.insert("t".into(), t.tree().clone());
    base.insert("meta".into(), b.meta(date)?);
    base.insert("engagement".into(), b.header()?);
    base.insert("objectives".into(), b.objectives());
    base.insert("scope".into(), b.scope()?);
    base.insert("plan".into(), b.plan()?);
    base.insert("survey".into(), b.survey());
    base.insert("findings".into(), b.findings()?);
    base.insert("risks".into(), b.risks()?);
    base.insert("stress_tests".into(), b.stress_tests()?);
    base.insert("risk_matrix".into(), charts::risk_matrix(&engagement.risks));
    base.insert("solutions".into(), b.solutions()?);
    base.insert("enablement".into(), b.enablement()?);
    base.insert("security".into(), b.security()?);
    base.insert("acceptance".into(), b.acceptance()?);
    base.insert("completion".into(), b.completion()?);
    base.insert("deliverables".into(), b.deliverables()?);
    base.insert("summary".into(), b.summary()?);
    // The images inside Markdown fields, by the path Typst knows them under.
    // Rendering happens only once all of them passed the asset checks.
    let images: Vec<String> = engagement
        .markdown_fields()
        .into_iter()
        .flat_map(crate::model::markdown::images)
        .map(|dest| crate::assets::typst_path(&dest))
        .collect();
    base.insert("images".into(), json!(images));
    base.insert("targets".into(), b.targets()?);
    base.insert("contract".into(), b.contract()?);
    Ok(EngagementContext {
        base,
        plan_confirmed: engagement.plan.confirmed_on.is_some(),
        deviations: b.deviations()?,
    })
}

impl EngagementContext {
    /// The context of one report: the shared data plus `report`, the
    /// report's title in `meta`, and the gaps that make it a draft (none for
    /// a final report).
    ///
    /// `delivered` lists the reports the acceptance report certifies, with
    /// their digests; it is empty for the other reports.
    pub fn for_report(
        &self,
        report: ReportKey,
        t: &Catalogue,
        gaps: &[Gap<'_>],
        delivered: &[DeliveredReport],
    ) -> Result<minijinja::Value, CatalogueError> {
        let mut ctx = self.base.clone();
        let title = t.key("reports", report.key())?;
        let subject = match report {
            ReportKey::Plan if self.plan_confirmed => t.get("subjects.plan_confirmed")?,
            _ => t.key("subjects", report.key())?,
        };
        let gaps = gaps
            .iter()
            .map(|d| gap(d, t))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(Value::Object(meta)) = ctx.get_mut("meta") {
            meta.insert("title".into(), json!(title));
            meta.insert("subject".into(), json!(subject));
            meta.insert("draft".into(), json!(!gaps.is_empty()));
            meta.insert("gaps".into(), json!(gaps));
        }
        let delivered = delivered
            .iter()
            .map(|d| {
                Ok(json!({
                    "number": d.key.number(),
                    "title": t.key("reports", d.key.key())?,
                    "file": d.key.file_name("pdf"),
                    "pages": d.pages,
                    "sha256": d.sha256,
                    "status": t.key("status", if d.is_final { "final" } else { "draft" })?,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        ctx.insert("delivered".into(), json!(delivered));
        let deviations: Vec<&Value> = self
            .deviations
            .iter()
            .filter(|(reports, _)| report == ReportKey::Acceptance || reports.contains(&report))
            .map(|(_, row)| row)
            .collect();
        ctx.insert("deviations".into(), json!(deviations));
        ctx.insert(
            "report".into(),
            json!({
                "key": report.key(),
                "number": report.number(),
                "title": title,
                "subject": subject,
            }),
        );
        Ok(minijinja::Value::from(minijinja::value::Serde(ctx)))
    }
}

/// A report the acceptance report certifies.
#[derive(Debug, Clone)]
pub struct DeliveredReport {
    /// Which report.
    pub key: ReportKey,
    /// Its page count.
    pub pages: usize,
    /// SHA-256 of its PDF, in lowercase hex.
    pub sha256: String,
    /// Whether it is final.
    pub is_final: bool,
}

struct Builder<'a> {
    e: &'a Engagement,
    t: &'a Catalogue,
}

type Built = Result<Value, CatalogueError>;

impl Builder<'_> {
    fn date(&self, date: NaiveDate) -> Result<String, CatalogueError> {
        self.t.date(date)
    }

    fn opt_date(&self, date: Option<NaiveDate>) -> Result<Value, CatalogueError> {
        Ok(match date {
            Some(d) => json!(self.date(d)?),
            None => Value::Null,
        })
    }

    fn label(&self, group: &str, key: &str) -> Result<String, CatalogueError> {
        self.t.key(group, key).map(str::to_string)
    }

    fn keyed(&self, group: &str, key: &str) -> Built {
        Ok(json!({ "key": key, "label": self.label(group, key)? }))
    }

    fn meta(&self, date: NaiveDate) -> Built {
        let h = &self.e.engagement;
        let t = self.t;
        let latest = self.e.history.iter().max_by_key(|r| r.date.value);
        let history = self
            .e
            .history
            .iter()
            .map(|r| {
                Ok(json!([
                    r.version,
                    self.date(r.date.value)?,
                    r.author,
                    r.change
                ]))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let keywords: Vec<String> = t
            .get("keywords")?
            .split([',', '，', '、'])
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .chain(std::iter::once(h.title.clone()))
            .collect();
        let distribution = match &h.distribution {
            Some(text) => text.clone(),
            None => fill(
                t.get("doc.distribution_text")?,
                &[
                    ("customer", &h.customer.name),
                    ("provider", &h.provider.name),
                ],
            ),
        };
        let mut labels = serde_json::Map::new();
        for key in [
            "customer",
            "provider",
            "engagement_id",
            "engagement",
            "version",
            "date",
            "classification",
            "control",
            "history",
            "author",
            "change",
            "distribution",
            "toc",
            "page",
            "draft",
            "prepared_for",
            "prepared_by",
            "figure",
            "figures",
        ] {
            labels.insert(key.into(), json!(t.get(&format!("doc.{key}"))?));
        }
        labels.insert("distribution_text".into(), json!(distribution));
        for key in ["title", "intro", "rule", "location", "item"] {
            labels.insert(format!("gaps_{key}"), json!(t.get(&format!("gaps.{key}"))?));
        }
        Ok(json!({
            "id": h.id.value,
            "engagement": h.title,
            "customer": h.customer.name,
            "provider": h.provider.name,
            "logo": h.provider.brand.as_ref().and_then(|b| b.logo.as_ref()).map(|l| crate::assets::typst_path(l)),
            "classification": h.classification,
            "version": latest.map(|r| r.version.as_str()).unwrap_or("1.0"),
            "date": self.date(date)?,
            "date_parts": [date.year(), date.month(), date.day()],
            "authors": std::iter::once(h.provider.name.clone())
                .chain(h.provider.team.iter().map(|p| p.name.clone()))
                .collect::<Vec<_>>(),
            "keywords": keywords,
            "lang": t.get("locale.lang")?,
            "region": t.get("locale.region")?,
            "font": t.get("locale.font")?,
            "mono": t.get("locale.mono")?,
            "history": history,
            "labels": labels,
            "draft": false,
            "gaps": [],
        }))
    }

    fn header(&self) -> Built {
        let h = &self.e.engagement;
        let calendar = WorkingCalendar::new(&self.e.calendar);
        let packages = h
            .packages
            .iter()
            .map(|p| self.keyed("packages", p.key()))
            .collect::<Result<Vec<_>, _>>()?;
        let residency = h
            .residency
            .iter()
            .map(|r| Ok(json!({ "from": self.date(*r.from)?, "to": self.date(*r.to)?, "location": r.location })))
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let period = fill(
            self.t.get("locale.period")?,
            &[
                ("from", &self.date(*h.starts_on)?),
                ("to", &self.date(*h.ends_on)?),
            ],
        );
        let yes_no = if *h.large_resource_demand {
            "common.yes_word"
        } else {
            "common.no_word"
        };
        Ok(json!({
            "id": h.id.value,
            "title": h.title,
            "classification": h.classification,
            "packages": packages,
            "provider": {
                "name": h.provider.name,
                "team": people(&h.provider.team),
                "lead": h.provider.team.first().map(|p| p.name.as_str()),
                "lead_role": h.provider.team.first().map(|p| p.role.as_str()),
            },
            "customer": { "name": h.customer.name, "contacts": people(&h.customer.contacts) },
            "applied_on": self.date(*h.applied_on)?,
            "starts_on": self.date(*h.starts_on)?,
            "ends_on": self.date(*h.ends_on)?,
            "period": period,
            "large_resource_demand": self.t.get(yes_no)?,
            "lead_days": calendar.working_days_between(*h.applied_on, *h.starts_on),
            "residency": residency,
            "onsite": !h.residency.is_empty(),
            "accepted": match &h.accepted {
                Some(a) => json!({ "on": self.date(*a.on)?, "by": a.by, "note": a.note }),
                None => Value::Null,
            },
            "termination": match &h.termination {
                Some(x) => json!({
                    "on": self.date(*x.on)?,
                    "by": x.by,
                    "note": x.note,
                    "reason": self.label("termination_reasons", x.reason.key())?,
                }),
                None => Value::Null,
            },
            "consulting": h.packages.iter().any(|p| p.value == Package::FullLinkConsulting),
            "diagnosis": h.packages.iter().any(|p| p.value == Package::FullLinkDiagnosis),
        }))
    }

    fn objectives(&self) -> Value {
        json!(
            self.e
                .objectives
                .iter()
                .map(|o| json!({ "title": o.title, "detail": o.detail }))
                .collect::<Vec<_>>()
        )
    }

    fn scope(&self) -> Built {
        let s = &self.e.scope;
        let scenarios = s
            .scenarios
            .iter()
            .map(|k| {
                Ok(json!({
                    "key": k.key(),
                    "label": self.label("scenarios", k.key())?,
                    "short": self.label("scenario_short", k.key())?,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let topics = s
            .topics
            .iter()
            .map(|k| {
                let number = crate::model::Topic::ALL.iter().position(|t| *t == k.value).map_or(0, |i| i + 1);
                Ok(json!({ "key": k.key(), "label": self.label("topics", k.key())?, "number": number }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let excluded = s
            .excluded
            .iter()
            .map(|x| {
                Ok(json!({
                    "request": x.request,
                    "category": self.label("exclusions", x.category.key())?,
                    "reason": x.reason,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let provider = &self.e.engagement.provider;
        let support = fill(
            self.t.get("startup.excluded_support")?,
            &[
                (
                    "community",
                    provider
                        .community
                        .as_deref()
                        .unwrap_or(self.t.get("startup.community")?),
                ),
                (
                    "marketplace",
                    provider
                        .marketplace
                        .as_deref()
                        .unwrap_or(self.t.get("startup.marketplace")?),
                ),
            ],
        );
        let exclusions = Exclusion::ALL
            .iter()
            .map(|x| self.label("exclusions", x.key()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({
            "scenarios": scenarios,
            "topics": topics,
            "excluded": excluded,
            "exclusions": exclusions,
            "support": support,
        }))
    }

    fn plan(&self) -> Built {
        let p = &self.e.plan;
        let milestones = p
            .milestones
            .iter()
            .map(|m| Ok(json!({ "name": m.name, "date": self.date(*m.date)?, "owner": m.owner })))
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let phases = p
            .phases
            .iter()
            .into_iter()
            .map(|(phase, activities)| {
                let activities = activities
                    .iter()
                    .map(|a| {
                        Ok(json!({
                            "key": a.activity.key(),
                            "label": self.label("activities", a.activity.key())?,
                            "from": self.date(*a.from)?,
                            "to": self.date(*a.to)?,
                            "owner": a.owner,
                            "notes": a.notes,
                        }))
                    })
                    .collect::<Result<Vec<_>, CatalogueError>>()?;
                Ok(json!({ "key": phase.key(), "label": self.label("phases", phase.key())?, "activities": activities }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let confirmation = match &p.confirmation {
            Some(c) => json!(self.label("confirmation", c.key())?),
            None => Value::Null,
        };
        Ok(json!({
            "submitted_on": self.date(*p.submitted_on)?,
            "confirmed_on": self.opt_date(p.confirmed_on.as_ref().map(|d| d.value))?,
            "confirmed_by": p.confirmed_by,
            "confirmation": confirmation,
            "milestones": milestones,
            "phases": phases,
            "gantt": charts::gantt(p, self.t)?,
        }))
    }

    fn survey(&self) -> Value {
        let s = &self.e.survey;
        let resources: Vec<Value> = s
            .resources
            .iter()
            .map(|r| json!({ "product": r.product, "spec": r.spec, "count": r.count, "region": r.region, "notes": r.notes }))
            .collect();
        let total: u64 = s.resources.iter().map(|r| u64::from(r.count)).sum();
        let diagrams: Vec<Value> = s.diagrams.iter().map(figure).collect();
        json!({
            "business": s.business,
            "architecture": s.architecture,
            "diagrams": diagrams,
            "resources": resources,
            "resource_total": total,
            "analysis": s.analysis.value,
        })
    }

    fn findings(&self) -> Built {
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

    fn risks(&self) -> Built {
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

    fn stress_tests(&self) -> Built {
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
    fn summary(&self) -> Built {
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

    fn solutions(&self) -> Built {
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

    fn enablement(&self) -> Built {
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

    fn security(&self) -> Built {
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

    fn acceptance(&self) -> Built {
        let a = &self.e.acceptance;
        let sep = self.t.get("locale.list_sep")?;
        let items = ServiceItem::ALL
            .iter()
            .map(|item| {
                let entry = a.items.iter().find(|i| i.item.value == *item);
                let evidence: Vec<&str> = entry
                    .map(|e| e.evidence.iter().map(|id| id.as_str()).collect())
                    .unwrap_or_default();
                Ok(json!({
                    "key": item.key(),
                    "label": self.label("service_items", item.key())?,
                    "covered": entry.is_some(),
                    "evidence": if evidence.is_empty() { "—".to_string() } else { evidence.join(sep) },
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let open_items = a
            .open_items
            .iter()
            .map(|o| {
                Ok(json!({
                    "description": o.description,
                    "owner": o.owner,
                    "due": self.opt_date(o.due.as_ref().map(|d| d.value))?,
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let signoff = match &a.signoff {
            Some(s) => json!({
                "by": s.by,
                "title": s.title,
                "on": self.date(*s.on)?,
                "method": self.label("signoff_method", s.method.key())?,
                "reference": s.reference,
            }),
            None => Value::Null,
        };
        Ok(json!({ "items": items, "open_items": open_items, "signoff": signoff }))
    }

    /// The elements of a complete delivery (§3.1.4), with what covers each.
    fn completion(&self) -> Built {
        let e = self.e;
        let t = self.t;
        let count = |key: &str, n: usize| -> Result<(String, bool), CatalogueError> {
            Ok((
                fill(
                    t.get(&format!("acceptance.{key}"))?,
                    &[("n", &n.to_string())],
                ),
                n > 0,
            ))
        };
        let analysis_done = !e.survey.analysis.trim().is_empty();
        let rows = [
            (
                "element_architecture",
                (
                    t.get("acceptance.count_analysis")?.to_string(),
                    analysis_done,
                ),
            ),
            (
                "element_diagnosis",
                count("count_findings", e.findings.len())?,
            ),
            (
                "element_stress",
                count("count_tests", e.stress_tests.len())?,
            ),
            (
                "element_solutions",
                count("count_solutions", e.solutions.len())?,
            ),
            (
                "element_enablement",
                count("count_sessions", e.enablement.len())?,
            ),
            ("element_risks", count("count_risks", e.risks.len())?),
        ];
        rows.into_iter()
            .map(|(key, (evidence, done))| {
                Ok(json!({ "label": t.get(&format!("acceptance.{key}"))?, "evidence": evidence, "done": done }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
            .map(Value::Array)
    }

    /// The measurable targets of the objectives against their results
    /// (§3.1.3), for the 目標達成對照 table.
    fn targets(&self) -> Built {
        let t = self.t;
        let mut rows = Vec::new();
        for o in &self.e.objectives {
            for target in &o.targets {
                let comparison = t.key("comparisons", target.comparison.key())?;
                let figure = |value: f64| format!("{} {}", number(value), target.unit);
                let source = target.measured_by.as_ref().map(|id| {
                    let name = self
                        .e
                        .stress_tests
                        .iter()
                        .find(|s| s.id.as_ref().is_some_and(|x| x.value == id.value))
                        .map(|s| s.name.as_str())
                        .or_else(|| {
                            self.e
                                .findings
                                .iter()
                                .find(|f| f.id.value == id.value)
                                .map(|f| f.title.as_str())
                        });
                    match name {
                        Some(name) => format!("{} {name}", id.value),
                        None => id.value.clone(),
                    }
                });
                let met = match target.met() {
                    Some(true) => "met",
                    Some(false) => "missed",
                    None => "unmeasured",
                };
                rows.push(json!({
                    "objective": o.title,
                    "metric": target.metric,
                    "target": format!("{comparison} {}", figure(target.target.value)),
                    "result": target.result.as_ref().map(|r| figure(r.value)),
                    "source": source,
                    "met": met,
                    "met_label": t.key("target_status", met)?,
                }));
            }
        }
        Ok(Value::Array(rows))
    }

    /// The agreed deviations, each with the reports of the rule it covers.
    fn deviations(&self) -> Result<Vec<(Vec<ReportKey>, Value)>, CatalogueError> {
        self.e
            .exceptions
            .iter()
            .map(|x| {
                let rule = crate::validate::rule_of(x.rule.value);
                let mut clause = self.label("rule_names", rule.id())?;
                if let Some(solution) = &x.solution {
                    clause = format!("{clause} ({})", solution.value);
                }
                Ok((
                    rule.reports().to_vec(),
                    json!({
                        "clause": rule.clause().unwrap_or("—"),
                        "rule": clause,
                        "what": x.what,
                        "customer": x.agreed_by.customer,
                        "provider": x.agreed_by.provider,
                        "on": self.date(*x.agreed_on)?,
                        "evidence": x.evidence,
                    }),
                ))
            })
            .collect()
    }

    /// The statement of work's own terms beside the catalogue's where they
    /// differ, for the plan's table of terms, and whether the service
    /// report is the diagnosis package's named deliverable.
    fn contract(&self) -> Built {
        let e = self.e;
        let term = |path: String| self.t.get(&path).map(str::to_string);
        let mut terms = vec![json!([
            self.label("reports", "plan")?,
            term("contract_terms.plan".into())?,
            "§3.1.2"
        ])];
        for p in e.engagement.packages.iter() {
            let label = self.label("packages", p.key())?;
            let contract = term(format!("contract_terms.packages.{}", p.key()))?;
            if label_differs(&label, &contract) {
                terms.push(json!([label, contract, "§4.1"]));
            }
        }
        for topic in e.scope.topics.iter() {
            let label = self.label("topics", topic.key())?;
            let contract = term(format!("contract_terms.topics.{}", topic.key()))?;
            if label_differs(&label, &contract) {
                terms.push(json!([label, contract, "§4.1 二"]));
            }
        }
        let diagnosis = e
            .engagement
            .packages
            .iter()
            .any(|p| p.value == Package::FullLinkDiagnosis);
        Ok(json!({ "terms": terms, "diagnosis": diagnosis }))
    }

    fn deliverables(&self) -> Built {
        ReportKey::ALL
            .iter()
            .map(|k| {
                Ok(json!({
                    "number": k.number(),
                    "key": k.key(),
                    "title": self.label("reports", k.key())?,
                    "file": k.file_name("pdf"),
                }))
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
            .map(Value::Array)
    }
}

/// Whether a catalogue label names a thing otherwise than the statement of
/// work: its main part (before an example in brackets) is not the term.
fn label_differs(label: &str, term: &str) -> bool {
    let main = label.split(['（', '(']).next().unwrap_or(label).trim();
    main != term.trim()
}

/// The consulting topics actually delivered: those a session covered or a
/// finding or solution is about.
fn delivered_topics(e: &Engagement) -> Vec<Topic> {
    let mut topics: Vec<Topic> = e
        .enablement
        .iter()
        .flat_map(|s| &s.consulting_topics)
        .chain(e.findings.iter().flat_map(|f| &f.consulting_topics))
        .chain(e.solutions.iter().flat_map(|s| &s.consulting_topics))
        .map(|t| t.value)
        .collect();
    topics.sort();
    topics.dedup();
    topics
}

/// An image as templates place it: its path inside the report's world and
/// its caption.
fn figure(f: &Figure) -> Value {
    json!({ "src": crate::assets::typst_path(&f.path), "caption": f.caption })
}

fn people(list: &[Person]) -> Value {
    json!(
        list.iter()
            .map(|p| json!({ "name": p.name, "role": p.role, "email": p.email, "phone": p.phone }))
            .collect::<Vec<_>>()
    )
}

fn samples(list: &[Sample]) -> Value {
    json!(
        list.iter()
            .map(|s| json!({
                "concurrency": s.concurrency,
                "throughput": number(s.throughput),
                "p50": number(s.p50),
                "p95": number(s.p95),
                "p99": number(s.p99),
                "error_rate": number(s.error_rate),
            }))
            .collect::<Vec<_>>()
    )
}

/// A measurement as printed: whole numbers without a decimal point.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// One open gap as a draft's closing page shows it: the rule, the problem
/// in the report's language, and where in the YAML to fix it.
fn gap(g: &Gap<'_>, t: &Catalogue) -> Result<Value, CatalogueError> {
    let d = g.diagnostic;
    let code = d.code.unwrap_or("consistency");
    let mut values: Vec<(&str, String)> = Vec::new();
    for (name, value) in &d.args {
        values.push((name, localize_arg(name, value, t)?));
    }
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut text = fill(t.key("gaps", code)?, &pairs);
    if let Some(draft) = g.draft {
        text = fill(
            t.get("gaps.via")?,
            &[
                ("report", t.key("reports", draft.key())?),
                ("reason", &text),
            ],
        );
    }
    let file = d
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pos = d.position();
    let location = if pos.is_known() {
        format!("{file}:{}:{}", pos.line, pos.column)
    } else {
        file
    };
    Ok(json!([d.rule.unwrap_or("—"), text, location]))
}

/// Writes a rule's argument the report's way: dates in the locale's
/// format, keys as their labels.
fn localize_arg(name: &str, value: &str, t: &Catalogue) -> Result<String, CatalogueError> {
    let group = match name {
        "earliest" | "deadline" | "limit" => {
            return match value.parse::<NaiveDate>() {
                Ok(date) => t.date(date),
                Err(_) => Ok(value.to_string()),
            };
        }
        "category" => "exclusions",
        "method" => "signoff_method",
        "activity" => "activities",
        "item" => "service_items",
        "rule" => "rule_names",
        "element" => {
            return t
                .get(&format!("acceptance.element_{value}"))
                .map(str::to_string);
        }
        _ => return Ok(value.to_string()),
    };
    t.key(group, value).map(str::to_string)
}
