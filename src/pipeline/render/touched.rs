//! Which reports a change alters, measured rather than listed: each report
//! of both versions is filled (its Typst source is everything it prints,
//! bar the images it shows by path), the sources compared; each change is
//! then applied alone to the previous version and the reports whose source
//! moves are the ones that print it.

use std::collections::{BTreeMap, BTreeSet};

use crate::base::report::ReportKey;
use crate::pipeline::deliver::manifest::{MANIFEST_FILE, Manifest};
use crate::pipeline::fill::{Certified, Filler};
use crate::pipeline::load::versions::{BaseSpec, Change, Since, apply, is_pdf, to_yaml};
use crate::pipeline::load::{self, Loaded};
use crate::pipeline::validate;

/// Each report's filled source, the digests of the reports the acceptance
/// report certifies left out (they follow from the others).
type Sources = BTreeMap<ReportKey, String>;

/// Records in `since` which reports' content changed from its previous
/// version to `new`, and which reports each change alters. The acceptance
/// report counts as changed whenever anything did: it certifies the other
/// reports by their digests and carries the engagement and its images.
pub fn measure(filler: &Filler, spec: &BaseSpec, since: &mut Since, new: &Loaded) {
    since.base_templates = templates_of(spec, &new.engagement.engagement.id.value);
    let template_changes = templates(filler, since, new);
    since.changes.extend(template_changes);
    let (Some(before), Some(after)) = (sources(filler, &since.base), sources(filler, new)) else {
        // A version that cannot be filled is compared by its data alone.
        for change in &mut since.changes {
            change.reports = ReportKey::ALL.to_vec();
        }
        since.touched = ReportKey::ALL.into_iter().collect();
        return;
    };
    since.touched = ReportKey::ALL
        .into_iter()
        .filter(|key| before.get(key) != after.get(key))
        .collect();
    if !since.changes.is_empty() {
        since.touched.insert(ReportKey::Acceptance);
    }
    // Both versions are filled with today's templates: a template that
    // changed since the previous version was rendered changes what its
    // reports print.
    for change in &since.changes {
        if let Some(name) = change.template_name() {
            since.touched.extend(made_from(name));
        }
    }
    let tree = crate::base::scalars::tree(&since.base.source);
    let touched: Vec<ReportKey> = since.touched.iter().copied().collect();
    for change in &mut since.changes {
        if let Some(name) = change.template_name() {
            change.reports = made_from(name);
            continue;
        }
        change.reports = match (change.asset_path(), &change.edit, &tree) {
            (Some(path), _, _) => {
                let shown = format!("\"/{path}\"");
                after
                    .iter()
                    .filter(|(_, source)| source.contains(&shown))
                    .map(|(key, _)| *key)
                    .collect()
            }
            (None, Some(edit), Some(tree)) => apply(tree, edit)
                .and_then(|edited| variant(&since.base, &to_yaml(&edited)))
                .and_then(|loaded| sources(filler, &loaded))
                .map(|alone| {
                    ReportKey::ALL
                        .into_iter()
                        .filter(|key| alone.get(key) != before.get(key))
                        .collect()
                })
                .unwrap_or_else(|| touched.clone()),
            _ => touched.clone(),
        };
    }
}

/// The reports made from the template file `name`: a report's own
/// template makes that report; the others (macros, style, cover, theme,
/// the catalogue) make all five.
fn made_from(name: &str) -> Vec<ReportKey> {
    match ReportKey::ALL
        .into_iter()
        .find(|key| name == format!("{}.typ.j2", key.key()))
    {
        Some(key) => vec![key],
        None => ReportKey::ALL.to_vec(),
    }
}

/// The template files that differ between those the previous version was
/// rendered with, when known, and those in use now.
fn templates(filler: &Filler, since: &Since, new: &Loaded) -> Vec<Change> {
    let Some(before) = &since.base_templates else {
        return Vec::new();
    };
    let now = filler.in_use(new.engagement.locale.value);
    let names: BTreeSet<&String> = before.keys().chain(now.keys()).collect();
    names
        .into_iter()
        .filter(|name| before.get(*name) != now.get(*name))
        .map(|name| Change::template(name, before.get(name).cloned(), now.get(name).cloned()))
        .collect()
}

/// The template files a bundle's report named by `spec` was rendered
/// with, from the manifest beside it, when that is the engagement `id`'s.
fn templates_of(spec: &BaseSpec, id: &str) -> Option<BTreeMap<String, String>> {
    let BaseSpec::Path(path) = spec else {
        return None;
    };
    if !is_pdf(path) {
        return None;
    }
    let text = std::fs::read(path.parent()?.join(MANIFEST_FILE)).ok()?;
    let manifest: Manifest = serde_json::from_slice(&text).ok()?;
    (manifest.engagement.id == id && !manifest.templates.is_empty()).then_some(manifest.templates)
}

/// The previous version with the document `text` in place of its own.
fn variant(base: &Loaded, text: &str) -> Option<Loaded> {
    let loaded = load::from_bytes(
        base.file.clone(),
        base.root.clone(),
        text.as_bytes().to_vec(),
    );
    loaded.ok().map(|loaded| Loaded {
        files: base.files.clone(),
        ..loaded
    })
}

/// Every report of `loaded` filled as it would be rendered; none when it
/// cannot be.
fn sources(filler: &Filler, loaded: &Loaded) -> Option<Sources> {
    let mut checked = validate::check_since(loaded.clone(), None).ok()?;
    // A draft's gaps name where in the file each one is; where a value is
    // written is not what the report says about it.
    for diagnostic in &mut checked.validation.diagnostics {
        diagnostic.pos.line = 0;
        diagnostic.pos.column = 0;
    }
    let date = super::document_date(loaded);
    let fill = filler.prepare(&checked, date).ok()?;
    ReportKey::ALL
        .into_iter()
        .map(|key| {
            let filled = filler
                .report(&fill, key, &checked.validation, &Certified::default())
                .ok()?;
            Some((key, filled.source))
        })
        .collect()
}
