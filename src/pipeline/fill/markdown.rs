//! Markdown → Typst markup, with every piece of text escaped.
//!
//! The writer walks pulldown-cmark's events and emits Typst function calls
//! (`#strong[…]`, `#list([…], […])`, `#raw("…")`, …) around escaped text, so
//! the structure comes from the parser and never from the user's characters.

use std::collections::BTreeSet;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::escape;

/// Converts Markdown to Typst markup. Headings in the text are nested
/// `depth` levels below the section that holds it.
/// Images are shown as their text: see [`to_typst_with`].
pub fn to_typst(markdown: &str, depth: u8) -> String {
    let none = BTreeSet::new();
    let images = Images {
        checked: &none,
        unavailable: &none,
        label: "",
    };
    to_typst_with(markdown, depth, images)
}

/// The images a Markdown text may show, by the paths Typst knows them
/// under (see [`crate::pipeline::load::assets::typst_path`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Images<'a> {
    /// The engagement's images: each becomes a numbered figure.
    pub checked: &'a BTreeSet<String>,
    /// Those that cannot be used: a placeholder saying `label` stands in
    /// their place.
    pub unavailable: &'a BTreeSet<String>,
    pub label: &'a str,
}

/// Converts Markdown to Typst markup; an image among `images.checked`
/// becomes a numbered figure (a placeholder when it cannot be used), any
/// other is shown as its text and path.
pub(crate) fn to_typst_with(markdown: &str, depth: u8, images: Images<'_>) -> String {
    let mut writer = Writer {
        images,
        alts: crate::base::model::markdown::images(markdown)
            .into_iter()
            .map(|image| image.alt)
            .collect(),
        image_open: Vec::new(),
        out: String::new(),
        depth,
        last: None,
        pending_space: false,
        text: String::new(),
        code: None,
        links: Vec::new(),
    };
    for event in Parser::new_ext(markdown, crate::base::model::markdown::options()) {
        writer.event(event);
    }
    writer.flush_text();
    writer.out.trim().to_string()
}

struct Writer<'a> {
    /// The images that may be shown.
    images: Images<'a>,
    /// The alternative texts of the images not yet read, in order.
    alts: std::collections::VecDeque<String>,
    /// For each image being read: whether it became a figure.
    image_open: Vec<bool>,
    out: String,
    depth: u8,
    /// The last character of text written, for deciding on soft breaks.
    last: Option<char>,
    /// A soft line break waits to become a space (or nothing, between CJK).
    pending_space: bool,
    /// Text read and not yet written.
    text: String,
    /// The text of the code block being read, if inside one.
    code: Option<String>,
    /// Targets of the links and images being read, innermost last.
    links: Vec<String>,
}

impl Writer<'_> {
    fn event(&mut self, event: Event<'_>) {
        if !matches!(event, Event::Text(_)) {
            self.flush_text();
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                self.flush_space(None);
                self.out.push_str("#raw(");
                self.out.push_str(&escape::shown_string(&code));
                self.out.push_str(");");
                self.last = code.chars().last();
            }
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html),
            Event::SoftBreak => self.pending_space = true,
            Event::HardBreak => {
                self.out.push_str("#linebreak();");
                self.last = None;
            }
            Event::Rule => self.block("#line(length: 100%, stroke: 0.5pt + luma(180))"),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => self.text(&format!("[^{name}]")),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
        }
    }

    /// Opens the Typst markup of the element `tag` begins.
    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.break_block(),
            Tag::Heading { level, .. } => {
                self.break_block();
                let level = self.depth + heading_level(level);
                self.out.push_str(&format!(
                    "#heading(level: {level}, numbering: none, outlined: false)["
                ));
            }
            Tag::BlockQuote(_) => {
                self.break_block();
                self.out.push_str("#quote(block: true)[");
            }
            Tag::CodeBlock(kind) => self.start_code_block(kind),
            Tag::List(first) => {
                self.break_block();
                match first {
                    Some(n) => self.out.push_str(&format!("#enum(start: {n}, ")),
                    None => self.out.push_str("#list("),
                }
            }
            Tag::Item => {
                self.out.push('[');
                self.last = None;
            }
            Tag::Emphasis => self.open_inline("#emph["),
            Tag::Strong => self.open_inline("#strong["),
            Tag::Strikethrough => self.open_inline("#strike["),
            Tag::Link { dest_url, .. } => self.start_link(&dest_url),
            Tag::Image { dest_url, .. } => self.start_image(&dest_url),
            Tag::Table(alignments) => self.start_table(&alignments),
            Tag::TableHead => self.out.push_str("table.header("),
            Tag::TableRow => {}
            Tag::TableCell => {
                self.out.push('[');
                self.last = None;
            }
            _ => {}
        }
    }

    /// Opens a raw block, with its language when the fence names a plain
    /// one; the code itself is written when the block ends.
    fn start_code_block(&mut self, kind: CodeBlockKind<'_>) {
        self.break_block();
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_string),
            CodeBlockKind::Indented => None,
        };
        self.out.push_str("#raw(block: true, ");
        if let Some(lang) = lang.filter(|l| l.chars().all(|c| c.is_ascii_alphanumeric())) {
            self.out.push_str(&format!("lang: \"{lang}\", "));
        }
        // Code text arrives as Text events; it becomes one literal.
        self.code = Some(String::new());
    }

    /// Opens a link to `dest_url`: a clickable one for a safe address,
    /// else literal brackets around its text.
    fn start_link(&mut self, dest_url: &str) {
        self.flush_space(None);
        if is_safe_url(dest_url) {
            self.out
                .push_str(&format!("#link({})[", escape::string(dest_url)));
        } else {
            // Literal brackets, escaped: a bare `[` right after a
            // function call's `]` would become its argument.
            self.out.push_str("\\[");
        }
        self.links.push(dest_url.to_string());
    }

    /// Opens an image of `dest_url`: a figure when it is a checked image,
    /// else its text in literal brackets, followed by its path when it ends.
    fn start_image(&mut self, dest_url: &str) {
        let path = crate::pipeline::load::assets::typst_path(dest_url);
        let alt = self.alts.pop_front().unwrap_or_default();
        if self.images.checked.contains(&path) {
            // A numbered figure with the alternative text as
            // caption; Typst can read no file but the checked ones.
            self.break_block();
            let missing = if self.images.unavailable.contains(&path) {
                format!(", missing: {}", escape::string(self.images.label))
            } else {
                String::new()
            };
            self.out.push_str(&format!(
                "#figure(picture({}, {}{missing}), caption: [",
                escape::string(&path),
                escape::string(alt.trim())
            ));
            self.links.push(String::new());
            self.image_open.push(true);
        } else {
            self.flush_space(None);
            self.out.push_str("\\[");
            self.links.push(dest_url.to_string());
            self.image_open.push(false);
        }
    }

    /// Opens a table with one column per entry of `alignments`, each
    /// aligned as the Markdown asks (left by default).
    fn start_table(&mut self, alignments: &[Alignment]) {
        self.break_block();
        let align: Vec<&str> = alignments
            .iter()
            .map(|a| match a {
                Alignment::Center => "center",
                Alignment::Right => "right",
                Alignment::None | Alignment::Left => "left",
            })
            .collect();
        self.out.push_str(&format!(
            "#table(columns: {}, align: ({},), ",
            alignments.len().max(1),
            align.join(", ")
        ));
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("\n\n"),
            TagEnd::Heading(_) => self.out.push_str("]\n\n"),
            TagEnd::BlockQuote(_) => self.out.push_str("]\n\n"),
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let code = code.strip_suffix('\n').unwrap_or(&code);
                self.out.push_str(&escape::shown_string(code));
                self.out.push_str(")\n\n");
                self.last = None;
            }
            TagEnd::List(_) => self.out.push_str(")\n\n"),
            TagEnd::Item => {
                self.out.push_str("], ");
                self.pending_space = false;
            }
            // The semicolon ends the call, so that punctuation after it
            // (`**x**; y`) is text, not swallowed as the call's end.
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.out.push_str("];"),
            TagEnd::Link => {
                let url = self.links.pop().unwrap_or_default();
                self.out
                    .push_str(if is_safe_url(&url) { "];" } else { "\\]" });
                if !url.is_empty() {
                    self.out.push_str(" (");
                    escape::push_markup(&mut self.out, &url);
                    self.out.push(')');
                }
            }
            TagEnd::Image => {
                let url = self.links.pop().unwrap_or_default();
                if self.image_open.pop().unwrap_or(false) {
                    self.out.push_str("])\n\n");
                    self.last = None;
                } else {
                    self.out.push_str("\\] (");
                    escape::push_markup(&mut self.out, &url);
                    self.out.push(')');
                }
            }
            TagEnd::Table => self.out.push_str(")\n\n"),
            TagEnd::TableHead => self.out.push_str("), "),
            TagEnd::TableCell => {
                self.out.push_str("], ");
                self.pending_space = false;
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(code) = &mut self.code {
            code.push_str(text);
            return;
        }
        if self.text.is_empty() {
            self.flush_space(text.chars().next());
        }
        self.text.push_str(text);
        if let Some(c) = text.chars().last() {
            self.last = Some(c);
        }
    }

    /// Writes the text read since the last other event. The parser may cut
    /// one word into several pieces; escaped whole, a long run gets its
    /// break opportunities.
    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            escape::push_markup(&mut self.out, &self.text);
            self.text.clear();
        }
    }

    fn open_inline(&mut self, call: &str) {
        self.flush_space(None);
        self.out.push_str(call);
    }

    /// Writes a pending soft break: a space, except between two CJK characters.
    fn flush_space(&mut self, next: Option<char>) {
        if !self.pending_space {
            return;
        }
        self.pending_space = false;
        let cjk = |c: Option<char>| c.is_some_and(escape::is_cjk);
        if !(cjk(self.last) && cjk(next)) {
            self.out.push(' ');
        }
    }

    fn break_block(&mut self) {
        self.pending_space = false;
        self.last = None;
        if !self.out.is_empty() && !self.out.ends_with("\n\n") && !self.out.ends_with('[') {
            self.out.push_str("\n\n");
        }
    }

    fn block(&mut self, code: &str) {
        self.break_block();
        self.out.push_str(code);
        self.out.push_str("\n\n");
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Links become clickable only for web and mail addresses.
fn is_safe_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::to_typst;

    #[test]
    fn punctuation_after_emphasis_stays_text() {
        let out = to_typst("answers **35 million requests**; carrier *scans*: on", 0);
        assert!(
            out.contains("#strong[35 million requests];; carrier"),
            "{out}"
        );
        assert!(out.contains("#emph[scans];\\: on"), "{out}");
    }

    #[test]
    fn paragraphs_and_emphasis() {
        assert_eq!(
            to_typst("a *b* **c**\n\nd", 0),
            "a #emph[b]; #strong[c];\n\nd"
        );
    }

    #[test]
    fn soft_breaks_vanish_between_cjk() {
        assert_eq!(to_typst("中文\n段落", 0), "中文段落");
        assert_eq!(to_typst("one\ntwo", 0), "one two");
    }

    #[test]
    fn code_is_a_string_literal() {
        let out = to_typst("```\n#set page(width: 1cm)\n```", 0);
        assert_eq!(out, "#raw(block: true, \"#set page(width: 1cm)\")");
    }

    #[test]
    fn headings_nest_under_the_field() {
        assert!(to_typst("# Title", 2).starts_with("#heading(level: 3,"));
    }
}
