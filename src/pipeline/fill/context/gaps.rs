//! The closing page of a draft: its open gaps, each in the report's
//! language, with the requirement it falls short of and what closes it.
//! The page is for whoever reads the draft, the customer included: it
//! speaks of the engagement, never of the file it is written in (`dossier
//! check` gives the file, line and column).

use chrono::NaiveDate;

use super::types::GapRow;
use crate::base::locale::{Catalogue, CatalogueError, fill};
use crate::pipeline::validate::Gap;

/// The open gaps of a draft as its closing page lists them, in the order
/// of the file, as an editor fixing them goes.
pub(super) fn gap_rows(gaps: &[Gap<'_>], t: &Catalogue) -> Result<Vec<GapRow>, CatalogueError> {
    let mut gaps: Vec<&Gap<'_>> = gaps.iter().collect();
    gaps.sort_by_key(|g| {
        let pos = g.diagnostic.position();
        (
            !pos.is_known(),
            g.diagnostic.file.clone(),
            pos.line,
            pos.column,
        )
    });
    gaps.into_iter()
        .map(|d| gap(d, t))
        .collect::<Result<Vec<_>, _>>()
}

/// One open gap as a draft's closing page shows it: the requirement (its
/// title and the clause of the statement of work it rests on), the problem
/// and what closes it, in the report's language.
pub(super) fn gap(g: &Gap<'_>, t: &Catalogue) -> Result<GapRow, CatalogueError> {
    let d = g.diagnostic;
    let code = d.code.map_or("consistency", |c| c.key());
    let mut values: Vec<(&str, String)> = Vec::new();
    for (name, value) in &d.args {
        values.push((name, localize_arg(name, value, t)?));
    }
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let count = d
        .args
        .iter()
        .find(|(name, _)| *name == "days" || *name == "n")
        .and_then(|(_, value)| value.parse::<i64>().ok());
    let mut text = fill(t.form(&format!("gaps.{code}"), count.unwrap_or(0))?, &pairs);
    if let Some(draft) = g.draft {
        text = fill(
            t.get("gaps.via")?,
            &[
                ("report", t.key("reports", draft.key())?),
                ("reason", &text),
            ],
        );
    }
    let (name, clause) = match d.rule {
        Some(rule) => (
            t.key("rule_names", rule.id())?,
            rule.clause().map(|c| t.clause(c)).unwrap_or_default(),
        ),
        None => (t.get("locale.absent")?, String::new()),
    };
    let fix = fill(
        t.form(&format!("fixes.{code}"), count.unwrap_or(0))?,
        &pairs,
    );
    Ok((name.to_string(), clause, text, fix))
}

/// Writes a rule's argument the report's way: dates in the locale's
/// format, keys as their labels.
fn localize_arg(name: &str, value: &str, t: &Catalogue) -> Result<String, CatalogueError> {
    let group = match name {
        "earliest" | "deadline" | "limit" | "on" | "last" => {
            return match value.parse::<NaiveDate>() {
                Ok(date) => t.date(date),
                Err(_) => Ok(value.to_string()),
            };
        }
        "category" => "exclusions",
        "method" => "signoff_method",
        "activity" => "activities",
        "item" => "service_items",
        "topic" => "topics",
        "outcome" => "outcomes",
        "rule" => "rule_names",
        "status" => "finding_status",
        "result" => "retest_result",
        "report" => "reports",
        "element" => {
            return t
                .get(&format!("acceptance.element_{value}"))
                .map(str::to_string);
        }
        _ => return Ok(value.to_string()),
    };
    t.key(group, value).map(str::to_string)
}
