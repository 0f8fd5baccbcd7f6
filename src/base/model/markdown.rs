//! How dossier reads the Markdown fields: CommonMark with tables,
//! strikethrough and task lists. Every stage that parses them (the asset
//! checks, the writer of Typst markup) uses the same options, so that they
//! see the same images.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Where the Markdown fields stand in an engagement file, as their keys
/// (sequence positions left out): the fields
/// [`Engagement::markdown_fields`](super::Engagement::markdown_fields)
/// returns, by position in the YAML.
pub const MARKDOWN_FIELDS: &[&str] = &[
    "objectives.detail",
    "survey.business",
    "survey.architecture",
    "survey.analysis",
    "findings.description",
    "findings.root_cause",
    "findings.recommendation",
    "stress_tests.conclusion",
    "solutions.description",
];

/// The Markdown extensions dossier reads.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// An image of a Markdown text (`![alt](dest)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Where it points, as written.
    pub dest: String,
    /// Its alternative text, as plain text.
    pub alt: String,
}

/// The images in `markdown`, in order.
pub fn images(markdown: &str) -> Vec<Image> {
    let mut images = Vec::new();
    let mut open: Option<Image> = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some(Image {
                    dest: dest_url.to_string(),
                    alt: String::new(),
                });
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(image) = open.as_mut() {
                    image.alt.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(image) = open.as_mut() {
                    image.alt.push(' ');
                }
            }
            Event::End(TagEnd::Image) => images.extend(open.take()),
            _ => {}
        }
    }
    images
}
