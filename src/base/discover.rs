//! Finding engagements under the paths given on the command line.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The file that makes a directory an engagement.
pub(crate) const ENGAGEMENT_FILE: &str = "engagement.yaml";

/// Every engagement under `paths`, in a stable sorted order.
///
/// A directory holding `engagement.yaml` is one engagement (its
/// subdirectories are its assets); any other `*.yaml`/`*.yml` file whose
/// top level declares `engagement:` is a single-file engagement. Hidden
/// directories and `skip` (the output directory) are not searched. A path
/// named explicitly is always taken.
pub(crate) fn discover(paths: &[PathBuf], skip: Option<&Path>) -> Vec<PathBuf> {
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
    std::fs::read_to_string(path).is_ok_and(|text| declares_engagement(&text))
}

/// Whether YAML `text` declares an engagement at its top level.
pub(crate) fn declares_engagement(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("engagement:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_engagements_in_sorted_order_and_skips_hidden_and_output_folders() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        let write = |path: &str, text: &str| {
            let path = r.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let engagement = "schema: 1\nengagement:\n  id: X\n";
        write("z/e.yml", engagement);
        write("b.yaml", engagement);
        write("a/engagement.yaml", engagement);
        write("a/assets/inner.yaml", engagement);
        write("notes.yaml", "title: not an engagement\n");
        write(".hidden/c.yaml", engagement);
        write("out/d.yaml", engagement);
        let found = discover(&[r.to_path_buf()], Some(&r.join("out")));
        let names: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(r).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a", "b.yaml", "z/e.yml"]);
    }

    #[test]
    fn a_path_named_explicitly_is_taken_as_it_is() {
        let missing = PathBuf::from("no/such/engagement.yaml");
        assert_eq!(discover(std::slice::from_ref(&missing), None), [missing]);
    }
}
