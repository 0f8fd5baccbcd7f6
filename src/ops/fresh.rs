//! Whether the bundle in OUT is already what rendering an engagement would
//! write. Its manifest records all a render depends on: the engagement file
//! and its images, the templates and catalogue in use, dossier's version
//! and the options that shape the output. A bundle rendered from the same
//! of all these, whose files still match its manifest (or carry only the
//! later revisions `verify` accepts: a countersignature, validation data,
//! document time-stamps), is up to date and is left alone.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::verify;
use crate::base::report::ReportKey;
use crate::engine::{Cost, Done, Job, Plan};
use crate::pipeline::deliver::manifest::{
    self, Input, MANIFEST_FILE, Manifest, Problem, Status, Tool,
};
use crate::pipeline::deliver::{OutputFormat, input_of};
use crate::pipeline::load::{self, Loaded, assets};
use crate::pipeline::render::{
    RenderOptions, RenderedEngagement, RenderedReport, Renderer, document_date,
};
use crate::pipeline::validate::Validation;

/// What the bundle of an engagement is, measured against its inputs now.
#[derive(Debug, Clone)]
pub enum Freshness {
    /// There is no bundle yet, or this render writes no manifest to
    /// compare with (Typst sources, page images, a `--since` appendix,
    /// whose base is read anew).
    Absent,
    /// Rendered from these very inputs, and its files are intact.
    UpToDate(Box<Manifest>),
    /// Rendered from other inputs: what differs (`engagement.yaml`,
    /// `template style.typ`, `option signer`, `report 02-plan.pdf`, …).
    Outdated(Vec<String>),
    /// Some of its files are not what its manifest lists (edited, removed,
    /// added, or revisions `verify` does not accept): each, and how.
    Altered(Vec<String>),
}

/// How the bundle of `loaded` in `renderer`'s output folder compares with
/// what `renderer` would write for it now.
pub fn freshness(renderer: &Renderer, loaded: &Loaded) -> Freshness {
    let options = renderer.options();
    if options.format != OutputFormat::Pdf || options.since.is_some() {
        return Freshness::Absent;
    }
    let dir = options.out.join(&loaded.engagement.engagement.id.value);
    let manifest = match Manifest::read(&dir) {
        Ok(Some(manifest)) => manifest,
        Ok(None) => return Freshness::Absent,
        Err(error) => return Freshness::Altered(vec![error.to_string()]),
    };
    let altered = altered(&dir);
    if !altered.is_empty() {
        return Freshness::Altered(altered);
    }
    let changes = changes(renderer, loaded, &manifest);
    if changes.is_empty() {
        Freshness::UpToDate(Box::new(manifest))
    } else {
        Freshness::Outdated(changes)
    }
}

/// The files of the bundle in `dir` that do not match its manifest, but
/// for revisions appended that `verify` accepts.
fn altered(dir: &std::path::Path) -> Vec<String> {
    // A PDF the manifest does not list is none of the render's: `verify`
    // names it, and no render would remove it.
    let mismatches: Vec<_> = match manifest::verify(dir) {
        Ok((_, mismatches)) => mismatches
            .into_iter()
            .filter(|m| m.problem != Problem::Unlisted)
            .collect(),
        Err(error) => return vec![error.to_string()],
    };
    if mismatches.is_empty() {
        return Vec::new();
    }
    let extended_only = mismatches
        .iter()
        .all(|m| matches!(m.problem, Problem::Extended { .. }));
    if extended_only
        && verify::verify(&[dir.to_path_buf()], &[], None).is_ok_and(|report| report.passed())
    {
        return Vec::new();
    }
    mismatches.iter().map(ToString::to_string).collect()
}

/// What `renderer` would render `loaded` from that `manifest` does not
/// record: each input file, template and option that differs.
fn changes(renderer: &Renderer, loaded: &Loaded, manifest: &Manifest) -> Vec<String> {
    let options = renderer.options();
    let mut changes = Vec::new();
    let tool = Tool::current();
    if manifest.tool != tool {
        changes.push(format!(
            "dossier {} with Typst {} (the bundle was written by {} {} with Typst {})",
            tool.version,
            tool.typst,
            manifest.tool.name,
            manifest.tool.version,
            manifest.tool.typst
        ));
    }
    let (images, _) = assets::read(loaded);
    let input = input_of(loaded, &images, options.attach, options.attach_verbatim);
    changes.extend(changed_files(&manifest.input, &input));
    // Each report asked for, rendered from these inputs (a report left out
    // by an earlier `--only` was rendered from others, or never).
    for key in ReportKey::ALL {
        let asked = options.only.is_empty() || options.only.contains(&key);
        let entry = manifest.reports.iter().find(|r| r.key == key);
        if asked && entry.is_none_or(|r| r.input != input.sha256) {
            changes.push(format!("report {}", key.file_name("pdf")));
        }
    }
    let date = document_date(loaded).to_string();
    if manifest.engagement.document_date != date {
        changes.push(format!("document date {date}"));
    }
    let templates = renderer.templates_in_use(loaded.engagement.locale.value);
    changes.extend(
        differing(&manifest.templates, &templates)
            .into_iter()
            .map(|name| format!("template {name}")),
    );
    let mut recorded = manifest.options.clone();
    // A bundle signed since stays signed: rendering it without a key
    // asks for nothing the bundle lacks.
    if options.sign.is_none() {
        for key in ["signer", "timestamp", "validation data"] {
            recorded.remove(key);
        }
    }
    changes.extend(
        differing(&recorded, &options.recorded())
            .into_iter()
            .map(|key| format!("option {key}")),
    );
    // Under --strict, a bundle with gaps is rendered again, to be refused.
    let drafts = manifest.reports.iter().any(|r| r.status == Status::Draft);
    let validation = Validation {
        diagnostics: manifest.diagnostics(&loaded.root),
    };
    if options.strict && (drafts || validation.fails_strict()) {
        changes.push("--strict, and the bundle has gaps".into());
    }
    changes
}

/// The paths of the files that differ between two inputs.
fn changed_files(before: &Input, now: &Input) -> Vec<String> {
    if before.sha256 == now.sha256 {
        return Vec::new();
    }
    let digests = |input: &Input| -> BTreeMap<String, String> {
        input
            .files
            .iter()
            .map(|f| (f.path.clone(), f.sha256.clone()))
            .collect()
    };
    let files = differing(&digests(before), &digests(now));
    if files.is_empty() {
        // The same files, listed differently: name the whole input.
        return vec!["input".into()];
    }
    files
}

/// The keys whose values differ between two maps, either missing included.
fn differing(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|key| a.get(*key) != b.get(*key))
        .cloned()
        .collect()
}

/// A plan sorted by freshness: the engagements whose bundles are up to
/// date, done already (left alone), and the plan of those to render.
#[derive(Debug, Default)]
pub struct Sorted {
    /// The engagements to render.
    pub plan: Plan,
    /// The engagements left alone, their bundles up to date.
    pub skipped: Vec<Done>,
    /// The files found altered in the bundles of engagements to render, by
    /// their place in the plan.
    pub altered: BTreeMap<usize, Vec<String>>,
    /// What changed since the bundles of engagements to render were
    /// written, by their place in the plan.
    pub changed: BTreeMap<usize, Vec<String>>,
}

/// Sorts the engagements of `plan` by the freshness of their bundles
/// under `options` (reading each engagement and its images, on the current
/// rayon pool); with `--force`, every engagement is to render.
pub fn sort(plan: Plan, options: &RenderOptions) -> Sorted {
    if options.force {
        return Sorted {
            plan,
            ..Sorted::default()
        };
    }
    // Only an engagement with a bundle is read: a first render costs
    // nothing more.
    let bundled = |job: &Job| {
        job.id
            .as_ref()
            .is_some_and(|id| options.out.join(id).join(MANIFEST_FILE).is_file())
    };
    if !plan.jobs.iter().any(bundled) {
        return Sorted {
            plan,
            ..Sorted::default()
        };
    }
    let renderer = Renderer::new(options.clone());
    let Plan { jobs, refused } = plan;
    let judged: Vec<(Job, Option<Loaded>, Freshness)> = jobs
        .into_par_iter()
        .map(|job| match bundled(&job).then(|| load::load(&job.path)) {
            Some(Ok(loaded)) => {
                let freshness = freshness(&renderer, &loaded);
                (job, Some(loaded), freshness)
            }
            _ => (job, None, Freshness::Absent),
        })
        .collect();
    let mut sorted = Sorted {
        plan: Plan {
            jobs: Vec::new(),
            refused,
        },
        ..Sorted::default()
    };
    for (job, loaded, freshness) in judged {
        match (freshness, loaded) {
            (Freshness::UpToDate(manifest), Some(loaded)) => {
                let kept = kept(&renderer, loaded, &manifest);
                let mut done = Done::of(&job, Ok(kept), Cost::default());
                done.entry.skipped = true;
                sorted.skipped.push(done);
                continue;
            }
            (Freshness::Altered(files), _) => {
                sorted.altered.insert(job.index, files);
            }
            (Freshness::Outdated(changes), _) => {
                sorted.changed.insert(job.index, changes);
            }
            _ => {}
        }
        sorted.plan.jobs.push(job);
    }
    sorted
}

/// The engagement at `path` as its bundle holds it, when the bundle is up
/// to date with it (`dossier watch` starts without typesetting those).
pub fn up_to_date(renderer: &Renderer, path: &std::path::Path) -> Option<RenderedEngagement> {
    let loaded = load::load(path).ok()?;
    let Freshness::UpToDate(manifest) = freshness(renderer, &loaded) else {
        return None;
    };
    Some(kept(renderer, loaded, &manifest))
}

/// The engagement `loaded` as its up-to-date bundle, described by
/// `manifest`, holds it: nothing typeset, nothing written.
fn kept(renderer: &Renderer, loaded: Loaded, manifest: &Manifest) -> RenderedEngagement {
    let dir = renderer.options().out.join(&manifest.engagement.id);
    let reports = manifest
        .reports
        .iter()
        .map(|r| RenderedReport {
            key: r.key,
            file: dir.join(&r.file),
            pages: r.pages,
            is_final: r.status == Status::Final,
            sha256: r.sha256.clone(),
            written: false,
        })
        .collect();
    RenderedEngagement {
        id: manifest.engagement.id.clone(),
        validation: Validation {
            diagnostics: manifest.diagnostics(&loaded.root),
        },
        source: loaded.file,
        text: loaded.source,
        dir,
        reports,
        changed: false,
        typeset: 0,
        attached: None,
    }
}
