//! How dossier reads the Markdown fields: CommonMark with tables,
//! strikethrough and task lists. Every stage that parses them (the asset
//! checks, the writer of Typst markup) uses the same options, so that they
//! see the same images.

use pulldown_cmark::{Event, Options, Parser, Tag};

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

/// The destinations of the images in `markdown`, in order.
pub fn images(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, options())
        .filter_map(|event| match event {
            Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}
