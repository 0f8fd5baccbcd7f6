//! Finding engagements under the paths given on the command line.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The file that makes a directory an engagement.
pub const ENGAGEMENT_FILE: &str = "engagement.yaml";

/// Every engagement under `paths`, in a stable sorted order.
///
/// A directory holding `engagement.yaml` is one engagement (its
/// subdirectories are its assets); any other `*.yaml`/`*.yml` file whose
/// top level declares `engagement:` is a single-file engagement. Hidden
/// directories and `skip` (the output directory) are not searched. A path
/// named explicitly is always taken.
pub fn discover(paths: &[PathBuf], skip: Option<&Path>) -> Vec<PathBuf> {
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut found = Vec::new();
    for path in paths {
        if path.is_file() || path.join(ENGAGEMENT_FILE).is_file() || !path.exists() {
            found.push(path.clone());
            continue;
        }
        let mut walk = WalkDir::new(path).sort_by_file_name().into_iter();
        while let Some(Ok(entry)) = walk.next() {
            let p = entry.path();
            if entry.file_type().is_dir() {
                let hidden =
                    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
                let is_skip = skip
                    .as_ref()
                    .is_some_and(|s| p.canonicalize().ok().as_ref() == Some(s));
                if hidden || is_skip {
                    walk.skip_current_dir();
                } else if p.join(ENGAGEMENT_FILE).is_file() {
                    found.push(p.to_path_buf());
                    walk.skip_current_dir();
                }
            } else if is_single_file_engagement(p) {
                found.push(p.to_path_buf());
            }
        }
    }
    found
}

fn is_single_file_engagement(path: &Path) -> bool {
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !yaml || path.file_name().is_some_and(|n| n == ENGAGEMENT_FILE) {
        return false;
    }
    std::fs::read_to_string(path)
        .map(|text| text.lines().any(|l| l.starts_with("engagement:")))
        .unwrap_or(false)
}
