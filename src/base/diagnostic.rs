//! Diagnostics as data: collected where they arise, rendered once at the edge.

use std::fmt;
use std::path::PathBuf;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

pub use crate::base::code::{Code, RuleId, Severity};
use crate::base::model::Pos;
use crate::base::report::ReportKey;

/// One problem with an engagement, pointing at where it was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The rule that raised it, if a rule did.
    pub rule: Option<RuleId>,
    /// The clause of the statement of work the rule enforces, e.g. `§3.1.2`.
    pub clause: Option<&'static str>,
    /// What kind of problem this is; names its wording in the catalogues.
    #[serde(skip)]
    pub code: Option<Code>,
    /// Values the wording refers to, by name.
    #[serde(skip)]
    pub args: Vec<(&'static str, String)>,
    /// The reports this problem keeps from being final.
    pub reports: Vec<ReportKey>,
    /// The file it is about.
    pub file: PathBuf,
    /// Where in the file; `0:0` when the file as a whole is meant.
    #[serde(flatten)]
    pub pos: PosJson,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hints: Vec<String>,
    /// The edit that fixes it, when one follows mechanically from the
    /// hint (a misspelt key, value or id; a missing key).
    #[serde(skip)]
    pub fix: Option<Fix>,
}

/// An edit of the engagement file that fixes a diagnostic: `remove`, the
/// text written at `pos`, is replaced by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the edit does, for a person choosing it: ``replace `titel`
    /// with `title` ``.
    pub title: String,
    /// Where the edit starts.
    pub pos: Pos,
    /// The text at `pos` the edit removes; empty for an insertion.
    pub remove: String,
    /// The text it writes there.
    pub insert: String,
}

impl Fix {
    /// Writes `with` in place of `text`, written at `pos`.
    pub(crate) fn replace(pos: Pos, text: &str, with: &str) -> Self {
        Self {
            title: format!("replace `{text}` with `{with}`"),
            pos,
            remove: text.to_string(),
            insert: with.to_string(),
        }
    }
}

/// `diagnostics` grouped by the rule that raised them (none for problems
/// no rule names), the groups in the order their rules first appear.
pub fn by_rule<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
) -> Vec<(Option<RuleId>, Vec<&'a Diagnostic>)> {
    let mut groups: Vec<(Option<RuleId>, Vec<&Diagnostic>)> = Vec::new();
    for d in diagnostics {
        match groups.iter_mut().find(|(rule, _)| *rule == d.rule) {
            Some((_, group)) => group.push(d),
            None => groups.push((d.rule, vec![d])),
        }
    }
    groups
}

/// A diagnostic as its JSON shape holds it: the clause follows from the
/// rule, and the catalogue wording (code and arguments) is not kept.
#[derive(serde::Deserialize)]
struct Stored {
    severity: Severity,
    rule: Option<RuleId>,
    reports: Vec<ReportKey>,
    file: PathBuf,
    #[serde(flatten)]
    pos: PosJson,
    message: String,
    hints: Vec<String>,
}

impl<'de> serde::Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Stored::deserialize(deserializer)?;
        Ok(Self {
            severity: s.severity,
            rule: s.rule,
            clause: s.rule.and_then(RuleId::clause),
            code: None,
            args: Vec::new(),
            reports: s.reports,
            file: s.file,
            pos: s.pos,
            message: s.message,
            hints: s.hints,
            fix: None,
        })
    }
}

/// The JSON shape of a position: `line` and `column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PosJson {
    /// Line, counted from 1; 0 when unknown.
    pub line: u32,
    /// Column in characters, counted from 1; 0 when unknown.
    pub column: u32,
}

impl Diagnostic {
    /// An error about `file` at `pos`.
    pub fn error(file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            rule: None,
            clause: None,
            code: None,
            args: Vec::new(),
            reports: Vec::new(),
            file: file.into(),
            pos: PosJson {
                line: pos.line,
                column: pos.column,
            },
            message: message.into(),
            hints: Vec::new(),
            fix: None,
        }
    }

    /// Adds a hint on how to fix the problem.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds the edit that fixes the problem.
    pub(crate) fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The position as a model position.
    pub fn position(&self) -> Pos {
        Pos {
            line: self.pos.line,
            column: self.pos.column,
        }
    }

    /// `file:line:column`, or just the file when the position is unknown.
    pub fn location(&self) -> String {
        let pos = self.position();
        if pos.is_known() {
            format!("{}:{}", self.file.display(), pos)
        } else {
            self.file.display().to_string()
        }
    }

    /// Renders the diagnostic like rustc: message, location, the source line
    /// with a caret under the value, and hints. `source` is the file's text.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = match (self.rule, self.clause) {
            (Some(rule), Some(clause)) => format!("{} [{rule}, {clause}]", self.message),
            (Some(rule), None) => format!("{} [{rule}]", self.message),
            _ => self.message.clone(),
        };
        let path = self.file.display().to_string();
        let pos = self.position();
        let mut group = Group::with_title(level.primary_title(&title));
        match source.filter(|_| pos.is_known()) {
            Some(text) => {
                let (excerpt, first_line, span) = excerpt(text, pos);
                group = group.element(
                    Snippet::source(excerpt)
                        .line_start(first_line)
                        .path(&path)
                        .annotation(AnnotationKind::Primary.span(span)),
                );
            }
            None => {
                group = group.element(annotate_snippets::Origin::path(&path));
            }
        }
        for hint in &self.hints {
            group = group.element(Level::HELP.message(hint));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.decor_style(DecorStyle::Ascii).render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            self.severity,
            self.message
        )?;
        if let Some(rule) = self.rule {
            write!(f, " [{rule}]")?;
        }
        Ok(())
    }
}

/// The line holding `pos` (with one line of context before it), the number
/// of its first line, and the byte range of the value under `pos` within it.
fn excerpt(text: &str, pos: Pos) -> (&str, usize, std::ops::Range<usize>) {
    let target = pos.line as usize;
    let first = target.saturating_sub(1).max(1);
    let mut start = 0;
    let mut line_no = 1;
    let mut target_start = None;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        if c != '\n' {
            continue;
        }
        line_no += 1;
        if line_no == first {
            start = i + 1;
        }
        if line_no == target {
            target_start = Some(i + 1);
        }
        if line_no == target + 1 {
            end = i;
            break;
        }
    }
    let target_start = match target_start {
        Some(s) => s,
        None if target <= 1 => 0,
        None => return (text, 1, text.len()..text.len()),
    };
    let line = &text[target_start..end];
    let col_byte = line
        .char_indices()
        .nth((pos.column as usize).saturating_sub(1))
        .map(|(b, _)| b)
        .unwrap_or(line.len());
    let value_len = value_extent(&line[col_byte..]);
    let at = target_start - start + col_byte;
    (&text[start..end], first, at..at + value_len)
}

/// How many bytes of `rest`, the rest of a line from where a value
/// starts, make up the scalar that starts it.
pub(crate) fn value_extent(rest: &str) -> usize {
    let rest = rest.trim_end();
    if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        return rest[1..].find(quote).map_or(rest.len(), |end| end + 2);
    }
    let mut end = rest.len();
    for stop in [": ", " #", ",", "]", "}"] {
        if let Some(at) = rest.find(stop) {
            end = end.min(at);
        }
    }
    if rest.ends_with(':') && end == rest.len() {
        end -= 1;
    }
    // At least the character the value starts with, if any.
    let first = rest.chars().next().map_or(0, char::len_utf8);
    end.max(first)
}
