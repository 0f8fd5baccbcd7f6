//! Changes in the customer's words: the section and field labels of the
//! catalogue, values as the reports print them (dates the locale's way,
//! closed vocabularies by their labels), long texts said to be revised
//! rather than quoted twice.

use serde::Serialize;

use super::{Change, Step, What};
use crate::base::locale::{Catalogue, CatalogueError, fill};

/// A change as the appendix and `dossier diff` print it, in the
/// catalogue's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRow {
    /// The kind of item.
    pub section: String,
    /// The item's id, or the absent mark.
    pub id: String,
    /// The item's title, or the absent mark.
    pub title: String,
    /// What changed: one line per change of the item.
    pub change: Vec<String>,
    /// The path of each line's change.
    pub paths: Vec<String>,
}

/// The longest value quoted whole; a longer one (or one of several lines)
/// is said to be revised.
const QUOTED_CHARS: usize = 60;

/// The changes as rows of the appendix's table: one row per item, one
/// line per change of it, in the order of `changes`.
pub fn rows<'a>(
    changes: impl IntoIterator<Item = &'a Change>,
    t: &Catalogue,
) -> Result<Vec<ChangeRow>, CatalogueError> {
    let mut out: Vec<ChangeRow> = Vec::new();
    for change in changes {
        let row = change.describe(t)?;
        match out.last_mut() {
            Some(last)
                if (&last.section, &last.id, &last.title)
                    == (&row.section, &row.id, &row.title) =>
            {
                last.change.extend(row.change);
                last.paths.extend(row.paths);
            }
            _ => out.push(row),
        }
    }
    Ok(out)
}

impl Change {
    /// The change in the catalogue's language.
    pub(crate) fn describe(&self, t: &Catalogue) -> Result<ChangeRow, CatalogueError> {
        let absent = t.get("locale.absent")?;
        let section = t.key("changes.sections", self.section())?.to_string();
        let (id, fields) = match (self.file_path(), self.steps.get(1)) {
            (Some(path), _) => (path.to_string(), &[][..]),
            (None, Some(Step::Item { id, .. })) => (id.clone(), &self.steps[2..]),
            (None, Some(Step::Index(i))) => (i.to_string(), &self.steps[2..]),
            (None, _) => (absent.to_string(), self.steps.get(1..).unwrap_or_default()),
        };
        let field = field_label(fields, t)?;
        let line = self.line(field.as_deref(), t)?;
        Ok(ChangeRow {
            section,
            id,
            title: self.title.clone().unwrap_or_else(|| absent.to_string()),
            change: vec![line],
            paths: vec![self.path.clone()],
        })
    }

    fn line(&self, field: Option<&str>, t: &Catalogue) -> Result<String, CatalogueError> {
        if self.file_path().is_some() {
            return Ok(match self.change {
                What::Added => t.get("changes.added")?.to_string(),
                What::Removed => t.get("changes.removed")?.to_string(),
                What::Changed => t.get("changes.file_changed")?.to_string(),
            });
        }
        let key = self.steps.iter().rev().find_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            _ => None,
        });
        let value = |v: &Option<serde_json::Value>| -> Result<Option<String>, CatalogueError> {
            let shown = match v {
                None => return Ok(Some(t.get("locale.absent")?.to_string())),
                Some(v) => shown(v, self.section(), key.unwrap_or_default(), t)?,
            };
            Ok(shown.map(|text| match self.unit.as_deref() {
                None | Some("") => text,
                Some("%") => format!("{text}%"),
                Some(unit) => format!("{text} {unit}"),
            }))
        };
        let Some(field) = field else {
            return Ok(match self.change {
                What::Added => t.get("changes.added")?.to_string(),
                What::Removed => t.get("changes.removed")?.to_string(),
                What::Changed => t.get("changes.revised_item")?.to_string(),
            });
        };
        Ok(match (value(&self.from)?, value(&self.to)?) {
            (Some(from), Some(to)) => fill(
                t.get("changes.changed")?,
                &[("field", field), ("from", &from), ("to", &to)],
            ),
            _ => {
                let pattern = match self.change {
                    What::Added => "changes.field_added",
                    What::Removed => "changes.field_removed",
                    What::Changed => "changes.revised",
                };
                fill(t.get(pattern)?, &[("field", field)])
            }
        })
    }
}

/// The label of the field at `steps` below an item: each key's label, an
/// item of a nested list by its id (`調優後 800 › 吞吐量`); none for the
/// item itself.
fn field_label(steps: &[Step], t: &Catalogue) -> Result<Option<String>, CatalogueError> {
    if steps.is_empty() {
        return Ok(None);
    }
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push_str(" › ");
                }
                out.push_str(t.key("changes.fields", key)?);
            }
            Step::Item { id, .. } => {
                out.push(' ');
                match chrono::NaiveDate::parse_from_str(id, "%Y-%m-%d") {
                    Ok(date) => out.push_str(&t.date(date)?),
                    Err(_) => out.push_str(id),
                }
            }
            Step::Index(i) => {
                out.push(' ');
                out.push_str(&i.to_string());
            }
        }
    }
    Ok(Some(out))
}

/// A value as the reports print it; none when it is too long to quote or
/// not a scalar or a list of scalars.
fn shown(
    value: &serde_json::Value,
    section: &str,
    key: &str,
    t: &Catalogue,
) -> Result<Option<String>, CatalogueError> {
    match value {
        serde_json::Value::String(text) => scalar(text, section, key, t),
        serde_json::Value::Array(list) => {
            let mut parts = Vec::new();
            for item in list {
                match item {
                    serde_json::Value::String(text) => match scalar(text, section, key, t)? {
                        Some(part) => parts.push(part),
                        None => return Ok(None),
                    },
                    _ => return Ok(None),
                }
            }
            let joined = parts.join(t.get("changes.list_sep")?);
            Ok((joined.chars().count() <= QUOTED_CHARS).then_some(joined))
        }
        serde_json::Value::Object(entries) => {
            // A record added or removed whole (a retest, a measurement):
            // its short values in a line.
            let mut parts = Vec::new();
            for (key, item) in entries {
                if let serde_json::Value::String(text) = item
                    && let Some(part) = scalar(text, section, key, t)?
                {
                    parts.push(part);
                }
            }
            let joined = parts.join(t.get("changes.list_sep")?);
            Ok((!parts.is_empty() && joined.chars().count() <= 2 * QUOTED_CHARS).then_some(joined))
        }
        _ => Ok(None),
    }
}

fn scalar(
    text: &str,
    section: &str,
    key: &str,
    t: &Catalogue,
) -> Result<Option<String>, CatalogueError> {
    if text.contains('\n') || text.chars().count() > QUOTED_CHARS {
        return Ok(None);
    }
    if text.is_empty() {
        return Ok(Some(t.get("locale.absent")?.to_string()));
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(Some(t.date(date)?));
    }
    let label = vocabularies(section, key)
        .iter()
        .find_map(|group| t.key(group, text).ok());
    Ok(Some(label.unwrap_or(text).to_string()))
}

/// The catalogue groups that label the values of `key` under `section`.
fn vocabularies(section: &str, key: &str) -> &'static [&'static str] {
    match (section, key) {
        ("findings", "status") => &["finding_status"],
        ("solutions", "status") => &["solution_status"],
        (_, "status") => &["item_status", "status", "target_status"],
        (_, "severity") => &["severities"],
        (_, "result") => &["retest_result"],
        (_, "likelihood" | "impact") => &["risk_levels"],
        (_, "method") => &["signoff_method", "confirmation"],
        (_, "format") => &["session_format"],
        (_, "kind") => &["security_kind"],
        (_, "outcome") => &["outcomes"],
        (_, "decision") => &["decisions"],
        (_, "comparison") => &["comparisons"],
        (_, "topic" | "topics" | "consulting_topics") => &["topics"],
        (_, "packages") => &["packages"],
        (_, "scenario" | "scenarios") => &["scenarios"],
        (_, "activity") => &["activities"],
        (_, "item" | "items" | "excluded") => &["service_items"],
        (_, "phases") => &["phases"],
        (_, "reason") => &["termination_reasons"],
        _ => &[],
    }
}
