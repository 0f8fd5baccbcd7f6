//! `check`'s diagnostics as the editor shows them: at the range of the
//! value, the rule as the code with a link to its page in the guide, the
//! help as related information, and the mechanical fix, if any, as data
//! for a code action.

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic as Shown, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Range, TextEdit, Uri, WorkspaceEdit,
};
use serde::{Deserialize, Serialize};

use super::text::{line, position, range};
use crate::base::diagnostic::{Diagnostic, Severity, value_extent};
use crate::ops::check::CheckedEngagement;

/// The fix a diagnostic carries to the editor, to come back with a
/// request for code actions.
#[derive(Debug, Serialize, Deserialize)]
struct FixData {
    title: String,
    range: Range,
    text: String,
}

/// The diagnostics of `checked`, the check of `text`, as the editor of
/// `uri` shows them; rule pages are found under `guide`.
pub(super) fn shown(text: &str, uri: &Uri, checked: &CheckedEngagement, guide: &str) -> Vec<Shown> {
    checked
        .diagnostics
        .iter()
        .map(|d| one(text, uri, d, guide))
        .collect()
}

fn one(text: &str, uri: &Uri, d: &Diagnostic, guide: &str) -> Shown {
    let pos = d.position();
    let chars = if pos.line == 0 {
        usize::MAX
    } else {
        let rest: String = line(text, pos.line - 1)
            .chars()
            .skip(pos.column.saturating_sub(1) as usize)
            .collect();
        rest[..value_extent(&rest).min(rest.len())]
            .chars()
            .count()
            .max(1)
    };
    let at = range(text, pos, chars);
    // A warning that keeps reports drafts is a step not yet taken.
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning if !d.reports.is_empty() => DiagnosticSeverity::INFORMATION,
        Severity::Warning => DiagnosticSeverity::WARNING,
    };
    let mut related: Vec<DiagnosticRelatedInformation> = d
        .hints
        .iter()
        .map(|hint| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), at),
            message: format!("help: {hint}"),
        })
        .collect();
    if !d.reports.is_empty() {
        let reports: Vec<&str> = d.reports.iter().map(|r| r.key()).collect();
        related.push(DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), at),
            message: format!("keeps {} from being final", reports.join(", ")),
        });
    }
    let fix = d.fix.as_ref().and_then(|fix| {
        let line_no = fix.pos.line.checked_sub(1)?;
        let column = fix.pos.column.saturating_sub(1) as usize;
        let written: String = line(text, line_no).chars().skip(column).collect();
        written.starts_with(&fix.remove).then(|| FixData {
            title: fix.title.clone(),
            range: Range::new(
                position(text, line_no, column),
                position(text, line_no, column + fix.remove.chars().count()),
            ),
            text: fix.insert.clone(),
        })
    });
    Shown {
        range: at,
        severity: Some(severity),
        code: d.rule.map(|r| NumberOrString::String(r.id().to_string())),
        code_description: d.rule.and_then(|r| {
            Some(CodeDescription {
                href: format!("{guide}#{}", r.id()).parse().ok()?,
            })
        }),
        source: Some("dossier".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: fix.and_then(|f| serde_json::to_value(f).ok()),
    }
}

/// The code actions of the diagnostics the editor sends back: each one's
/// fix, as an edit of `uri`.
pub(super) fn actions(uri: &Uri, diagnostics: &[Shown]) -> Vec<CodeAction> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let fix: FixData = serde_json::from_value(d.data.clone()?).ok()?;
            let edit = TextEdit::new(fix.range, fix.text);
            Some(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit::new(
                    [(uri.clone(), vec![edit])].into_iter().collect(),
                )),
                is_preferred: Some(true),
                ..CodeAction::default()
            })
        })
        .collect()
}
