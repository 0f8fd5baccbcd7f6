//! The file a mistyped image path most likely meant, for the hint that
//! names it.

use std::path::Path;

use super::Loaded;

/// The image file of the engagement whose path is nearest to `wanted` (a
/// `/`-separated path relative to the engagement directory: a misspelt
/// name, a wrong folder), if one is near enough.
pub(super) fn image(loaded: &Loaded, wanted: &str) -> Option<String> {
    let names: Vec<String> = match &loaded.files {
        Some(files) => files.keys().cloned().collect(),
        None => image_files(&loaded.root),
    };
    let candidates: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| matches!(extension(n).as_str(), "png" | "jpg" | "jpeg" | "svg"))
        .collect();
    super::closest(wanted, &candidates).map(str::to_string)
}

/// The files under `root`, `/`-separated and relative to it: a bounded
/// walk (a few levels, a few thousand entries), for suggestions only.
fn image_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten().take(2_000) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && depth < 4 {
                stack.push((path, depth + 1));
            } else if kind.is_file()
                && let Ok(relative) = path.strip_prefix(root)
                && out.len() < 2_000
            {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out
}

/// The lower-case extension of a `/`-separated file name.
fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}
