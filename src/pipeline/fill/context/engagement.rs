//! The context of the engagement itself: document metadata, header,
//! objectives, scope, plan and survey.

use chrono::{Datelike, NaiveDate};

use super::types::*;
use super::*;

impl Builder<'_> {
    /// Every revision with the reports it concerns, in file order.
    pub(super) fn revisions(&self) -> Result<Vec<RevisionRow>, CatalogueError> {
        self.e
            .history
            .iter()
            .map(|r| {
                Ok(RevisionRow {
                    reports: r.reports.clone(),
                    date: r.date.value,
                    row: (
                        r.version.value.clone(),
                        self.date(r.date.value)?,
                        r.author.clone(),
                        r.change.clone(),
                    ),
                })
            })
            .collect()
    }

    /// The document metadata every report starts from, dated `date`.
    pub(super) fn meta(&self, date: NaiveDate) -> Result<Meta, CatalogueError> {
        let h = &self.e.engagement;
        let t = self.t;
        let latest = self.e.history.iter().max_by_key(|r| r.date.value);
        let history = self.revisions()?.into_iter().map(|r| r.row).collect();
        let keywords = self.keywords()?;
        let labels = self.doc_labels()?;
        Ok(Meta {
            id: h.id.value.clone(),
            engagement: h.title.clone(),
            customer: h.customer.name.clone(),
            provider: h.provider.name.clone(),
            logo: h
                .provider
                .brand
                .as_ref()
                .and_then(|b| b.logo.as_ref())
                .map(|l| crate::pipeline::load::assets::typst_path(l)),
            classification: h.classification.clone(),
            contract: self.contract_line()?,
            version: latest.map_or("1.0", |r| r.version.as_str()).to_string(),
            date: self.date(date)?,
            date_parts: (date.year(), date.month(), date.day()),
            authors: std::iter::once(h.provider.name.clone())
                .chain(h.provider.team.iter().map(|p| p.name.clone()))
                .collect(),
            keywords,
            lang: t.get("locale.lang")?.to_string(),
            region: t.get("locale.region")?.to_string(),
            font: t.get("locale.font")?.to_string(),
            latin: t.get("locale.latin")?.to_string(),
            mono: t.get("locale.mono")?.to_string(),
            unavailable: Vec::new(),
            history,
            labels,
            // Set per report.
            draft: false,
            gaps: Vec::new(),
            title: String::new(),
            subject: String::new(),
        })
    }

    /// The document's keywords: the locale's, then the engagement's title.
    fn keywords(&self) -> Result<Vec<String>, CatalogueError> {
        Ok(self
            .t
            .get("keywords")?
            .split([',', '，', '、'])
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .chain(std::iter::once(self.e.engagement.title.clone()))
            .collect())
    }

    /// The contract as the document-control page names it: its number, its
    /// title, and when it was signed.
    fn contract_line(&self) -> Result<Option<String>, CatalogueError> {
        let Some(c) = &self.e.engagement.contract else {
            return Ok(None);
        };
        let mut parts = vec![c.reference.clone()];
        parts.extend(c.title.clone());
        if let Some(on) = &c.signed_on {
            parts.push(fill(
                self.t.get("doc.contract_signed")?,
                &[("date", &self.date(on.value)?)],
            ));
        }
        Ok(Some(parts.join(self.t.get("doc.contract_separator")?)))
    }

    /// The labels of the document frame, with the distribution note as
    /// written or else the locale's, naming customer and provider.
    fn doc_labels(&self) -> Result<DocLabels, CatalogueError> {
        let h = &self.e.engagement;
        let t = self.t;
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
        let doc = |key: &str| t.get(&format!("doc.{key}")).map(str::to_string);
        let gaps = |key: &str| t.get(&format!("gaps.{key}")).map(str::to_string);
        Ok(DocLabels {
            author: doc("author")?,
            change: doc("change")?,
            classification: doc("classification")?,
            contract: doc("contract")?,
            control: doc("control")?,
            customer: doc("customer")?,
            date: doc("date")?,
            distribution: doc("distribution")?,
            distribution_text: distribution,
            draft: doc("draft")?,
            engagement: doc("engagement")?,
            engagement_id: doc("engagement_id")?,
            figure: doc("figure")?,
            figures: doc("figures")?,
            gaps_fix: gaps("fix")?,
            gaps_intro: gaps("intro")?,
            gaps_item: gaps("item")?,
            gaps_rule: gaps("rule")?,
            gaps_title: gaps("title")?,
            history: doc("history")?,
            image_unavailable: doc("image_unavailable")?,
            page: doc("page")?,
            prepared_by: doc("prepared_by")?,
            prepared_for: doc("prepared_for")?,
            provider: doc("provider")?,
            toc: doc("toc")?,
            version: doc("version")?,
        })
    }

    /// The engagement as the reports present it: parties, packages,
    /// period, lead time and residency.
    pub(super) fn header(&self) -> Result<Header, CatalogueError> {
        let h = &self.e.engagement;
        let calendar = WorkingCalendar::new(&self.e.calendar);
        let packages = h
            .packages
            .iter()
            .map(|p| self.keyed("packages", p.key()))
            .collect::<Result<Vec<_>, _>>()?;
        let residency = self.residency()?;
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
        Ok(Header {
            id: h.id.value.clone(),
            title: h.title.clone(),
            classification: h.classification.clone(),
            packages,
            provider: ProviderCtx {
                name: h.provider.name.clone(),
                team: people(&h.provider.team),
                lead: h.provider.team.first().map(|p| p.name.clone()),
                lead_role: h.provider.team.first().map(|p| p.role.clone()),
            },
            customer: CustomerCtx {
                name: h.customer.name.clone(),
                contacts: people(&h.customer.contacts),
            },
            applied_on: self.date(*h.applied_on)?,
            starts_on: self.date(*h.starts_on)?,
            ends_on: self.date(*h.ends_on)?,
            period,
            large_resource_demand: self.t.get(yes_no)?.to_string(),
            large_demand: if *h.large_resource_demand {
                let earliest = crate::base::calendar::add_month(*h.applied_on);
                Some(LargeDemandCtx {
                    earliest: self.date(earliest)?,
                    kept: *h.starts_on >= earliest,
                })
            } else {
                None
            },
            lead_days: calendar.working_days_between(*h.applied_on, *h.starts_on),
            residency,
            onsite: !h.residency.is_empty(),
            accepted: self.accepted()?,
            termination: self.termination()?,
            consulting: h
                .packages
                .iter()
                .any(|p| p.value == Package::FullLinkConsulting),
            diagnosis: h
                .packages
                .iter()
                .any(|p| p.value == Package::FullLinkDiagnosis),
        })
    }

    /// The periods the team works on site, and where.
    fn residency(&self) -> Result<Vec<ResidencyCtx>, CatalogueError> {
        self.e
            .engagement
            .residency
            .iter()
            .map(|r| {
                Ok(ResidencyCtx {
                    from: self.date(*r.from)?,
                    to: self.date(*r.to)?,
                    location: r.location.clone(),
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()
    }

    /// The provider's decision to take on the application, when recorded.
    fn accepted(&self) -> Result<Option<AcceptedCtx>, CatalogueError> {
        Ok(match &self.e.engagement.accepted {
            Some(a) => Some(AcceptedCtx {
                on: self.date(*a.on)?,
                by: a.by.clone(),
                note: a.note.clone(),
            }),
            None => None,
        })
    }

    /// The end of a service stopped before `ends_on`, when it was.
    fn termination(&self) -> Result<Option<TerminationCtx>, CatalogueError> {
        Ok(match &self.e.engagement.termination {
            Some(x) => Some(TerminationCtx {
                on: self.date(*x.on)?,
                suspended: x.suspended,
                by: x.by.clone(),
                note: x.note.clone(),
                reason: self.label("termination_reasons", x.reason.key())?,
            }),
            None => None,
        })
    }

    pub(super) fn objectives(&self) -> Vec<ObjectiveCtx> {
        self.e
            .objectives
            .iter()
            .map(|o| ObjectiveCtx {
                title: o.title.clone(),
                detail: o.detail.clone(),
            })
            .collect()
    }

    pub(super) fn scope(&self) -> Result<ScopeCtx, CatalogueError> {
        let s = &self.e.scope;
        let scenarios = s
            .scenarios
            .iter()
            .map(|k| {
                Ok(ScenarioCtx {
                    key: k.key(),
                    label: self.label("scenarios", k.key())?,
                    short: self.label("scenario_short", k.key())?,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let topics = s
            .topics
            .iter()
            .map(|k| {
                let number = crate::base::model::Topic::ALL
                    .iter()
                    .position(|t| *t == k.value)
                    .map_or(0, |i| i + 1);
                Ok(TopicCtx {
                    key: k.key(),
                    label: self.label("topics", k.key())?,
                    number,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let excluded = s
            .excluded
            .iter()
            .map(|x| {
                Ok(ExcludedCtx {
                    request: x.request.clone(),
                    category: self.label("exclusions", x.category.key())?,
                    reason: x.reason.clone(),
                })
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
        Ok(ScopeCtx {
            scenarios,
            topics,
            excluded,
            exclusions,
            support,
        })
    }

    pub(super) fn plan(&self) -> Result<PlanCtx, CatalogueError> {
        let p = &self.e.plan;
        let milestones = p
            .milestones
            .iter()
            .map(|m| {
                Ok(MilestoneCtx {
                    name: m.name.clone(),
                    date: self.date(*m.date)?,
                    owner: m.owner.clone(),
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let phases = p
            .phases
            .iter()
            .into_iter()
            .map(|(phase, activities)| {
                let activities = activities
                    .iter()
                    .map(|a| {
                        Ok(ActivityCtx {
                            id: a.id.as_ref().map(|i| i.value.clone()),
                            key: a.activity.key(),
                            label: self.label("activities", a.activity.key())?,
                            from: self.date(*a.from)?,
                            to: self.date(*a.to)?,
                            owner: a.owner.clone(),
                            notes: a.notes.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>, CatalogueError>>()?;
                Ok(PhaseCtx {
                    key: phase.key(),
                    label: self.label("phases", phase.key())?,
                    activities,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let confirmation = match &p.confirmation {
            Some(c) => Some(self.label("confirmation", c.key())?),
            None => None,
        };
        Ok(PlanCtx {
            submitted_on: self.date(*p.submitted_on)?,
            confirmed_on: self.opt_date(p.confirmed_on.as_ref().map(|d| d.value))?,
            confirmed_by: p.confirmed_by.clone(),
            confirmation,
            confirmed_in_writing: p
                .confirmation
                .as_ref()
                .is_some_and(|c| c.value == crate::base::model::Confirmation::Written),
            milestones,
            phases,
            gantt: charts::gantt(p, self.t)?,
        })
    }

    pub(super) fn survey(&self) -> SurveyCtx {
        let s = &self.e.survey;
        SurveyCtx {
            business: s.business.clone(),
            architecture: s.architecture.clone(),
            diagrams: s.diagrams.iter().map(figure).collect(),
            resources: s
                .resources
                .iter()
                .map(|r| ResourceCtx {
                    product: r.product.clone(),
                    spec: r.spec.clone(),
                    count: r.count,
                    region: r.region.clone(),
                    notes: r.notes.clone(),
                })
                .collect(),
            resource_total: s.resources.iter().map(|r| u64::from(r.count)).sum(),
            analysis: s.analysis.value.clone(),
        }
    }
}
