//! What the editor shows about a key: its documentation, from the JSON
//! Schema the model generates, and the contract rules that read it, each
//! with its clause and its statement in the file's locale.

use std::sync::LazyLock;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};
use serde_json::Value;

use super::text::{Place, place, word_at};
use crate::base::code::RuleId;
use crate::base::locale::Catalogue;
use crate::base::model::Locale;
use crate::base::schema::json_schema;
use crate::base::templates::builtin;

/// The rules that read each key, by the path of keys it starts: a key
/// under one of these paths is read by the rule.
const RULES: &[(&str, RuleId)] = &[
    ("engagement.applied_on", RuleId::LeadTime),
    ("engagement.starts_on", RuleId::LeadTime),
    ("engagement.accepted", RuleId::LeadTime),
    ("engagement.large_resource_demand", RuleId::LargeDemand),
    ("plan.submitted_on", RuleId::PlanConfirmed),
    ("plan.confirmation", RuleId::PlanConfirmed),
    ("plan.confirmed_on", RuleId::PlanConfirmed),
    ("plan.confirmed_by", RuleId::PlanConfirmed),
    ("solutions.proposed_on", RuleId::ImplementWindow),
    ("solutions.needs_implementation", RuleId::ImplementWindow),
    ("solutions.implement_by", RuleId::ImplementWindow),
    ("solutions.implemented_on", RuleId::ImplementWindow),
    ("solutions.status", RuleId::DeclinedReason),
    ("solutions.declined_reason", RuleId::DeclinedReason),
    ("scope.excluded", RuleId::OutOfScope),
    ("survey.analysis", RuleId::Completion),
    ("findings", RuleId::Completion),
    ("stress_tests", RuleId::Completion),
    ("solutions", RuleId::Completion),
    ("enablement", RuleId::Completion),
    ("risks", RuleId::Completion),
    ("acceptance.items", RuleId::ServiceItems),
    ("acceptance.console", RuleId::ServiceItems),
    ("acceptance.signoff", RuleId::Signoff),
    ("security", RuleId::SecurityAuth),
    ("objectives.targets", RuleId::Targets),
    ("objectives.verdict", RuleId::Targets),
    ("findings.status", RuleId::Retests),
    ("findings.retests", RuleId::Retests),
    ("survey.diagrams.alt", RuleId::AltText),
    ("findings.evidence.alt", RuleId::AltText),
    ("history", RuleId::Versions),
    ("exceptions", RuleId::Deviations),
];

/// The engagement file's schema, as JSON.
static SCHEMA: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(&json_schema()).unwrap_or(Value::Null));

/// `node` with references, single `allOf`s and optional values
/// (`anyOf` with null) looked through.
fn resolve(mut node: &Value) -> &Value {
    for _ in 0..16 {
        if let Some(name) = node.get("$ref").and_then(Value::as_str) {
            let name = name.rsplit('/').next().unwrap_or_default();
            node = &SCHEMA["definitions"][name];
        } else if let Some([only]) = node
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            node = only;
        } else {
            break;
        }
    }
    node
}

/// The schemas a value of `node` may have: itself, or each non-null
/// alternative of an `anyOf`/`oneOf` holding objects or lists; list items
/// stand for their list.
fn shapes(node: &Value) -> Vec<&Value> {
    let node = resolve(node);
    if let Some(items) = node.get("items") {
        return shapes(items);
    }
    match node.get("anyOf").and_then(Value::as_array) {
        Some(all) => all.iter().flat_map(shapes).collect(),
        None => vec![node],
    }
}

/// The schema of the key at `path`, as its mapping declares it (with its
/// own description).
pub(super) fn field(path: &[String]) -> Option<&'static Value> {
    let mut node: &Value = &SCHEMA;
    for key in path {
        node = shapes(node)
            .into_iter()
            .find_map(|shape| shape.get("properties")?.get(key))?;
    }
    Some(node)
}

/// The documentation of the key at `path`.
fn description(path: &[String]) -> Option<String> {
    let node = field(path)?;
    node.get("description")
        .or_else(|| resolve(node).get("description"))
        .and_then(Value::as_str)
        .map(|d| d.replace('\n', " "))
}

/// The values the key at `path` may hold when they are a closed set,
/// with what each means.
pub(super) fn values(path: &[String]) -> Vec<(String, Option<String>)> {
    let Some(node) = field(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for shape in shapes(node) {
        for variant in shape
            .get("oneOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let about = variant.get("description").and_then(Value::as_str);
            let spelled = variant.get("const").into_iter().chain(
                variant
                    .get("enum")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
            for value in spelled.filter_map(Value::as_str) {
                out.push((value.to_string(), about.map(str::to_string)));
            }
        }
        for value in shape
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            out.push((value.to_string(), None));
        }
    }
    out
}

/// The rules that read the key at `path`.
fn rules(path: &[String]) -> Vec<RuleId> {
    let dotted = path.join(".");
    let mut out: Vec<RuleId> = RULES
        .iter()
        .filter(|(prefix, _)| {
            dotted == *prefix
                || dotted
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .map(|(_, rule)| *rule)
        .collect();
    out.dedup();
    out
}

/// The locale an engagement file is written in: its top-level `locale`.
pub(super) fn locale_of(text: &str) -> Locale {
    let written = text
        .lines()
        .find_map(|l| l.strip_prefix("locale:"))
        .map(|v| {
            v.split('#')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(['"', '\''])
        });
    Locale::ALL
        .iter()
        .copied()
        .find(|l| Some(l.key()) == written)
        .unwrap_or(Locale::En)
}

/// The built-in catalogue of `locale`.
fn catalogue(locale: Locale) -> Option<Catalogue> {
    let name = Catalogue::template_name(locale);
    Catalogue::parse(locale, &name, builtin(&name)?).ok()
}

/// The hover of the key at `at`: its documentation and the rules that read
/// it; none when the cursor is not on a key the schema knows.
pub(super) fn hover(text: &str, at: Position) -> Option<Hover> {
    let Place { path, on_key } = place(text, at);
    if !on_key {
        return None;
    }
    let about = description(&path)?;
    let mut markdown = format!("**`{}`**: {about}", path.join("."));
    let catalogue = catalogue(locale_of(text));
    for rule in rules(&path) {
        let clause = match (rule.clause(), &catalogue) {
            (Some(clause), Some(c)) => format!(" ({})", c.clause(clause)),
            (Some(clause), None) => format!(" ({clause})"),
            _ => String::new(),
        };
        let statement = catalogue
            .as_ref()
            .and_then(|c| c.key("rule_names", rule.id()).ok())
            .map(|s| format!(": {s}"))
            .unwrap_or_default();
        markdown.push_str(&format!("\n\n`{rule}`{clause}{statement}"));
    }
    let (_, start, _, end) = word_at(text, at);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(lsp_types::Range::new(
            super::text::position(text, at.line, start),
            super::text::position(text, at.line, end),
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(dotted: &str) -> Vec<String> {
        dotted.split('.').map(str::to_string).collect()
    }

    #[test]
    fn every_key_a_rule_reads_is_in_the_schema() {
        for (prefix, rule) in RULES {
            assert!(field(&path(prefix)).is_some(), "{prefix} ({rule})");
            assert!(description(&path(prefix)).is_some(), "{prefix}");
        }
    }

    #[test]
    fn closed_sets_of_values_are_listed() {
        let severities: Vec<String> = values(&path("findings.severity"))
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert!(severities.contains(&"high".to_string()), "{severities:?}");
        let items = values(&path("acceptance.items.item"));
        assert!(items.iter().any(|(v, _)| v == "health-check"), "{items:?}");
        assert!(
            values(&path("locale"))
                .iter()
                .any(|(v, d)| v == "zh-Hant" && d.is_some())
        );
        assert!(values(&path("findings.title")).is_empty());
    }

    #[test]
    fn a_rule_is_quoted_in_the_files_locale() {
        let text = "locale: zh-Hant\nengagement:\n  starts_on: 2026-09-28\n";
        let found = hover(text, Position::new(2, 4)).expect("a hover");
        let HoverContents::Markup(shown) = found.contents else {
            panic!("markup expected");
        };
        assert!(
            shown
                .value
                .contains("`lead-time` (§3、§6): 至少提前 10 個工作日申請"),
            "{}",
            shown.value
        );
        assert!(
            hover(text, Position::new(2, 15)).is_none(),
            "a value, not a key"
        );
    }
}
