//! The contract's rules: every problem with an engagement at once, each
//! pointing at the YAML value it is about. Beside the contract's rules,
//! the images the engagement names, the characters of its text and the
//! length of each value are checked: an unusable image keeps the reports
//! that print it drafts; the other problems stop rendering altogether.

pub mod glyphs;
pub mod lengths;

mod rules;

use std::path::Path;

use crate::base::calendar::WorkingCalendar;
use crate::base::diagnostic::{Code, Diagnostic, Severity};
use crate::base::model::{Engagement, Pos};
use crate::base::report::ReportKey;
use crate::pipeline::load::Loaded;
use crate::pipeline::load::assets::{self, Assets};
use crate::pipeline::load::versions::Since;

pub use rules::{RuleId, rule_of};

/// The result of validating one engagement.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    /// Every problem found, in rule order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validation {
    /// Whether any problem is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Whether a problem stops the engagement from being rendered at all,
    /// even as a draft: a format version this build cannot read, an id that
    /// cannot name a folder, a character no font can draw, a value longer
    /// than its field may be. (An image that
    /// cannot be used keeps the reports that print it drafts, with a
    /// placeholder where it goes.)
    pub fn blocks_rendering(&self) -> bool {
        self.diagnostics.iter().any(|d| {
            d.severity == Severity::Error
                && matches!(
                    d.code,
                    Some(Code::SchemaVersion | Code::BadId | Code::Glyph | Code::TooLong)
                )
        })
    }

    /// The problems that keep `report` from being final: errors, and the
    /// steps not yet taken (pending warnings) that name it. The acceptance
    /// report certifies the other four, so it is final only when they are:
    /// their gaps are its gaps too, each with the report it makes a draft.
    pub fn gaps(&self, report: ReportKey) -> Vec<Gap<'_>> {
        let own = |key: ReportKey| {
            self.diagnostics
                .iter()
                .filter(move |d| d.reports.contains(&key))
        };
        let mut gaps: Vec<Gap<'_>> = own(report)
            .map(|diagnostic| Gap {
                diagnostic,
                draft: None,
            })
            .collect();
        if report == ReportKey::Acceptance {
            for certified in ReportKey::ALL.into_iter().filter(|k| *k != report) {
                for diagnostic in own(certified) {
                    // A problem of the acceptance report's own is shown once.
                    if !diagnostic.reports.contains(&report) {
                        gaps.push(Gap {
                            diagnostic,
                            draft: Some(certified),
                        });
                    }
                }
            }
        }
        gaps
    }

    /// Whether `--strict` refuses the engagement: any error, or any report
    /// that would be a draft.
    pub(crate) fn fails_strict(&self) -> bool {
        self.has_errors() || self.diagnostics.iter().any(|d| !d.reports.is_empty())
    }

    /// Whether `report` can be rendered final.
    pub fn is_final(&self, report: ReportKey) -> bool {
        self.gaps(report).is_empty()
    }

    /// How many errors and warnings there are.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (errors, self.diagnostics.len() - errors)
    }
}

/// A problem that keeps a report from being final.
#[derive(Debug, Clone, Copy)]
pub struct Gap<'a> {
    /// The problem.
    pub diagnostic: &'a Diagnostic,
    /// For the acceptance report: the certified report the problem keeps a
    /// draft, which keeps the acceptance report a draft too.
    pub draft: Option<ReportKey>,
}

/// An engagement that may be rendered, with what the later stages need:
/// its diagnostics (which decide the finals), its images read into memory,
/// and the provider's brand colour.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The engagement as read.
    pub loaded: Loaded,
    /// What validation found.
    pub validation: Validation,
    /// The images it refers to, checked and read.
    pub assets: Assets,
    /// The provider's accent colour as `#rrggbb`, if it gave a valid one.
    pub accent: Option<String>,
    /// The previous version it is compared with (`--since`), and what
    /// changed since.
    pub since: Option<Since>,
}

/// Why an engagement cannot be rendered at all.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The problems, among them those that stop rendering.
    pub validation: Validation,
    /// The YAML's text, for showing them.
    pub text: String,
}

/// Validates `loaded` and reads its images, resolving each path once:
/// the hand-off from checking to filling, unless a problem stops
/// rendering.
pub fn check(loaded: Loaded) -> Result<Checked, Refused> {
    check_since(loaded, None)
}

/// [`check`], comparing the engagement with a previous version of it: the
/// history must then say that it is a new version.
pub fn check_since(loaded: Loaded, since: Option<Since>) -> Result<Checked, Refused> {
    let (validation, assets) = run(&loaded, since.as_ref(), true);
    match assets {
        Some(assets) if !validation.blocks_rendering() => {
            let mut checked = Checked::with_assets(loaded, validation, assets);
            checked.since = since;
            Ok(checked)
        }
        _ => Err(Refused {
            validation,
            text: loaded.source,
        }),
    }
}

impl Checked {
    /// The images that cannot be used, by the paths Typst knows them under.
    pub(crate) fn unavailable_images(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .validation
            .diagnostics
            .iter()
            .filter(|d| {
                matches!(
                    d.code,
                    Some(
                        Code::AssetOutside
                            | Code::AssetNotImage
                            | Code::AssetMissing
                            | Code::AssetTooLarge
                    )
                )
            })
            .filter_map(|d| d.args.iter().find(|(name, _)| *name == "path"))
            .map(|(_, path)| assets::typst_path(path))
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// `loaded`, already validated as `validation`, with its images read.
    pub fn new(loaded: Loaded, validation: Validation) -> Result<Checked, Refused> {
        // The problems of the images are among `validation`'s already.
        let (assets, _) = assets::read(&loaded);
        Ok(Checked::with_assets(loaded, validation, assets))
    }

    fn with_assets(loaded: Loaded, validation: Validation, assets: Assets) -> Checked {
        let accent = loaded
            .engagement
            .engagement
            .provider
            .brand
            .as_ref()
            .and_then(|b| b.accent.as_ref())
            .and_then(|a| crate::base::model::hex_colour(a));
        Checked {
            loaded,
            validation,
            assets,
            accent,
            since: None,
        }
    }
}

/// Checks an engagement against every rule.
pub fn validate(loaded: &Loaded) -> Validation {
    run(loaded, None, false).0
}

/// [`validate`], comparing the engagement with a previous version of it.
pub(crate) fn validate_since(loaded: &Loaded, since: Option<&Since>) -> Validation {
    run(loaded, since, false).0
}

/// Runs every rule and the image and glyph checks; with `read`, the image
/// check reads the images too and hands them on (none when one cannot be
/// used).
fn run(loaded: &Loaded, since: Option<&Since>, read: bool) -> (Validation, Option<Assets>) {
    let input = Input {
        e: &loaded.engagement,
        since,
        scalars: &loaded.scalars,
        source: &loaded.source,
        calendar: WorkingCalendar::new(&loaded.engagement.calendar),
    };
    let mut sink = Sink {
        file: &loaded.file,
        out: Vec::new(),
    };
    for rule in RuleId::ALL {
        rules::check(*rule, &input, &mut sink);
    }
    let mut diagnostics = sink.out;
    let mut read_assets = None;
    if read {
        let (assets, problems) = assets::read(loaded);
        diagnostics.extend(problems);
        read_assets = Some(assets);
    } else {
        diagnostics.extend(assets::check(loaded));
    }
    diagnostics.extend(glyphs::check(loaded));
    diagnostics.extend(lengths::check(loaded));
    (Validation { diagnostics }, read_assets)
}

/// What a rule looks at.
pub(crate) struct Input<'a> {
    pub e: &'a Engagement,
    /// The previous version, with `--since`.
    pub since: Option<&'a Since>,
    /// Every scalar of the YAML, with its keys and position.
    pub scalars: &'a [crate::base::scalars::Scalar],
    /// The YAML text, for positions inside a scalar.
    pub source: &'a str,
    pub calendar: WorkingCalendar,
}

/// Where rules put what they find.
pub(crate) struct Sink<'a> {
    file: &'a Path,
    out: Vec<Diagnostic>,
}

impl Sink<'_> {
    /// Records a problem found by `rule` at `pos`. `code` names the kind of
    /// problem (its wording in the catalogues); `message` says it in English.
    pub fn report(
        &mut self,
        rule: RuleId,
        code: Code,
        pos: Pos,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let mut diagnostic = Diagnostic::error(self.file, pos, message);
        diagnostic.severity = rule.severity();
        diagnostic.rule = Some(rule);
        diagnostic.clause = rule.clause();
        diagnostic.code = Some(code);
        if diagnostic.severity == Severity::Error {
            diagnostic.reports = rule.reports().to_vec();
        }
        self.out.push(diagnostic);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

impl Diagnostic {
    /// Adds a named value for the catalogue wording.
    pub fn arg(&mut self, name: &'static str, value: impl ToString) -> &mut Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// Adds a hint on how to fix the problem (builder form for rules).
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hints.push(hint.into());
        self
    }

    /// Makes the problem a warning, which never keeps a report from being
    /// final.
    pub fn warning(&mut self) -> &mut Self {
        self.severity = Severity::Warning;
        self.reports.clear();
        self
    }

    /// Makes the problem an error that keeps `reports` from being final,
    /// whatever its rule's usual severity.
    pub fn blocking(&mut self, reports: &[ReportKey]) -> &mut Self {
        self.severity = Severity::Error;
        self.reports = reports.to_vec();
        self
    }

    /// Makes the problem a step not yet taken (no confirmation, no
    /// sign-off, an element not yet written): a warning, since an engagement
    /// in progress is not wrong, that still keeps the reports of its rule
    /// drafts until the step is done.
    pub fn pending(&mut self, rule: RuleId) -> &mut Self {
        self.severity = Severity::Warning;
        self.reports = rule.reports().to_vec();
        self
    }
}
