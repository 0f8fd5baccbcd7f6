//! `dossier status`: what a delivery of each engagement would hold now —
//! each report final or a draft (and the gaps that keep it one, by rule),
//! what the acceptance report carries, and the bundle already in the
//! output folder: up to date or not, its signatures and their levels.
//!
//! ```json
//! { "version": 1,
//!   "engagements": [
//!     { "file": "samples/acme-retail/engagement.yaml", "id": "ZP-2026-FL-001",
//!       "errors": 0, "warnings": 0,
//!       "reports": [ { "report": "startup", "file": "01-startup.pdf", "state": "final", "gaps": [] } ],
//!       "attachments": { "attached": true, "engagement": "engagement.yaml",
//!                        "comments": "removed", "files": ["diagrams/overview.svg"] },
//!       "bundle": { "dir": "out/ZP-2026-FL-001", "state": "up-to-date", "reasons": [],
//!                   "reports": [ { "file": "05-acceptance.pdf", "signatures": [
//!                     { "signer": "…", "level": "B-T", "certifies": true, … } ] } ] } } ]
//! }
//! ```

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::OpError;
use super::check::{CheckReport, CheckRequest, CheckedEngagement, check};
use super::fresh::{Freshness, freshness};
use super::verify::{SignatureOutcome, Verified, verify};
use crate::base::code::RuleId;
use crate::base::diagnostic::{Diagnostic, Severity, by_rule};
use crate::base::report::ReportKey;
use crate::pipeline::load::comments::{Comments, attached_copy};
use crate::pipeline::load::{assets, load};
use crate::pipeline::render::{RenderOptions, Renderer};
use crate::pipeline::sign::Level;

/// Format version of the JSON output.
pub const JSON_VERSION: u32 = 1;

/// What to look at.
#[derive(Debug, Clone)]
pub struct StatusRequest {
    /// Engagement directories, engagement files, or folders to search.
    pub paths: Vec<PathBuf>,
    /// The render options a delivery would use: the output folder whose
    /// bundles are compared, what the acceptance report attaches.
    pub options: RenderOptions,
}

/// The status of every engagement found.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Each engagement, in the order found.
    pub engagements: Vec<EngagementStatus>,
}

/// Where one engagement stands.
#[derive(Debug, Clone, Serialize)]
pub struct EngagementStatus {
    /// The engagement file.
    pub file: PathBuf,
    /// Its id, when the file can be read.
    pub id: Option<String>,
    /// How many errors `check` finds.
    pub errors: usize,
    /// How many warnings (pending steps among them).
    pub warnings: usize,
    /// Why the file cannot be read as an engagement, if it cannot.
    pub unreadable: Option<String>,
    /// The errors that keep no single report a draft, as `file:line:column:
    /// message`: an id another engagement uses (a batch refuses both).
    pub problems: Vec<String>,
    /// Each of the five reports, in delivery order (none when unreadable).
    pub reports: Vec<ReportState>,
    /// What the acceptance report carries (none when unreadable).
    pub attachments: Option<Attachments>,
    /// The bundle in the output folder.
    pub bundle: Bundle,
}

/// Whether a report would be final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Final: every rule it depends on passes.
    Final,
    /// A draft, with a watermark and a page of its gaps.
    Draft,
}

/// One report as it would be rendered now.
#[derive(Debug, Clone, Serialize)]
pub struct ReportState {
    /// Which report.
    pub report: ReportKey,
    /// Its file in the bundle.
    pub file: String,
    /// Final or draft.
    pub state: State,
    /// What keeps it a draft, by rule, in the order first found.
    pub gaps: Vec<Gaps>,
}

/// The gaps one rule finds in a report.
#[derive(Debug, Clone, Serialize)]
pub struct Gaps {
    /// The rule; none for a problem no rule names (an unreadable image).
    pub rule: Option<RuleId>,
    /// The clause of the statement of work it enforces.
    pub clause: Option<&'static str>,
    /// Each gap, in the order found.
    pub items: Vec<Gap>,
}

/// One gap: what is missing or wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// Line, from 1; 0 for the file as a whole.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
    /// What the gap is.
    pub message: String,
}

/// What the acceptance report of a delivery carries.
#[derive(Debug, Clone, Serialize)]
pub struct Attachments {
    /// Whether it attaches its source at all.
    pub attached: bool,
    /// The engagement file's name in the attachments.
    pub engagement: String,
    /// What becomes of the file's comments.
    pub comments: Comments,
    /// The other files it refers to, attached beside it.
    pub files: Vec<String>,
}

/// The bundle of an engagement in the output folder.
#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    /// Its folder.
    pub dir: PathBuf,
    /// Absent, up to date, outdated or altered.
    pub state: BundleState,
    /// What differs from the inputs (outdated), or which files do not
    /// match the manifest (altered).
    pub reasons: Vec<String>,
    /// Its reports' signatures, in delivery order.
    pub reports: Vec<SignedReport>,
}

/// How a bundle compares with the engagement's inputs now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BundleState {
    /// Nothing has been rendered into the output folder yet.
    Absent,
    /// Rendered from exactly these inputs; its files intact.
    UpToDate,
    /// Rendered from other inputs: a render would write it again.
    Outdated,
    /// Some of its files do not match its manifest.
    Altered,
}

/// The signatures of one report of a bundle.
#[derive(Debug, Clone, Serialize)]
pub struct SignedReport {
    /// The report's file.
    pub file: String,
    /// Each signature and document time-stamp, in the file's order.
    pub signatures: Vec<Signature>,
    /// What is wrong with them, if a signature does not check out.
    pub problem: Option<String>,
}

/// One signature of a report.
#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    /// Who signed, as the certificate names them.
    pub signer: String,
    /// When, as the signature says.
    pub signed_at: String,
    /// Its PAdES baseline level; none for a document time-stamp.
    pub level: Option<Level>,
    /// Whether it certifies the report (the provider's, on the acceptance
    /// report) rather than approving it (a countersignature).
    pub certifies: bool,
    /// Whether it is a document time-stamp (PAdES B-LTA).
    pub document_timestamp: bool,
    /// Whether it approves a report an earlier signature certified: the
    /// customer's countersignature of the acceptance report.
    pub countersignature: bool,
}

/// Looks at every engagement `request` names.
pub fn status(request: &StatusRequest) -> Result<StatusReport, OpError> {
    let checked: CheckReport = check(&CheckRequest {
        paths: request.paths.clone(),
        since: None,
    })?;
    let mut renderer = None;
    let engagements = checked
        .engagements
        .into_iter()
        .map(|e| one(e, &request.options, &mut renderer))
        .collect();
    Ok(StatusReport { engagements })
}

fn one(
    checked: CheckedEngagement,
    options: &RenderOptions,
    renderer: &mut Option<Renderer>,
) -> EngagementStatus {
    let dir = options.out.join(checked.id.as_deref().unwrap_or_default());
    let unreadable = checked.id.is_none().then(|| {
        checked
            .diagnostics
            .first()
            .map_or_else(|| "cannot be read".to_string(), Diagnostic::to_string)
    });
    let loaded = checked.id.as_ref().and_then(|_| load(&checked.file).ok());
    let reports = match &unreadable {
        Some(_) => Vec::new(),
        None => ReportKey::ALL
            .into_iter()
            .map(|key| report_state(&checked, key))
            .collect(),
    };
    let attachments = loaded.as_ref().map(|loaded| {
        let (_, comments) = attached_copy(loaded, options.attach_verbatim);
        let (found, _) = assets::read(loaded);
        Attachments {
            attached: options.attach,
            engagement: loaded.name(),
            comments,
            files: found
                .iter()
                .map(|(path, _)| path.trim_start_matches('/').to_string())
                .collect(),
        }
    });
    let (state, reasons) = match &loaded {
        Some(loaded) if dir.join("manifest.json").is_file() => {
            let renderer = renderer.get_or_insert_with(|| Renderer::new(options.clone()));
            match freshness(renderer, loaded) {
                Freshness::Absent => (BundleState::Absent, Vec::new()),
                Freshness::UpToDate(_) => (BundleState::UpToDate, Vec::new()),
                Freshness::Outdated(reasons) => (BundleState::Outdated, reasons),
                Freshness::Altered(files) => (BundleState::Altered, files),
            }
        }
        _ => (BundleState::Absent, Vec::new()),
    };
    let signed = match state {
        BundleState::Absent => Vec::new(),
        _ => signatures(&dir),
    };
    let problems = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.reports.is_empty())
        .filter(|_| unreadable.is_none())
        .map(Diagnostic::to_string)
        .collect();
    EngagementStatus {
        problems,
        errors: checked.errors,
        warnings: checked.warnings,
        file: checked.file,
        id: checked.id,
        unreadable,
        reports,
        attachments,
        bundle: Bundle {
            dir,
            state,
            reasons,
            reports: signed,
        },
    }
}

/// Whether `key` would be final, and the gaps that keep it a draft,
/// grouped by rule.
fn report_state(checked: &CheckedEngagement, key: ReportKey) -> ReportState {
    // The acceptance report certifies the others: their gaps are its own.
    let keeping = checked.diagnostics.iter().filter(|d| {
        d.reports.contains(&key) || (key == ReportKey::Acceptance && !d.reports.is_empty())
    });
    let gaps = by_rule(keeping)
        .into_iter()
        .map(|(rule, found)| Gaps {
            rule,
            clause: rule.and_then(RuleId::clause),
            items: found
                .into_iter()
                .map(|d| Gap {
                    line: d.pos.line,
                    column: d.pos.column,
                    message: d.message.clone(),
                })
                .collect(),
        })
        .collect();
    let state = match checked.drafts.contains(&key) {
        true => State::Draft,
        false => State::Final,
    };
    ReportState {
        report: key,
        file: key.file_name("pdf"),
        state,
        gaps,
    }
}

/// The signatures of each report of the bundle in `dir`.
fn signatures(dir: &Path) -> Vec<SignedReport> {
    let Ok(found) = verify(&[dir.to_path_buf()], &[], None) else {
        return Vec::new();
    };
    let Some(Verified::Bundle { reports, .. }) = found.items.into_iter().next() else {
        return Vec::new();
    };
    reports
        .into_iter()
        .map(|r| {
            let file = r
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (signatures, problem) = match r.outcome {
                SignatureOutcome::Signed(all) => {
                    let certified = all.iter().any(|s| s.certifies);
                    let each = all.into_iter().map(|s| Signature {
                        countersignature: certified && !s.certifies && !s.document_timestamp,
                        signer: s.signer,
                        signed_at: s.signed_at,
                        level: s.level,
                        certifies: s.certifies,
                        document_timestamp: s.document_timestamp,
                    });
                    (each.collect(), None)
                }
                SignatureOutcome::Unsigned => (Vec::new(), None),
                SignatureOutcome::Invalid(e) | SignatureOutcome::Unreadable(e) => {
                    (Vec::new(), Some(e))
                }
            };
            SignedReport {
                file,
                signatures,
                problem,
            }
        })
        .collect()
}

impl StatusReport {
    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(&serde_json::json!({
            "version": JSON_VERSION,
            "engagements": self.engagements,
        }))
    }
}
