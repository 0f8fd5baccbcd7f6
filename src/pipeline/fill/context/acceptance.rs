//! The context of acceptance: service items, completion, targets,
//! deviations, the statement of work's terms and the deliverables.

use super::types::*;
use super::*;
use crate::base::model::{Decision, Outcome, Undelivered};

impl Builder<'_> {
    /// The customer's confirmation in the cloud account console (§7 一.1),
    /// when recorded.
    fn console(&self) -> Result<Option<ConsoleCtx>, CatalogueError> {
        Ok(match &self.e.acceptance.console {
            Some(c) => Some(ConsoleCtx {
                on: self.date(*c.on)?,
                reference: c.reference.clone(),
            }),
            None => None,
        })
    }

    pub(super) fn acceptance(&self) -> Result<AcceptanceCtx, CatalogueError> {
        let a = &self.e.acceptance;
        let items = ServiceItem::ALL
            .iter()
            .map(|item| {
                let entry = a.items.iter().find(|i| i.item.value == *item);
                let evidence: Vec<&str> = entry
                    .map(|e| e.evidence.iter().map(|id| id.as_str()).collect())
                    .unwrap_or_default();
                let evidence = match self.e.undelivered_item(*item) {
                    Some(u) if entry.is_none() => self.label("decisions", u.decision.key())?,
                    _ => self.list(&evidence)?,
                };
                Ok(ServiceItemRow {
                    key: item.key(),
                    label: self.label("service_items", item.key())?,
                    covered: entry.is_some(),
                    evidence,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let mut open_items = a
            .open_items
            .iter()
            .map(|o| {
                Ok(OpenItemCtx {
                    description: o.description.clone(),
                    owner: o.owner.clone(),
                    due: self.opt_date(o.due.as_ref().map(|d| d.value))?,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        open_items.extend(self.still_open()?);
        let signoff = match &a.signoff {
            Some(s) => Some(SignoffCtx {
                version: self.e.confirmed_version(s).map(str::to_string),
                by: s.by.clone(),
                title: s.title.clone(),
                on: self.date(*s.on)?,
                method: self.label("signoff_method", s.method.key())?,
                signed: matches!(
                    *s.method,
                    crate::base::model::SignoffMethod::Stamp
                        | crate::base::model::SignoffMethod::Signature
                ),
                reference: s.reference.clone(),
            }),
            None => None,
        };
        let undelivered = a
            .undelivered
            .iter()
            .map(|u| {
                let what = match (&u.topic, &u.item) {
                    (Some(topic), _) => self.label("topics", topic.key())?,
                    (None, Some(item)) => self.label("service_items", item.key())?,
                    (None, None) => self.absent()?.to_string(),
                };
                Ok(UndeliveredRow {
                    what,
                    decision: self.label("decisions", u.decision.key())?,
                    reason: u.reason.clone(),
                    customer: u.agreed_by.customer.clone(),
                    provider: u.agreed_by.provider.clone(),
                    on: self.date(*u.agreed_on)?,
                    due: self.opt_date(u.due.as_ref().map(|d| d.value))?,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let console = self.console()?;
        Ok(AcceptanceCtx {
            items,
            undelivered,
            open_items,
            signoff,
            console,
        })
    }

    /// What the data shows is still open at the end, beside the open
    /// items recorded: findings neither resolved nor accepted after their
    /// retests, and consulting topics the plan named that nothing
    /// delivered. "Nothing remains open" is printed only without them.
    fn still_open(&self) -> Result<Vec<OpenItemCtx>, CatalogueError> {
        let t = self.t;
        let absent = t.get("locale.absent")?.to_string();
        let mut open = Vec::new();
        for f in self.e.findings.iter() {
            let status = match f.retests.last() {
                Some(r) => r.result.status(),
                None => f.status.as_ref().map_or(FindingStatus::Open, |s| s.value),
            };
            if matches!(status, FindingStatus::Open | FindingStatus::InProgress) {
                let status = self.label("finding_status", status.key())?;
                open.push(OpenItemCtx {
                    description: fill(
                        t.get("acceptance.open_finding")?,
                        &[
                            ("id", &f.id.value),
                            ("title", &f.title),
                            ("status", &status),
                        ],
                    ),
                    owner: f.owner.clone().unwrap_or_else(|| absent.clone()),
                    due: self.opt_date(f.due.as_ref().map(|d| d.value))?,
                });
            }
        }
        let delivered = self.e.delivered_topics();
        for topic in self.e.scope.topics.iter().map(|t| t.value) {
            if delivered.contains(&topic) {
                continue;
            }
            let label = self.label("topics", topic.key())?;
            open.extend(self.undelivered_open(
                self.e.undelivered_topic(topic),
                fill(t.get("acceptance.open_topic")?, &[("topic", &label)]),
            )?);
        }
        for (item, _) in self.e.planned_items() {
            if self.e.acceptance.items.iter().any(|i| i.item.value == item) {
                continue;
            }
            let label = self.label("service_items", item.key())?;
            open.extend(self.undelivered_open(
                self.e.undelivered_item(item),
                fill(t.get("acceptance.open_service_item")?, &[("item", &label)]),
            )?);
        }
        Ok(open)
    }

    /// A planned topic or item not delivered, as an open item: without an
    /// agreement, or deferred past acceptance (with its new date); a
    /// waived one is closed.
    fn undelivered_open(
        &self,
        agreed: Option<&Undelivered>,
        description: String,
    ) -> Result<Option<OpenItemCtx>, CatalogueError> {
        let absent = self.absent()?.to_string();
        Ok(match agreed {
            None => Some(OpenItemCtx {
                description,
                owner: absent,
                due: None,
            }),
            Some(u) if u.decision.value == Decision::Deferred => Some(OpenItemCtx {
                description: fill(
                    self.t.get("acceptance.open_deferred")?,
                    &[
                        ("what", &description),
                        ("on", &self.date(*u.agreed_on)?),
                        ("reason", u.reason.trim()),
                    ],
                ),
                // The provider owes what was deferred; the customer agreed
                // to wait, which does not make it the customer's to close.
                owner: u.agreed_by.provider.clone(),
                due: self.opt_date(u.due.as_ref().map(|d| d.value))?,
            }),
            Some(_) => None,
        })
    }

    /// The elements of a complete delivery (§3.1.4), with what covers each.
    pub(super) fn completion(&self) -> Result<Vec<CompletionRow>, CatalogueError> {
        let e = self.e;
        let t = self.t;
        let count = |key: &str, n: usize| -> Result<(String, bool), CatalogueError> {
            Ok((t.count(&format!("acceptance.{key}"), n)?, n > 0))
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
                Ok(CompletionRow {
                    label: t.get(&format!("acceptance.{key}"))?.to_string(),
                    evidence,
                    done,
                })
            })
            .collect()
    }

    /// The measurable targets of the objectives against their results
    /// (§3.1.3), for the 目標達成對照 table.
    pub(super) fn targets(&self) -> Result<Vec<TargetRow>, CatalogueError> {
        let t = self.t;
        let mut rows = Vec::new();
        for o in self.e.objectives.iter() {
            for target in &o.targets {
                let comparison = t.key("comparisons", target.comparison.key())?;
                let figure = |value: f64| measured(value, &target.unit);
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
                rows.push(TargetRow {
                    objective: o.title.clone(),
                    metric: target.metric.clone(),
                    target: format!("{comparison} {}", figure(target.target.value)),
                    result: target.result.as_ref().map(|r| figure(r.value)),
                    measured_on: match (&target.result, &target.measured_on) {
                        (Some(_), Some(on)) => Some(fill(
                            t.get("service.measured_on")?,
                            &[("date", &self.date(on.value)?)],
                        )),
                        _ => None,
                    },
                    source,
                    met,
                    met_label: t.key("target_status", met)?.to_string(),
                });
            }
        }
        Ok(rows)
    }

    /// Every earlier result of a target, replaced by a later one: its
    /// metric, figure and date, in the order of the targets, oldest first.
    pub(super) fn earlier_results(&self) -> Result<Vec<String>, CatalogueError> {
        let mut out = Vec::new();
        for target in self.e.objectives.iter().flat_map(|o| &o.targets) {
            for earlier in &target.earlier {
                let figure = measured(earlier.result.value, &target.unit);
                out.push(fill(
                    self.t.get("service.earlier_result")?,
                    &[
                        ("metric", &target.metric),
                        ("figure", &figure),
                        ("date", &self.date(earlier.measured_on.value)?),
                    ],
                ));
            }
        }
        Ok(out)
    }

    /// The verdict on every objective (§3.1.3): the one written, or the one
    /// its measured targets settle, with the evidence or the reason.
    pub(super) fn verdicts(&self) -> Result<Vec<VerdictRow>, CatalogueError> {
        let mut rows = Vec::new();
        for o in self.e.objectives.iter() {
            let outcome = o.outcome();
            let mut evidence: Vec<&str> = match &o.verdict {
                Some(v) => v.evidence.iter().map(|id| id.as_str()).collect(),
                None => Vec::new(),
            };
            if o.verdict.is_none() || evidence.is_empty() {
                for id in o.targets.iter().filter_map(|t| t.measured_by.as_ref()) {
                    if !evidence.contains(&id.as_str()) {
                        evidence.push(id.as_str());
                    }
                }
            }
            let mut basis = Vec::new();
            if !evidence.is_empty() {
                basis.push(self.list(&evidence)?);
            }
            if let Some(reason) = o.verdict.as_ref().and_then(|v| v.reason.as_deref()) {
                basis.push(reason.trim().to_string());
            }
            if basis.is_empty() {
                basis.push(self.absent()?.to_string());
            }
            let key = outcome.map_or("none", Outcome::key);
            rows.push(VerdictRow {
                objective: o.title.clone(),
                outcome: key,
                label: self.label("outcomes", key)?,
                basis: basis.join(self.t.get("locale.clause_sep")?),
            });
        }
        Ok(rows)
    }

    /// The agreed deviations, each with the reports of the rule it covers.
    pub(super) fn deviations(&self) -> Result<Vec<(Vec<ReportKey>, DeviationRow)>, CatalogueError> {
        self.e
            .exceptions
            .iter()
            .map(|x| {
                let rule = crate::pipeline::validate::rule_of(x.rule.value);
                let mut clause = self.label("rule_names", rule.id())?;
                if let Some(solution) = &x.solution {
                    clause = fill(
                        self.t.get("locale.aside")?,
                        &[("text", &clause), ("note", &solution.value)],
                    );
                }
                Ok((
                    rule.reports().to_vec(),
                    DeviationRow {
                        clause: match rule.clause() {
                            Some(clause) => self.t.clause(clause),
                            None => self.absent()?.to_string(),
                        },
                        rule: clause,
                        what: x.what.clone(),
                        customer: x.agreed_by.customer.clone(),
                        provider: x.agreed_by.provider.clone(),
                        on: self.date(*x.agreed_on)?,
                        evidence: x.evidence.clone(),
                    },
                ))
            })
            .collect()
    }

    /// The statement of work's own terms beside the catalogue's where they
    /// differ, for the plan's table of terms, and whether the service
    /// report is the diagnosis package's named deliverable.
    pub(super) fn contract(&self) -> Result<ContractCtx, CatalogueError> {
        let e = self.e;
        let term = |path: String| self.t.get(&path).map(str::to_string);
        // Who carries the statement of work's provider duties, and the
        // console it names, then the documents and the catalogue.
        let mut terms = vec![
            (
                e.engagement.provider.name.clone(),
                term("contract_terms.provider".into())?,
                self.t.clause("§3.1.3"),
            ),
            (
                term("contract_terms.console_ours".into())?,
                term("contract_terms.console".into())?,
                self.t.clause("§7 一.1"),
            ),
            (
                self.label("reports", "plan")?,
                term("contract_terms.plan".into())?,
                self.t.clause("§3.1.2"),
            ),
        ];
        for p in e.engagement.packages.iter() {
            let label = self.label("packages", p.key())?;
            let contract = term(format!("contract_terms.packages.{}", p.key()))?;
            if label_differs(&label, &contract) {
                terms.push((label, contract, self.t.clause("§4.1")));
            }
        }
        for topic in e.scope.topics.iter() {
            let label = self.label("topics", topic.key())?;
            let contract = term(format!("contract_terms.topics.{}", topic.key()))?;
            if label_differs(&label, &contract) {
                terms.push((label, contract, self.t.clause("§4.1 二")));
            }
        }
        // The statement's own words for what this locale calls otherwise.
        for row in self.t.rows("contract_terms.wording", 3)? {
            if let [ours, contract, clause] = row[..]
                && label_differs(ours, contract)
            {
                terms.push((
                    ours.to_string(),
                    contract.to_string(),
                    self.t.clause(clause),
                ));
            }
        }
        let diagnosis = e
            .engagement
            .packages
            .iter()
            .any(|p| p.value == Package::FullLinkDiagnosis);
        Ok(ContractCtx { terms, diagnosis })
    }

    pub(super) fn deliverables(&self) -> Result<Vec<DeliverableRow>, CatalogueError> {
        ReportKey::ALL
            .iter()
            .map(|k| {
                Ok(DeliverableRow {
                    number: k.number(),
                    key: k.key(),
                    title: self.label("reports", k.key())?,
                    file: k.file_name("pdf"),
                })
            })
            .collect()
    }
}
