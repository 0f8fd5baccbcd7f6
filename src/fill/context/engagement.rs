//! The context of the engagement itself: document metadata, header,
//! objectives, scope, plan and survey.

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use super::*;

impl Builder<'_> {
    pub(super) fn meta(&self, date: NaiveDate) -> Built {
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

    pub(super) fn header(&self) -> Built {
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

    pub(super) fn objectives(&self) -> Value {
        json!(
            self.e
                .objectives
                .iter()
                .map(|o| json!({ "title": o.title, "detail": o.detail }))
                .collect::<Vec<_>>()
        )
    }

    pub(super) fn scope(&self) -> Built {
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

    pub(super) fn plan(&self) -> Built {
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

    pub(super) fn survey(&self) -> Value {
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
}
