//! Positions in an editor's text: LSP counts columns in UTF-16 code units,
//! dossier in characters; and what stands at the cursor, read from the
//! lines themselves, so that it is known while the file is half-typed and
//! does not parse.

use lsp_types::{Position, Range};

use crate::base::model::Pos;

/// Line `line` (from 0) of `text`, without its line break.
pub(super) fn line(text: &str, line: u32) -> &str {
    text.split('\n')
        .nth(line as usize)
        .map_or("", |l| l.strip_suffix('\r').unwrap_or(l))
}

/// The LSP position of the character `column` (from 0) of line `line`.
pub(super) fn position(text: &str, line: u32, column: usize) -> Position {
    let utf16 = self::line(text, line)
        .chars()
        .take(column)
        .map(char::len_utf16)
        .sum::<usize>();
    Position::new(line, utf16 as u32)
}

/// The character column (from 0) of an LSP position.
pub(super) fn column(text: &str, at: Position) -> usize {
    let mut units = 0;
    for (i, c) in line(text, at.line).chars().enumerate() {
        if units >= at.character as usize {
            return i;
        }
        units += c.len_utf16();
    }
    line(text, at.line).chars().count()
}

/// The range of `chars` characters from a dossier position (counted from
/// 1); the first line when the position is unknown.
pub(super) fn range(text: &str, pos: Pos, chars: usize) -> Range {
    if pos.line == 0 {
        return Range::new(position(text, 0, 0), position(text, 0, usize::MAX));
    }
    let (line, start) = (pos.line - 1, pos.column.saturating_sub(1) as usize);
    Range::new(
        position(text, line, start),
        position(text, line, start + chars),
    )
}

/// The characters that can make up an id or a key.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The word (an id, a key, an enum value) around the cursor, with its
/// first and last character columns, and the part of it before the cursor.
pub(super) fn word_at(text: &str, at: Position) -> (String, usize, usize, usize) {
    let chars: Vec<char> = line(text, at.line).chars().collect();
    let cursor = column(text, at).min(chars.len());
    let start = (0..cursor)
        .rev()
        .take_while(|i| is_word(chars[*i]))
        .last()
        .unwrap_or(cursor);
    let end = (cursor..chars.len())
        .take_while(|i| is_word(chars[*i]))
        .last()
        .map_or(cursor, |i| i + 1);
    (chars[start..end].iter().collect(), start, cursor, end)
}

/// One line of a block-style YAML document, as far as the path of keys
/// is concerned.
struct Shape<'a> {
    /// The column of its first character that is not a space.
    indent: usize,
    /// The column of its content after any `- ` list markers.
    content: usize,
    /// The key it starts with, if it starts with `key:`.
    key: Option<&'a str>,
    /// The column just after that key's colon.
    colon: usize,
}

fn shape(line: &str) -> Option<Shape<'_>> {
    let trimmed = line.trim_start_matches(' ');
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let indent = line.len() - trimmed.len();
    let mut rest = trimmed;
    let mut content = indent;
    while let Some(after) = rest
        .strip_prefix("- ")
        .or(rest.strip_prefix('-').filter(|r| r.is_empty()))
    {
        let spaces = after.len() - after.trim_start_matches(' ').len();
        content += 1 + (rest.len() - after.len() - 1) + spaces;
        rest = &after[spaces..];
    }
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let after_name = &rest[name_end..];
    let key = (name_end > 0
        && after_name.starts_with(':')
        && (after_name.len() == 1 || after_name[1..].starts_with([' ', '\t'])))
    .then(|| &rest[..name_end]);
    Some(Shape {
        indent,
        content,
        key,
        colon: content + name_end + 1,
    })
}

/// Where the cursor is, as a path of keys from the top of the document
/// (list positions left out): on a key (`on_key`), or in the value of the
/// last key of `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    /// The keys above the cursor, outermost first; for a cursor on a key,
    /// that key last.
    pub path: Vec<String>,
    /// Whether the cursor is on the key itself rather than in a value.
    pub on_key: bool,
}

/// The place of the cursor at `at` in `text`, read from indentation
/// (block-style YAML, as engagement files are written).
pub(super) fn place(text: &str, at: Position) -> Place {
    let lines: Vec<&str> = text
        .split('\n')
        .take(at.line as usize + 1)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let current = lines.get(at.line as usize).copied().unwrap_or_default();
    let cursor = column(text, at);
    let mut path = Vec::new();
    let mut on_key = false;
    let mut limit = match shape(current) {
        Some(s) => {
            if let Some(key) = s.key {
                on_key = cursor < s.colon;
                path.push(key.to_string());
            }
            // A list item's parent may stand at the item's own column.
            match s.key {
                Some(_) => s.content,
                None if s.content > s.indent => s.indent + 1,
                None => s.indent,
            }
        }
        None => cursor,
    };
    if let Some(key) = flow_key(current, cursor) {
        path.push(key);
        on_key = false;
    }
    for above in (0..lines.len().min(at.line as usize)).rev() {
        if limit == 0 {
            break;
        }
        let Some(s) = shape(lines[above]) else {
            continue;
        };
        if let Some(key) = s.key.filter(|_| s.content < limit) {
            path.insert(0, key.to_string());
            limit = s.content;
        }
    }
    Place { path, on_key }
}

/// The key of a flow mapping (`{ item: x, evidence: [F-01, F-` ) whose
/// value the cursor is in, on its line.
fn flow_key(line: &str, cursor: usize) -> Option<String> {
    let before: String = line.chars().take(cursor).collect();
    let inside = &before[before.rfind('{')? + 1..];
    let mut key = None;
    let mut word = String::new();
    let mut chars = inside.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if c == ':' && !word.is_empty() && chars.peek().is_none_or(|n| *n == ' ') {
            key = Some(std::mem::take(&mut word));
        }
        word.clear();
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "engagement:\n  id: X-1\nfindings:\n  - id: F-01\n    evidence:\n      - path: a.png\n        alt: A\nobjectives:\n- title: T\n  verdict:\n    evidence:\n    - F-0\n    outcome: met\nrisks:\n  - id: R-1\n    findings: [F-01, F-]\n";

    fn at(line: u32, column: u32) -> Place {
        place(DOC, Position::new(line, column))
    }

    #[test]
    fn the_path_of_keys_is_read_from_indentation() {
        assert_eq!(at(1, 3).path, ["engagement", "id"]);
        assert!(at(1, 3).on_key);
        assert!(!at(1, 7).on_key);
        assert_eq!(at(5, 9).path, ["findings", "evidence", "path"]);
        assert_eq!(at(6, 9).path, ["findings", "evidence", "alt"]);
        assert_eq!(at(11, 8).path, ["objectives", "verdict", "evidence"]);
        assert_eq!(at(12, 5).path, ["objectives", "verdict", "outcome"]);
        assert_eq!(at(15, 22).path, ["risks", "findings"]);
        assert_eq!(at(3, 5).path, ["findings", "id"]);
        let flow = "acceptance:\n  items:\n    - { item: health-check, evidence: [F-01, F-";
        assert_eq!(
            place(flow, Position::new(2, 47)).path,
            ["acceptance", "items", "evidence"]
        );
    }

    #[test]
    fn columns_are_counted_in_utf16_units() {
        let text = "a: 測😀x\n";
        assert_eq!(position(text, 0, 5), Position::new(0, 6));
        assert_eq!(column(text, Position::new(0, 6)), 5);
        assert_eq!(word_at("x: [F-01, F-0]", Position::new(0, 13)).0, "F-0");
    }
}
