//! Versions of an engagement: what changed between a previous version (a
//! file, a git revision, the engagement a final acceptance report carries)
//! and this one. Changes are computed over the whole document, items of a
//! list paired by their identity (`id`, a version, a concurrency …), and
//! over the bytes of every image it uses; each is named by its path
//! (`findings[F-03].recommendation`, `assets: evidence/slowlog.png`). The
//! same two versions always give the same list.

mod base;
mod describe;
mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

pub use base::{BaseError, BaseSpec, is_pdf, resolve};
pub use describe::{ChangeRow, rows};
pub use tree::{Edit, Step, apply, at as at_path, dotted, edits, to_yaml};

use crate::base::locale::{Catalogue, CatalogueError};
use crate::base::report::ReportKey;
use crate::base::scalars::{Kind, Node};
use crate::pipeline::load::{Loaded, assets};

/// A previous version of an engagement, and what changed since.
#[derive(Debug, Clone)]
pub struct Since {
    /// The previous version, as read.
    pub base: Loaded,
    /// Where it came from, as the user named it.
    pub label: String,
    /// What changed, in document order, images last.
    pub changes: Vec<Change>,
    /// The reports whose printed content changed, once measured (by
    /// filling both versions' reports and comparing them); until then,
    /// none is known to.
    pub touched: BTreeSet<ReportKey>,
    /// The template files the previous version was rendered with, each
    /// with its SHA-256, when known: a bundle's report, beside its
    /// manifest, records them.
    pub base_templates: Option<BTreeMap<String, String>>,
}

/// Reads the previous version `spec` names of the engagement `loaded` and
/// compares the two.
pub fn compare(spec: &BaseSpec, loaded: &Loaded) -> Result<Since, BaseError> {
    let e = &loaded.engagement;
    let (base, label) = resolve(spec, &loaded.file, &e.engagement.id.value)?;
    Ok(Since::new(base, label, loaded))
}

impl Since {
    /// Compares `new` with `base` (read from `label`).
    pub fn new(base: Loaded, label: String, new: &Loaded) -> Since {
        let changes = changes(&base, new);
        Since {
            base,
            label,
            changes,
            touched: BTreeSet::new(),
            base_templates: None,
        }
    }

    /// The changes a report prints: those its appendix lists.
    pub fn of(&self, report: ReportKey) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |c| c.reports.contains(&report) && c.listed())
    }

    /// The version the previous version of `report` carried, with its
    /// date: its own latest history entry, else the previous engagement's
    /// latest of any report.
    pub(crate) fn base_version(&self, report: ReportKey) -> Option<(&str, NaiveDate)> {
        let e = &self.base.engagement;
        e.version_of(report)
            .or_else(|| e.history.iter().max_by_key(|r| r.date.value))
            .map(|r| (r.version.value.as_str(), r.date.value))
    }
}

/// Every change from `base` to `new`: the document's, then the images'.
pub fn changes(base: &Loaded, new: &Loaded) -> Vec<Change> {
    let mut out: Vec<Change> = match (
        crate::base::scalars::tree(&base.source),
        crate::base::scalars::tree(&new.source),
    ) {
        (Some(a), Some(b)) => edits(&a, &b)
            .into_iter()
            .map(|edit| {
                let item = edit.steps.get(..2).unwrap_or_default();
                let title = match item.last() {
                    Some(Step::Item { .. } | Step::Index(_)) => tree::at(&b, item)
                        .or_else(|| tree::at(&a, item))
                        .and_then(title_of),
                    _ => None,
                };
                let unit = unit_of(&b, &edit.steps).or_else(|| unit_of(&a, &edit.steps));
                Change {
                    unit,
                    ..Change::of_edit(edit, title)
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let before = assets::digests(base);
    let after = assets::digests(new);
    for (path, digest) in &after {
        let old = before.get(path);
        if old != Some(digest) {
            out.push(Change::asset(path, old.cloned(), Some(digest.clone())));
        }
    }
    for (path, digest) in &before {
        if !after.contains_key(path) {
            out.push(Change::asset(path, Some(digest.clone()), None));
        }
    }
    out
}

/// How a change of a template file is named: `templates: service.typ.j2`.
const TEMPLATES: &str = "templates: ";

/// One change between two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Where: `findings[F-03].recommendation`, or `assets: PATH` for an
    /// image, or `templates: NAME` for a template file.
    pub path: String,
    /// The path's steps; empty for an image.
    #[serde(skip)]
    pub steps: Vec<Step>,
    /// The edit itself, for applying it; none for an image.
    #[serde(skip)]
    pub edit: Option<Edit>,
    /// The title (or name) of the item the change is in, as the newer
    /// version has it (the older, once removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The unit a figure is measured in (`ms`, `%`, `req/s`), when the
    /// value is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Added, removed or changed.
    pub change: What,
    /// The value before, when there was one: a scalar as text, a list or
    /// mapping as JSON, an image as its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<serde_json::Value>,
    /// The value after, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<serde_json::Value>,
    /// The reports whose printed content the change alters, once measured.
    #[serde(serialize_with = "report_keys")]
    pub reports: Vec<ReportKey>,
}

fn report_keys<S: serde::Serializer>(reports: &[ReportKey], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(reports.iter().map(|r| r.key()))
}

/// What happened at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum What {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// Its value changed.
    Changed,
}

impl Change {
    fn of_edit(edit: Edit, title: Option<String>) -> Change {
        let change = match (&edit.before, &edit.after) {
            (None, _) => What::Added,
            (_, None) => What::Removed,
            _ => What::Changed,
        };
        Change {
            path: dotted(&edit.steps),
            steps: edit.steps.clone(),
            change,
            from: edit.before.as_ref().map(json),
            to: edit.after.as_ref().map(json),
            edit: Some(edit),
            title,
            unit: None,
            reports: Vec::new(),
        }
    }

    fn asset(path: &str, from: Option<String>, to: Option<String>) -> Change {
        Change::file(format!("assets: {path}"), from, to)
    }

    /// A change of the template file `name` (`service.typ.j2`,
    /// `locales/en.yaml`) the reports are made from, by digest.
    pub(crate) fn template(name: &str, from: Option<String>, to: Option<String>) -> Change {
        Change::file(format!("{TEMPLATES}{name}"), from, to)
    }

    fn file(path: String, from: Option<String>, to: Option<String>) -> Change {
        let change = match (&from, &to) {
            (None, _) => What::Added,
            (_, None) => What::Removed,
            _ => What::Changed,
        };
        Change {
            path,
            steps: Vec::new(),
            edit: None,
            title: None,
            unit: None,
            change,
            from: from.map(serde_json::Value::String),
            to: to.map(serde_json::Value::String),
            reports: Vec::new(),
        }
    }

    /// The image's path, for a change of an image.
    pub fn asset_path(&self) -> Option<&str> {
        self.path.strip_prefix("assets: ")
    }

    /// The template file's name, for a change of a template.
    pub fn template_name(&self) -> Option<&str> {
        self.path.strip_prefix(TEMPLATES)
    }

    /// The file's path, for a change of an image or a template.
    pub fn file_path(&self) -> Option<&str> {
        self.asset_path().or_else(|| self.template_name())
    }

    /// The top-level key the change is under (`findings`), or `assets`,
    /// or `templates`.
    pub fn section(&self) -> &str {
        match self.steps.first() {
            Some(Step::Key(key)) => key,
            _ if self.template_name().is_some() => "templates",
            _ => "assets",
        }
    }

    /// Whether a report's appendix lists it: the history is the document
    /// control's own table, not a change of content.
    pub fn listed(&self) -> bool {
        self.section() != "history"
    }
}

/// The unit of the figure at `steps`: a target's `unit`, milliseconds for
/// latencies, percent for error rates, a stress test's throughput unit.
fn unit_of(tree: &Node, steps: &[Step]) -> Option<String> {
    let (Step::Key(key), parent) = steps.split_last()? else {
        return None;
    };
    let text = |node: Option<&Node>, key: &str| {
        node.and_then(|n| n.get(key))
            .and_then(Node::text)
            .map(str::to_string)
    };
    match key.as_str() {
        "p50" | "p95" | "p99" => Some("ms".into()),
        "error_rate" => Some("%".into()),
        "throughput" => text(tree::at(tree, steps.get(..2)?), "throughput_unit"),
        "target" | "result" => text(tree::at(tree, parent), "unit"),
        _ => None,
    }
}

/// What names an item in people's words: its title, name, topic …
fn title_of(item: &Node) -> Option<String> {
    ["title", "name", "topic", "item", "metric"]
        .iter()
        .find_map(|key| item.get(key).and_then(Node::text))
        .filter(|text| !text.contains('\n'))
        .map(str::to_string)
}

/// A node as JSON: a scalar as its text, lists and mappings as they are.
fn json(node: &Node) -> serde_json::Value {
    match &node.kind {
        Kind::Scalar(text) => serde_json::Value::String(text.compared().to_string()),
        Kind::Seq(list) => serde_json::Value::Array(list.iter().map(json).collect()),
        Kind::Map(entries, _) => {
            serde_json::Value::Object(entries.iter().map(|(k, v)| (k.clone(), json(v))).collect())
        }
    }
}

impl Since {
    /// The changes as `dossier diff` prints them, in the catalogue's
    /// language: one block per item, one line per change with its path.
    pub(crate) fn to_text(&self, t: &Catalogue) -> Result<String, CatalogueError> {
        let mut out = String::new();
        for row in rows(&self.changes, t)? {
            let _ = writeln!(out, "{} {}  {}", row.section, row.id, row.title);
            for (line, path) in row.change.iter().zip(&row.paths) {
                let _ = writeln!(out, "    {line}  ({path})");
            }
        }
        Ok(out)
    }

    /// The changes as JSON: where the previous version came from, each
    /// change with its path, values and the reports it alters, and the
    /// reports whose content changed.
    pub fn to_json(&self) -> serde_json::Result<String> {
        #[derive(Serialize)]
        struct Json<'a> {
            base: &'a str,
            engagement: &'a str,
            changes: &'a [Change],
            reports: Vec<&'static str>,
        }
        serde_json::to_string_pretty(&Json {
            base: &self.label,
            engagement: &self.base.engagement.engagement.id.value,
            changes: &self.changes,
            reports: self.touched.iter().map(|r| r.key()).collect(),
        })
    }
}
