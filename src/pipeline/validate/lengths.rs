//! The length check: every text field has a limit, by what it holds, so
//! that no engagement asks for unbounded typesetting work. A value past its
//! field's limit is an error at its position that stops the engagement
//! before anything is laid out; the limits are listed in the guide's
//! reference.

use crate::base::diagnostic::{Code, Diagnostic};
use crate::base::report::ReportKey;
use crate::base::scalars::Scalar;
use crate::pipeline::load::Loaded;

/// What a text field holds, which sets how long it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// A name, an id, a role, a unit, a status: a few words in a table cell.
    Label,
    /// A title, a topic, a path, a reference: a heading or a table row.
    Title,
    /// A plain-text paragraph: a note, a reason, a piece of evidence.
    Paragraph,
    /// A Markdown text: pages of prose, lists and tables.
    Prose,
}

impl Length {
    /// The most characters (Unicode scalar values) a value may have.
    pub const fn limit(self) -> usize {
        match self {
            Length::Label => 120,
            Length::Title => 300,
            Length::Paragraph => 2_000,
            Length::Prose => 40_000,
        }
    }

    /// What the field is called in the error, after "a" or "an".
    fn noun(self) -> &'static str {
        match self {
            Length::Label => "short field (a name, an id, a label)",
            Length::Title => "title or one-line item",
            Length::Paragraph => "one-paragraph field",
            Length::Prose => "Markdown text",
        }
    }

    /// What to do instead of writing more.
    fn hint(self) -> &'static str {
        match self {
            Length::Label => {
                "keep it to a few words; longer text belongs in the item's description or notes"
            }
            Length::Title => {
                "keep it to a line or two; the detail belongs in the item's description"
            }
            Length::Paragraph => {
                "keep it to one paragraph; put longer text in a Markdown field, or raw output in an evidence image"
            }
            Length::Prose => {
                "split it over the items it is about; raw logs and dumps belong in evidence images, not in the text"
            }
        }
    }
}

/// Every text field of an engagement file, by its keys (list positions left
/// out; `*` stands for any one key), with what it holds. A field not listed
/// is held to [`Length::Paragraph`].
pub const FIELDS: &[(&str, Length)] = &[
    ("acceptance.console.reference", Length::Title),
    ("acceptance.items", Length::Label),
    ("acceptance.items.evidence", Length::Label),
    ("acceptance.items.item", Length::Title),
    ("acceptance.open_items.description", Length::Paragraph),
    ("acceptance.open_items.owner", Length::Label),
    ("acceptance.signoff.by", Length::Label),
    ("acceptance.signoff.file", Length::Title),
    ("acceptance.signoff.method", Length::Label),
    ("acceptance.signoff.reference", Length::Title),
    ("acceptance.signoff.title", Length::Label),
    ("acceptance.signoff.version", Length::Label),
    ("acceptance.undelivered.agreed_by.customer", Length::Label),
    ("acceptance.undelivered.agreed_by.provider", Length::Label),
    ("acceptance.undelivered.decision", Length::Label),
    ("acceptance.undelivered.item", Length::Title),
    ("acceptance.undelivered.reason", Length::Paragraph),
    ("acceptance.undelivered.topic", Length::Title),
    ("calendar.holidays.name", Length::Label),
    ("calendar.region", Length::Label),
    ("calendar.workdays.name", Length::Label),
    ("enablement.audience", Length::Title),
    ("enablement.consulting_topics", Length::Title),
    ("enablement.format", Length::Label),
    ("enablement.id", Length::Label),
    ("enablement.presenter", Length::Label),
    ("enablement.topic", Length::Title),
    ("engagement.accepted.by", Length::Label),
    ("engagement.accepted.note", Length::Paragraph),
    ("engagement.classification", Length::Label),
    ("engagement.contract.reference", Length::Label),
    ("engagement.contract.title", Length::Title),
    ("engagement.customer.contacts.email", Length::Label),
    ("engagement.customer.contacts.name", Length::Label),
    ("engagement.customer.contacts.phone", Length::Label),
    ("engagement.customer.contacts.role", Length::Label),
    ("engagement.customer.name", Length::Label),
    ("engagement.distribution", Length::Paragraph),
    ("engagement.id", Length::Label),
    ("engagement.packages", Length::Title),
    ("engagement.provider.brand.accent", Length::Label),
    ("engagement.provider.brand.logo", Length::Title),
    ("engagement.provider.community", Length::Title),
    ("engagement.provider.marketplace", Length::Title),
    ("engagement.provider.name", Length::Label),
    ("engagement.provider.team.email", Length::Label),
    ("engagement.provider.team.name", Length::Label),
    ("engagement.provider.team.phone", Length::Label),
    ("engagement.provider.team.role", Length::Label),
    ("engagement.residency.location", Length::Title),
    ("engagement.termination.by", Length::Label),
    ("engagement.termination.note", Length::Paragraph),
    ("engagement.termination.reason", Length::Paragraph),
    ("engagement.title", Length::Title),
    ("exceptions.agreed_by.customer", Length::Label),
    ("exceptions.agreed_by.provider", Length::Label),
    ("exceptions.evidence", Length::Paragraph),
    ("exceptions.rule", Length::Label),
    ("exceptions.solution", Length::Label),
    ("exceptions.what", Length::Paragraph),
    ("findings.consulting_topics", Length::Title),
    ("findings.description", Length::Prose),
    ("findings.evidence.alt", Length::Paragraph),
    ("findings.evidence.caption", Length::Title),
    ("findings.evidence.path", Length::Title),
    ("findings.excluded", Length::Label),
    ("findings.id", Length::Label),
    ("findings.owner", Length::Label),
    ("findings.product", Length::Label),
    ("findings.recommendation", Length::Prose),
    ("findings.retests.accepted_by", Length::Label),
    ("findings.retests.by", Length::Label),
    ("findings.retests.evidence", Length::Paragraph),
    ("findings.retests.reason", Length::Paragraph),
    ("findings.retests.result", Length::Label),
    ("findings.root_cause", Length::Prose),
    ("findings.scenario", Length::Title),
    ("findings.severity", Length::Label),
    ("findings.status", Length::Label),
    ("findings.title", Length::Title),
    ("history.author", Length::Label),
    ("history.change", Length::Paragraph),
    ("history.reports", Length::Label),
    ("history.version", Length::Label),
    ("locale", Length::Label),
    ("objectives.detail", Length::Prose),
    ("objectives.targets.comparison", Length::Label),
    ("objectives.targets.earlier.measured_by", Length::Label),
    ("objectives.targets.measured_by", Length::Label),
    ("objectives.targets.metric", Length::Title),
    ("objectives.targets.unit", Length::Label),
    ("objectives.title", Length::Title),
    ("objectives.verdict.evidence", Length::Label),
    ("objectives.verdict.outcome", Length::Label),
    ("objectives.verdict.reason", Length::Paragraph),
    ("plan.confirmation", Length::Label),
    ("plan.confirmed_by", Length::Label),
    ("plan.milestones.name", Length::Title),
    ("plan.milestones.owner", Length::Label),
    ("plan.phases.*.activity", Length::Title),
    ("plan.phases.*.id", Length::Label),
    ("plan.phases.*.notes", Length::Paragraph),
    ("plan.phases.*.owner", Length::Label),
    ("risks.description", Length::Paragraph),
    ("risks.findings", Length::Label),
    ("risks.id", Length::Label),
    ("risks.mitigation", Length::Paragraph),
    ("risks.owner", Length::Label),
    ("scope.excluded.category", Length::Title),
    ("scope.excluded.reason", Length::Paragraph),
    ("scope.excluded.request", Length::Title),
    ("scope.scenarios", Length::Title),
    ("scope.topics", Length::Title),
    ("security.authorised_by", Length::Label),
    ("security.items.kind", Length::Label),
    ("security.items.notes", Length::Paragraph),
    ("security.items.status", Length::Label),
    ("security.items.title", Length::Title),
    ("solutions.consulting_topics", Length::Title),
    ("solutions.declined_reason", Length::Paragraph),
    ("solutions.description", Length::Prose),
    ("solutions.findings", Length::Label),
    ("solutions.id", Length::Label),
    ("solutions.status", Length::Label),
    ("solutions.title", Length::Title),
    ("stress_tests.conclusion", Length::Prose),
    ("stress_tests.id", Length::Label),
    ("stress_tests.name", Length::Title),
    ("stress_tests.target", Length::Title),
    ("stress_tests.throughput_unit", Length::Label),
    ("stress_tests.tool", Length::Label),
    ("survey.analysis", Length::Prose),
    ("survey.architecture", Length::Prose),
    ("survey.business", Length::Prose),
    ("survey.diagrams.alt", Length::Paragraph),
    ("survey.diagrams.caption", Length::Title),
    ("survey.diagrams.path", Length::Title),
    ("survey.resources.notes", Length::Paragraph),
    ("survey.resources.product", Length::Label),
    ("survey.resources.region", Length::Label),
    ("survey.resources.spec", Length::Title),
];

/// What the field at `path` (keys, list positions left out) holds.
pub fn length_of(path: &[String]) -> Length {
    FIELDS
        .iter()
        .find(|(dotted, _)| matches(dotted, path))
        .map_or(Length::Paragraph, |(_, length)| *length)
}

/// Whether `path` is the field `dotted`, whose `*` stands for any one key.
fn matches(dotted: &str, path: &[String]) -> bool {
    dotted.split('.').count() == path.len()
        && path
            .iter()
            .zip(dotted.split('.'))
            .all(|(key, part)| part == "*" || part == key)
}

/// Every value longer than its field allows, at its position: one error
/// each, for every report (the engagement is not laid out at all).
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    loaded
        .scalars
        .iter()
        .filter_map(|scalar| too_long(loaded, scalar))
        .collect()
}

fn too_long(loaded: &Loaded, scalar: &Scalar) -> Option<Diagnostic> {
    let length = length_of(&scalar.path);
    let limit = length.limit();
    // Counting stops past the limit: an over-long value costs no more
    // than one at the limit.
    scalar.text.chars().nth(limit)?;
    let count = scalar.text.chars().count();
    let mut d = Diagnostic::error(
        &loaded.file,
        scalar.pos,
        format!(
            "`{}` is {} characters long; a {} may have at most {}",
            scalar.shown,
            thousands(count),
            length.noun(),
            thousands(limit)
        ),
    );
    d.code = Some(Code::TooLong);
    d.reports = ReportKey::ALL.to_vec();
    d.hints.push(length.hint().into());
    Some(d)
}

/// `n` with a comma between thousands: `40,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(dotted: &str) -> Vec<String> {
        dotted.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn fields_are_found_by_their_keys() {
        assert_eq!(length_of(&keys("findings.title")), Length::Title);
        assert_eq!(length_of(&keys("survey.business")), Length::Prose);
        assert_eq!(
            length_of(&keys("plan.phases.inspection.notes")),
            Length::Paragraph
        );
        assert_eq!(length_of(&keys("plan.phases.inspection.id")), Length::Label);
        assert_eq!(length_of(&keys("findings")), Length::Paragraph);
        assert_eq!(length_of(&keys("findings.title.extra")), Length::Paragraph);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(120), "120");
        assert_eq!(thousands(2000), "2,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    /// Every text field of the schema is listed, and every entry is one.
    #[test]
    fn every_text_field_of_the_schema_is_listed() {
        let schema: serde_json::Value =
            serde_json::from_str(&crate::base::schema::json_schema()).unwrap();
        let mut fields = std::collections::BTreeSet::new();
        text_fields(&schema, &schema, &mut Vec::new(), &mut fields, 0);
        let markdown = crate::base::model::markdown::MARKDOWN_FIELDS;
        for path in &fields {
            let listed = FIELDS
                .iter()
                .find(|(dotted, _)| matches(dotted, &keys(path)));
            let Some((_, length)) = listed else {
                panic!("the text field `{path}` has no length in FIELDS");
            };
            let is_markdown = markdown.contains(&path.as_str());
            assert_eq!(is_markdown, *length == Length::Prose, "{path}");
        }
        for (dotted, _) in FIELDS {
            assert!(
                fields.iter().any(|path| matches(dotted, &keys(path))),
                "`{dotted}` in FIELDS is no text field of the schema"
            );
        }
    }

    /// The dotted paths of the string values under `node`.
    fn text_fields(
        root: &serde_json::Value,
        node: &serde_json::Value,
        path: &mut Vec<String>,
        out: &mut std::collections::BTreeSet<String>,
        depth: usize,
    ) {
        assert!(depth < 40, "the schema nests deeper than expected");
        if let Some(name) = node.get("$ref").and_then(|r| r.as_str()) {
            let name = name.rsplit('/').next().unwrap();
            let target = &root["definitions"][name];
            return text_fields(root, target, path, out, depth + 1);
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            for sub in node
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                text_fields(root, sub, path, out, depth + 1);
            }
        }
        if let Some(properties) = node.get("properties").and_then(|p| p.as_object()) {
            for (key, value) in properties {
                path.push(key.clone());
                text_fields(root, value, path, out, depth + 1);
                path.pop();
            }
        }
        if let Some(items) = node.get("items").filter(|i| i.is_object()) {
            text_fields(root, items, path, out, depth + 1);
        }
        let types = match node.get("type") {
            Some(serde_json::Value::String(t)) => vec![t.as_str()],
            Some(serde_json::Value::Array(ts)) => ts.iter().filter_map(|t| t.as_str()).collect(),
            _ => Vec::new(),
        };
        // Dates, enumerations and patterns are refused past a few
        // characters already.
        let free = ["format", "enum", "pattern"]
            .iter()
            .all(|key| node.get(key).is_none());
        if types.contains(&"string") && free && !path.is_empty() {
            out.insert(path.join("."));
        }
    }
}
