//! Ids in the editor: which keys cite the ids of other items, completion
//! of those ids and of closed sets of values, and the way from a cited id
//! to the item that defines it.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Location, Position, Range, TextEdit,
    Uri,
};

use super::help::values;
use super::text::{Place, line, place, position, word_at};
use crate::base::scalars::scalars;

/// The ids an item can be cited by: where each kind of item writes its id.
const FINDINGS: &[&str] = &["findings.id"];
const MEASURED: &[&str] = &["findings.id", "stress_tests.id"];
const SOLUTIONS: &[&str] = &["solutions.id"];
const EVIDENCE: &[&str] = &[
    "findings.id",
    "risks.id",
    "solutions.id",
    "stress_tests.id",
    "enablement.id",
    "plan.phases.assessment.id",
    "plan.phases.inspection.id",
    "plan.phases.acceptance.id",
];

/// The keys whose values cite ids, with the ids each may cite (the
/// `consistency` rule's references).
const CITING: &[(&str, &[&str])] = &[
    ("risks.findings", FINDINGS),
    ("solutions.findings", FINDINGS),
    ("objectives.targets.measured_by", MEASURED),
    ("objectives.targets.earlier.measured_by", MEASURED),
    ("acceptance.items.evidence", EVIDENCE),
    ("objectives.verdict.evidence", EVIDENCE),
    ("exceptions.solution", SOLUTIONS),
];

/// Where the ids that the key at `path` may cite are defined, if it cites.
fn cited_by(path: &[String]) -> Option<&'static [&'static str]> {
    let dotted = path.join(".");
    CITING
        .iter()
        .find(|(key, _)| *key == dotted)
        .map(|(_, ids)| *ids)
}

/// Each id `text` defines at one of `kinds`, with where it is written
/// (line and column from 1) and the title of its item when it has one.
fn defined(text: &str, kinds: &[&str]) -> Vec<(String, crate::base::model::Pos, String)> {
    let all = scalars(text);
    all.iter()
        .filter(|s| kinds.iter().any(|k| s.is_at(k)) && !s.text.is_empty())
        .map(|s| {
            let holder = s.shown.strip_suffix(".id").unwrap_or(&s.shown);
            let title = all
                .iter()
                .find(|t| {
                    t.shown.strip_prefix(holder).is_some_and(|rest| {
                        [".title", ".name", ".topic", ".activity", ".description"].contains(&rest)
                    })
                })
                .map(|t| short(&t.text))
                .unwrap_or_default();
            (s.text.clone(), s.pos, title)
        })
        .collect()
}

/// The first line of `text`, at most 60 characters of it.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_string(),
    }
}

/// What may be written at `at`: the ids the key cites, or the values of
/// its closed set; each replaces the word already begun.
/// `ids` is the last text of the file that parsed as YAML, for the ids it
/// defines while the text does not.
pub(super) fn complete(text: &str, ids: &str, at: Position) -> Vec<CompletionItem> {
    let Place { path, on_key } = place(text, at);
    if on_key {
        return Vec::new();
    }
    let (_, start, cursor, _) = word_at(text, at);
    let range = Range::new(
        position(text, at.line, start),
        position(text, at.line, cursor),
    );
    let item = |label: String, detail: Option<String>, kind| CompletionItem {
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range,
            label.clone(),
        ))),
        label,
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    };
    match cited_by(&path) {
        Some(kinds) => defined(ids, kinds)
            .into_iter()
            .map(|(id, _, title)| item(id, Some(title), CompletionItemKind::REFERENCE))
            .collect(),
        None => values(&path)
            .into_iter()
            .map(|(value, about)| item(value, about, CompletionItemKind::ENUM_MEMBER))
            .collect(),
    }
}

/// Where the id cited at `at` is defined.
pub(super) fn definition(text: &str, ids: &str, uri: &Uri, at: Position) -> Option<Location> {
    let kinds = cited_by(&place(text, at).path)?;
    let (word, ..) = word_at(text, at);
    // Where the last parse found it, if the text since has not moved it.
    let written = |pos: crate::base::model::Pos| {
        line(text, pos.line.saturating_sub(1)).contains(word.as_str())
    };
    let (id, pos, _) = defined(ids, kinds)
        .into_iter()
        .find(|(id, pos, _)| *id == word && written(*pos))?;
    let line = pos.line.checked_sub(1)?;
    let column = pos.column.saturating_sub(1) as usize;
    Some(Location::new(
        uri.clone(),
        Range::new(
            position(text, line, column),
            position(text, line, column + id.chars().count()),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "findings:\n  - id: F-01\n    title: Slow disk\nstress_tests:\n  - id: T-01\n    name: Peak\nrisks:\n  - id: R-01\n    findings: [F-01]\nobjectives:\n  - title: Fast\n    targets:\n      - metric: p99\n        measured_by: \n";

    #[test]
    fn cited_ids_are_offered_with_their_titles() {
        let labels = |line, column| {
            complete(DOC, DOC, Position::new(line, column))
                .into_iter()
                .map(|c| (c.label, c.detail.unwrap_or_default()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(8, 16),
            [("F-01".to_string(), "Slow disk".to_string())]
        );
        assert_eq!(
            labels(13, 21),
            [
                ("F-01".to_string(), "Slow disk".to_string()),
                ("T-01".to_string(), "Peak".to_string())
            ]
        );
    }

    #[test]
    fn a_cited_id_leads_to_its_item() {
        let uri: Uri = "file:///x/engagement.yaml".parse().expect("uri");
        let found = definition(DOC, DOC, &uri, Position::new(8, 17)).expect("defined");
        assert_eq!(found.range.start, Position::new(1, 8));
        assert_eq!(found.range.end, Position::new(1, 12));
        assert!(definition(DOC, DOC, &uri, Position::new(2, 12)).is_none());
        // While the text does not parse, the ids of its last parse serve.
        let typing = DOC.replace("findings: [F-01]", "findings: [F-01, F-");
        let offered = complete(&typing, DOC, Position::new(8, 23));
        assert_eq!(offered.len(), 1, "{offered:?}");
    }
}
