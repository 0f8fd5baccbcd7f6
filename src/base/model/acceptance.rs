//! Acceptance, sign-off, versions, deviations and the working calendar.

use schemars::JsonSchema;
use serde::Deserialize;
use std::ops::Deref;

use super::*;

/// Acceptance: what the service report covers and the sign-off.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// Which of the ten items of §7 一.2 the service report covers, each
    /// with what delivered it.
    pub items: Spanned<Vec<Spanned<CoveredItem>>>,
    /// Items still open at acceptance.
    #[serde(default)]
    pub open_items: Vec<OpenItem>,
    /// Planned items not delivered, each waived or deferred by agreement:
    /// consulting topics of `scope.topics`, service items of planned
    /// activities.
    #[serde(default)]
    pub undelivered: Vec<Spanned<Undelivered>>,
    /// The customer's sign-off, once given: the completion mark of §8, by
    /// stamp or signature (e-mail included).
    #[serde(default)]
    pub signoff: Option<Signoff>,
    /// The customer's confirmation of the acceptance report online in its
    /// cloud account console (§7 一.1, 二): asked for, besides the
    /// sign-off, where a solution's effect can only be confirmed once it
    /// is implemented.
    #[serde(default)]
    pub console: Option<ConsoleConfirmation>,
}

/// A confirmation in the cloud account console.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsoleConfirmation {
    /// When the customer confirmed.
    pub on: Date,
    /// The console's confirmation number.
    pub reference: String,
}

/// A service item the service report covers, and the ids of what
/// delivered it (findings, solutions, stress tests, sessions, activities).
/// Written as `{ item: health-check, evidence: [A-05, F-01] }`; a bare key
/// (`health-check`) is an item with no evidence yet.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
#[expect(
    dead_code,
    reason = "it describes the YAML's shape to the JSON Schema and is never built"
)]
pub(crate) enum CoveredItemSchema {
    /// The item's key alone.
    Key(ServiceItem),
    /// The item with its evidence.
    Entry {
        /// The item of §7 一.2.
        item: ServiceItem,
        /// Ids of the findings, solutions, stress tests, sessions or plan
        /// activities that delivered it.
        #[serde(default)]
        evidence: Vec<String>,
    },
}

/// A service item the service report covers, with its evidence.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(with = "CoveredItemSchema")]
pub struct CoveredItem {
    /// The item of §7 一.2.
    pub item: Spanned<ServiceItem>,
    /// Ids of what delivered it.
    pub evidence: Vec<Spanned<String>>,
}

impl Deref for CoveredItem {
    type Target = ServiceItem;

    fn deref(&self) -> &ServiceItem {
        &self.item.value
    }
}

impl<'de> Deserialize<'de> for CoveredItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CoveredItemVisitor)
    }
}

struct CoveredItemVisitor;

impl<'de> serde::de::Visitor<'de> for CoveredItemVisitor {
    type Value = CoveredItem;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a service item key, or a mapping with `item` and `evidence`")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<CoveredItem, E> {
        let item = ServiceItem::deserialize(serde::de::value::StrDeserializer::<E>::new(key))?;
        Ok(CoveredItem {
            item: Spanned::detached(item),
            evidence: Vec::new(),
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<CoveredItem, A::Error> {
        use serde::de::Error;
        let mut item = None;
        let mut evidence = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "item" if item.is_none() => item = Some(map.next_value()?),
                "evidence" if evidence.is_none() => evidence = Some(map.next_value()?),
                "item" | "evidence" => return Err(A::Error::duplicate_field("item")),
                other => return Err(A::Error::unknown_field(other, &["item", "evidence"])),
            }
        }
        Ok(CoveredItem {
            item: item.ok_or_else(|| A::Error::missing_field("item"))?,
            evidence: evidence.unwrap_or_default(),
        })
    }
}

/// Something left open at acceptance.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenItem {
    /// What is open.
    pub description: String,
    /// Who closes it.
    pub owner: String,
    /// By when.
    #[serde(default)]
    pub due: Option<Date>,
}

/// A planned item that was not delivered, and what both parties agreed
/// about it. Names either a `topic` or an `item`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Undelivered {
    /// A consulting topic of `scope.topics`.
    #[serde(default)]
    pub topic: Option<Spanned<Topic>>,
    /// A service item of §7 一.2 the plan's activities promised.
    #[serde(default)]
    pub item: Option<Spanned<ServiceItem>>,
    /// Waived (dropped) or deferred (moved to after acceptance).
    pub decision: Spanned<Decision>,
    /// Why, as agreed.
    pub reason: String,
    /// Who agreed on it, on each side.
    pub agreed_by: Agreement,
    /// When it was agreed.
    pub agreed_on: Date,
    /// For a deferred item, when it is now due.
    #[serde(default)]
    pub due: Option<Date>,
}

/// The customer's sign-off of the acceptance report.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signoff {
    /// Who signed.
    pub by: String,
    /// Their title.
    pub title: String,
    /// When.
    pub on: Date,
    /// How: console, email, stamp or signature.
    pub method: Spanned<SignoffMethod>,
    /// A reference to the evidence, e.g. an email message id.
    #[serde(default)]
    pub reference: Option<String>,
    /// The version of the acceptance report the customer confirmed; by
    /// default the latest issued before the day of the sign-off.
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    /// For a digital `signature`: the acceptance report the customer
    /// countersigned, by its path from the engagement file's folder.
    /// `check` verifies it; the reports print the sign-off as recorded.
    #[serde(default)]
    pub file: Option<Spanned<String>>,
}

/// A version of one or more of the reports.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// The reports this version concerns (`startup`, `plan`, `survey`,
    /// `service`, `acceptance`); without it, all five. Each report shows
    /// only its own history, and takes its version and date from it.
    #[serde(default)]
    pub reports: Option<Vec<crate::base::report::ReportKey>>,
    /// Version number, e.g. `1.0`.
    pub version: Spanned<String>,
    /// Date of the version.
    pub date: Date,
    /// Who made it.
    pub author: String,
    /// What changed.
    pub change: String,
}

impl Revision {
    /// Whether this version concerns `report`.
    pub fn concerns(&self, report: crate::base::report::ReportKey) -> bool {
        self.reports.as_ref().is_none_or(|r| r.contains(&report))
    }
}

/// Orders two version numbers the way people read them: dot-separated
/// numbers compare as numbers (`1.10` after `1.9`), anything else as text.
pub(crate) fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Option<Vec<u64>> {
        v.trim()
            .trim_start_matches(['v', 'V'])
            .split('.')
            .map(|p| p.parse().ok())
            .collect()
    };
    match (parts(a), parts(b)) {
        (Some(mut x), Some(mut y)) => {
            let len = x.len().max(y.len());
            x.resize(len, 0);
            y.resize(len, 0);
            x.cmp(&y)
        }
        _ => a.cmp(b),
    }
}

/// A deviation from the statement of work agreed by both parties.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The contract rule the deviation covers.
    pub rule: Spanned<WaivableRule>,
    /// The solution it concerns, for `implement-window`.
    #[serde(default)]
    pub solution: Option<Spanned<String>>,
    /// What happened, e.g. a late application the provider accepted, or
    /// force majeure that delayed an implementation.
    pub what: String,
    /// The days on which, as `what` says, the work could not be done (a
    /// typhoon's closure days, say): nothing is recorded as done on them.
    #[serde(default)]
    pub prevented: Option<Prevented>,
    /// Who agreed on it, on each side.
    pub agreed_by: Agreement,
    /// When it was agreed.
    pub agreed_on: Date,
    /// Where the agreement is recorded, e.g. an email's subject.
    pub evidence: String,
}

/// The days a deviation's event made the work impossible, both included.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prevented {
    /// The first such day.
    pub from: Date,
    /// The last such day.
    pub to: Date,
}

/// Who agreed on a deviation, on each side.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// For the customer.
    pub customer: String,
    /// For the provider.
    pub provider: String,
}

/// The working calendar: Monday to Friday, less the region's public holidays
/// plus its make-up working days, then the days listed here.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Whose public holidays and make-up working days apply (`CN` for
    /// mainland China, `TW` for Taiwan); without it, only the days below.
    #[serde(default)]
    pub region: Option<Spanned<HolidayRegion>>,
    /// Further days off, beyond the region's (e.g. a company holiday).
    #[serde(default)]
    pub holidays: Vec<Day>,
    /// Days that are working days whatever the region says (make-up days,
    /// or a holiday the engagement works through).
    #[serde(default)]
    pub workdays: Vec<Day>,
}

/// A named day of the calendar.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Day {
    /// The date.
    pub date: Date,
    /// Its name, e.g. a holiday's.
    #[serde(default)]
    pub name: Option<String>,
}
