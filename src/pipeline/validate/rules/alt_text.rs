//! Every image has a text alternative: what a screen reader says in its
//! place, and what the accessible (PDF/UA-1) finals require. An image
//! without one is a step not yet taken: the reports that show it stay
//! drafts until it is written.

use super::{RuleId, reports_of};
use crate::base::diagnostic::Code;
use crate::base::model::Pos;
use crate::base::model::markdown::{MARKDOWN_FIELDS, images};
use crate::base::report::ReportKey;
use crate::pipeline::validate::{Input, Sink};

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    let e = input.e;
    let figures = e
        .survey
        .diagrams
        .iter()
        .map(|f| (f, ReportKey::Survey))
        .chain(
            e.findings
                .iter()
                .flat_map(|f| &f.evidence)
                .map(|f| (f, ReportKey::Service)),
        );
    for (figure, report) in figures {
        if is_blank(figure.alt.as_deref()) {
            missing(sink, figure.path.pos, &figure.path.value, &[report]).hint(format!(
                "add `alt:` beside `path: {}`: what the image shows, in a sentence or two",
                figure.path.value
            ));
        }
    }
    let markdown = input
        .scalars
        .iter()
        .filter(|s| MARKDOWN_FIELDS.iter().any(|f| s.is_at(f)));
    for field in markdown {
        let section = field.path.first().map(String::as_str).unwrap_or_default();
        for image in images(&field.text) {
            if is_blank(Some(&image.alt)) {
                let pos =
                    crate::pipeline::load::assets::image_pos(field, input.source, &image.dest);
                missing(sink, pos, &image.dest, reports_of(section)).hint(format!(
                    "write what the image shows between the brackets: `![…]({})`",
                    image.dest
                ));
            }
        }
    }
}

fn is_blank(alt: Option<&str>) -> bool {
    alt.is_none_or(|a| a.trim().is_empty())
}

/// Records a missing alternative text for the image at `path`, keeping
/// `reports` drafts.
fn missing<'s>(
    sink: &'s mut Sink<'_>,
    pos: Pos,
    path: &str,
    reports: &[ReportKey],
) -> &'s mut crate::base::diagnostic::Diagnostic {
    let diagnostic = sink
        .report(
            RuleId::AltText,
            Code::AltMissing,
            pos,
            format!("the image `{path}` has no alternative text"),
        )
        .arg("path", path)
        .pending(RuleId::AltText);
    diagnostic.reports = reports.to_vec();
    diagnostic
}
