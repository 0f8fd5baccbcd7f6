//! Where the engagement names its images, and which reports print each.

use crate::base::model::Spanned;
use crate::base::model::markdown::MARKDOWN_FIELDS;
use crate::base::report::{ReportKey, printed_by};

use super::Loaded;

/// Every image path the engagement names: figures, and images inside its
/// Markdown fields (`![caption](path)`), each with its position in the YAML.
pub fn paths(loaded: &Loaded) -> Vec<Spanned<String>> {
    printed(loaded).into_iter().map(|(path, _)| path).collect()
}

/// [`paths`], each with the reports that print the image: the logo on
/// every cover, a diagram where the survey is shown, an image in a
/// Markdown field where its section is.
pub(super) fn printed(loaded: &Loaded) -> Vec<(Spanned<String>, &'static [ReportKey])> {
    let e = &loaded.engagement;
    let mut paths: Vec<(Spanned<String>, &'static [ReportKey])> = e
        .survey
        .diagrams
        .iter()
        .map(|f| (f.path.clone(), printed_by("survey")))
        .chain(
            e.findings
                .iter()
                .flat_map(|f| &f.evidence)
                .map(|f| (f.path.clone(), printed_by("findings"))),
        )
        .chain(
            e.engagement
                .provider
                .brand
                .as_ref()
                .and_then(|b| b.logo.clone())
                .map(|logo| (logo, &ReportKey::ALL[..])),
        )
        .collect();
    let source = &loaded.source;
    let markdown = loaded
        .scalars
        .iter()
        .filter(|s| MARKDOWN_FIELDS.iter().any(|f| s.is_at(f)));
    for field in markdown {
        let reports = printed_by(field.path.first().map(String::as_str).unwrap_or_default());
        for image in crate::base::model::markdown::images(&field.text) {
            let pos = image_pos(field, source, &image.dest);
            let path = Spanned {
                value: image.dest,
                pos,
            };
            paths.push((path, reports));
        }
    }
    paths
}

/// Where the path `dest` of an image in the Markdown `field` stands: after
/// the `](` that opens it.
pub(crate) fn image_pos(
    field: &crate::base::scalars::Scalar,
    source: &str,
    dest: &str,
) -> crate::base::model::Pos {
    let mut pos = field.locate(source, &format!("]({dest}"));
    pos.column += 2;
    pos
}
