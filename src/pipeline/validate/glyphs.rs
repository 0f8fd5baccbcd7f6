//! The missing-glyph check: every character of the engagement's text must
//! be drawable with the shipped fonts, or the customer's PDF would show a
//! blank box where it stands. One that no font covers is an error at its
//! position in the YAML, naming the character.

use std::collections::HashSet;

use crate::base::diagnostic::{Code, Diagnostic};
use crate::base::fonts::fonts;
use crate::base::report::ReportKey;
use crate::pipeline::load::Loaded;

/// Every character in the YAML's values that no shipped font can draw;
/// one diagnostic per distinct character, at its first use. Keys and
/// comments are not checked: they are never printed.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let fonts = fonts();
    let mut seen: HashSet<char> = HashSet::new();
    let mut out = Vec::new();
    for scalar in &loaded.scalars {
        for c in scalar.text.chars() {
            if c.is_control() || c.is_whitespace() || !seen.insert(c) || fonts.covers(c) {
                continue;
            }
            let pos = scalar.locate(&loaded.source, c.encode_utf8(&mut [0; 4]));
            let mut d = Diagnostic::error(
                &loaded.file,
                pos,
                format!(
                    "the character `{c}` (U+{:04X}) is in none of the shipped fonts and would print as a blank box",
                    c as u32
                ),
            );
            d.code = Some(Code::Glyph);
            d.reports = ReportKey::ALL.to_vec();
            d.hints
                .push("replace it with text the Noto Sans CJK fonts cover, or remove it".into());
            out.push(d);
        }
    }
    out
}
