//! Filling and typesetting the reports of one engagement: the four the
//! acceptance report certifies in parallel, then the acceptance report with
//! their digests.

use rayon::prelude::*;

use super::{RenderError, Renderer};
use crate::digest::sha256_hex;
use crate::fill::{Certified, DeliveredReport, Fill, Filled, Filler, SourceFile};
use crate::output::{OutputFormat, Produced};
use crate::report::ReportKey;
use crate::typeset::{self, Conformance, Files, PdfSettings, ReportWorld, Typeset, TypesetError};
use crate::validate::Checked;

/// The last PDF typeset for a report, kept across renders that follow one
/// another (`dossier watch`) so that a report whose Typst source and files
/// did not change is not typeset again.
pub trait TypesetCache: Send + Sync {
    /// The PDF of `report` of the engagement in `file`, if it was typeset
    /// from exactly `inputs`.
    fn get(&self, file: &std::path::Path, report: ReportKey, inputs: &str) -> Option<Typeset>;
    /// Keeps the PDF of `report` typeset from `inputs`.
    fn put(&self, file: &std::path::Path, report: ReportKey, inputs: String, typeset: Typeset);
}

/// What every report of one engagement is produced from.
struct Inputs<'a> {
    checked: &'a Checked,
    fill: &'a Fill,
    /// The files the reports' worlds serve: images and style modules.
    files: Files,
    /// One digest of `files`.
    files_digest: String,
}

impl Renderer {
    /// Fills and typesets the reports asked for, and the four the
    /// acceptance report certifies when it is asked for; `ready` sees those
    /// four before the acceptance report is typeset.
    pub(super) fn produce(
        &self,
        checked: &Checked,
        fill: &Fill,
        ready: &dyn Fn(&[Produced]),
    ) -> Result<Vec<Produced>, RenderError> {
        let files = typeset::files(&checked.assets, &fill.modules);
        let inputs = Inputs {
            checked,
            fill,
            files_digest: files_digest(&files),
            files,
        };
        let certify = self.selected(ReportKey::Acceptance);
        let others: Vec<ReportKey> = ReportKey::ALL
            .into_iter()
            .filter(|k| *k != ReportKey::Acceptance && (certify || self.selected(*k)))
            .collect();
        // Sources are typeset when PDFs are wanted, and always for the
        // reports the acceptance report certifies.
        let wanted = self.options.format != OutputFormat::Typ;
        let mut filled = others
            .iter()
            .map(|key| self.fill(&inputs, *key, &Certified::default()))
            .enumerate()
            .map(|(i, filled)| Ok((i, filled?)))
            .collect::<Result<Vec<_>, RenderError>>()?;
        // The longest source first: the report that takes longest to typeset
        // starts at once, and the shorter ones fill the other cores around it.
        filled.sort_by_key(|(_, filled)| std::cmp::Reverse(filled.source.len()));
        let mut typeset = filled
            .into_par_iter()
            .with_max_len(1)
            .map(|(i, filled)| Ok((i, self.produce_one(&inputs, filled, wanted || certify)?)))
            .collect::<Result<Vec<_>, RenderError>>()?;
        typeset.sort_by_key(|(i, _)| *i);
        let mut produced: Vec<Produced> = typeset.into_iter().map(|(_, p)| p).collect();
        if certify {
            ready(&produced);
            let reports: Vec<DeliveredReport> = produced
                .iter()
                .filter_map(|p| {
                    let pdf = p.typeset.as_ref()?;
                    Some(DeliveredReport {
                        key: p.filled.key,
                        pages: pdf.pages,
                        sha256: pdf.sha256.clone(),
                        is_final: p.filled.is_final,
                    })
                })
                .collect();
            // The acceptance report carries the engagement's source files:
            // its world serves the engagement file too.
            let (sources, files) = if self.options.attach {
                sources(checked, &inputs.files)
            } else {
                (Vec::new(), inputs.files.clone())
            };
            let certified = Certified { reports, sources };
            let inputs = Inputs {
                files_digest: files_digest(&files),
                files,
                ..inputs
            };
            let filled = self.fill(&inputs, ReportKey::Acceptance, &certified)?;
            produced.push(self.produce_one(&inputs, filled, wanted)?);
        }
        Ok(produced)
    }

    /// The Typst source of report `key`.
    fn fill(
        &self,
        inputs: &Inputs<'_>,
        key: ReportKey,
        certified: &Certified,
    ) -> Result<Filled, RenderError> {
        self.timings
            .time(crate::timings::Stage::Fill, || {
                self.filler
                    .report(inputs.fill, key, &inputs.checked.validation, certified)
            })
            .map_err(|source| RenderError::Fill {
                report: key,
                source,
            })
    }

    /// A filled report typeset (when `typeset` asks for it), from the
    /// cache when its source and files did not change.
    fn produce_one(
        &self,
        inputs: &Inputs<'_>,
        filled: Filled,
        typeset: bool,
    ) -> Result<Produced, RenderError> {
        let key = filled.key;
        if !typeset {
            return Ok(Produced {
                filled,
                typeset: None,
                fresh: false,
            });
        }
        let file = &inputs.checked.loaded.file;
        let digest = format!(
            "{}{}{}",
            sha256_hex(filled.source.as_bytes()),
            inputs.files_digest,
            filled.is_final
        );
        if let Some(known) = self.cache.as_ref().and_then(|c| c.get(file, key, &digest)) {
            return Ok(Produced {
                filled,
                typeset: Some(known),
                fresh: false,
            });
        }
        let pdf = self.typeset(inputs, &filled)?;
        if let Some(cache) = &self.cache {
            cache.put(file, key, digest, pdf.clone());
        }
        let pdf = self.sign(&filled, pdf)?;
        Ok(Produced {
            filled,
            typeset: Some(pdf),
            fresh: true,
        })
    }

    /// A final report's PDF signed, when the options ask for signatures:
    /// the digest the acceptance report and the manifest list is then the
    /// signed file's.
    fn sign(&self, filled: &Filled, mut pdf: Typeset) -> Result<Typeset, RenderError> {
        let Some(signer) = &self.options.sign else {
            return Ok(pdf);
        };
        if !filled.is_final || self.options.format != OutputFormat::Pdf {
            return Ok(pdf);
        }
        pdf.bytes = self
            .timings
            .time(crate::timings::Stage::Export, || {
                crate::sign::sign_pdf(&pdf.bytes, signer)
            })
            .map_err(|source| RenderError::Sign {
                report: filled.key,
                source,
            })?;
        pdf.sha256 = sha256_hex(&pdf.bytes);
        Ok(pdf)
    }

    fn typeset(&self, inputs: &Inputs<'_>, filled: &Filled) -> Result<Typeset, RenderError> {
        let origin = filled.key.template();
        let world = ReportWorld::new(
            filled.source.clone(),
            inputs.fill.style.clone(),
            inputs.files.clone(),
        );
        // The acceptance report's bytes also hold its attachments.
        let ident = match filled.key {
            ReportKey::Acceptance => format!("{}{}", filled.source, inputs.files_digest),
            _ => filled.source.clone(),
        };
        let settings = PdfSettings {
            ident: sha256_hex(ident.as_bytes()),
            // Final reports are archival and accessible, the acceptance
            // report with the engagement's files attached; drafts are
            // working copies.
            conformance: match (filled.is_final, filled.key) {
                (false, _) => Conformance::Draft,
                (true, ReportKey::Acceptance) => Conformance::FinalWithAttachments,
                (true, _) => Conformance::Final,
            },
        };
        let preview = self.options.format.preview();
        typeset::typeset(&world, &origin, &settings, preview, &self.timings).map_err(|source| {
            RenderError::Typeset {
                report: filled.key,
                source: locate(&self.filler, source),
            }
        })
    }
}

/// Points a Typst error at the template file and line it comes from: a
/// style module by its name, the generated report source through the
/// template line that produced the failing line.
fn locate(filler: &Filler, mut error: TypesetError) -> TypesetError {
    if let Some(generated) = error.generated.take()
        && let Some((name, line)) = filler.trace(&error.origin, &generated)
    {
        error.message = format!(
            "{} (line {} of the generated Typst)",
            error.message, error.line
        );
        error.origin = name;
        error.line = line;
        error.column = 1;
    }
    error.origin = filler.origin(&error.origin);
    error
}

/// The files the acceptance report carries: the engagement file as
/// written (comments included) and every file it refers to, by their paths
/// relative to the engagement directory; and `files` with the engagement
/// file added, for the acceptance report's world.
fn sources(checked: &Checked, files: &Files) -> (Vec<SourceFile>, Files) {
    let loaded = &checked.loaded;
    let engagement = SourceFile {
        size: loaded.bytes.len(),
        sha256: sha256_hex(&loaded.bytes),
        engagement: true,
        name: loaded.name(),
    };
    let referred = checked.assets.iter().map(|(path, asset)| SourceFile {
        name: path.trim_start_matches('/').to_string(),
        size: asset.bytes.len(),
        sha256: sha256_hex(&asset.bytes),
        engagement: false,
    });
    let mut served = (**files).clone();
    served.insert(
        format!("/{}", engagement.name),
        typst::foundations::Bytes::new(loaded.bytes.clone()),
    );
    let sources = std::iter::once(engagement).chain(referred).collect();
    (sources, std::sync::Arc::new(served))
}

/// One digest of the files a report's world serves, paths and contents.
fn files_digest(files: &Files) -> String {
    let listing: String = files
        .iter()
        .map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes)))
        .collect();
    sha256_hex(listing.as_bytes())
}
