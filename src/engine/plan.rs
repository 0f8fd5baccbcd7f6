//! What a batch will render: every engagement's id read first, ids used
//! twice refused, the shard applied.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::base::diagnostic::Diagnostic;
use crate::pipeline::load::{Identity, identify};
use crate::pipeline::render::RenderError;

/// One slice of a batch split across machines: the `index`-th of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, from 1.
    pub index: u32,
    /// How many slices.
    pub count: u32,
}

impl Shard {
    /// Whether the engagement keyed `key` (its id) falls in this slice.
    /// The slice depends on the key alone, so every machine agrees.
    pub fn contains(&self, key: &str) -> bool {
        let digest = Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard; write K/N with 1 ≤ K ≤ N, e.g. 2/3");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One engagement of a plan to render: its place in the plan, its path
/// and, when it could be read, its id. It goes to a worker process as one
/// line of JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    /// Its place in the plan.
    pub index: usize,
    /// Its YAML file or directory.
    pub path: PathBuf,
    /// Its id, when it could be read.
    pub id: Option<String>,
}

/// The engagements of a batch, in discovery order: those to render, and
/// those refused already (an id used twice).
#[derive(Debug, Default)]
pub struct Plan {
    /// The engagements to render.
    pub jobs: Vec<Job>,
    /// The engagements refused before rendering, and why.
    pub refused: Vec<(Job, RenderError)>,
}

impl Plan {
    /// Reads the id of every engagement in `paths` (on the current rayon
    /// pool), refuses ids used twice (naming both files), and keeps those
    /// in `shard`. An engagement whose id cannot be read falls in the shard
    /// its path falls in, and its rendering reports what is wrong with it.
    pub fn new(paths: &[PathBuf], shard: Option<Shard>) -> Self {
        let read: Vec<(PathBuf, Option<Identity>)> = paths
            .par_iter()
            .map(|path| (path.clone(), identify(path)))
            .collect();
        let duplicates = duplicates(&read);
        let mut plan = Plan::default();
        let in_shard = read.into_iter().filter(|(path, identity)| {
            let key = match identity {
                Some(identity) => identity.id.clone(),
                None => path.to_string_lossy().into_owned(),
            };
            shard.is_none_or(|s| s.contains(&key))
        });
        for (index, (path, identity)) in in_shard.enumerate() {
            let id = identity.as_ref().map(|i| i.id.clone());
            let job = Job { index, path, id };
            match identity.and_then(|i| Some((duplicates.get(&i.id)?, i))) {
                Some((files, identity)) => {
                    plan.refused.push((job, duplicate(&identity, files)));
                }
                None => plan.jobs.push(job),
            }
        }
        plan
    }

    /// How many engagements the plan holds.
    pub fn len(&self) -> usize {
        self.jobs.len() + self.refused.len()
    }

    /// Whether the plan is empty (nothing found, or nothing in this shard).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The files of each id used more than once.
fn duplicates(read: &[(PathBuf, Option<Identity>)]) -> BTreeMap<String, Vec<PathBuf>> {
    let mut by_id: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for identity in read.iter().filter_map(|(_, i)| i.as_ref()) {
        by_id
            .entry(identity.id.as_str())
            .or_default()
            .push(&identity.file);
    }
    by_id
        .into_iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(id, files)| {
            (
                id.to_string(),
                files.iter().map(|f| f.to_path_buf()).collect(),
            )
        })
        .collect()
}

fn duplicate(identity: &Identity, all: &[PathBuf]) -> RenderError {
    let Identity { id, pos, file } = identity;
    let others: Vec<String> = all
        .iter()
        .filter(|f| f != &file)
        .map(|f| f.display().to_string())
        .collect();
    let mut diagnostic = Diagnostic::error(
        file,
        *pos,
        format!("engagement id `{id}` is also used by {}", others.join(", ")),
    );
    diagnostic.hints.push(
        "the id names the output folder, so each engagement needs its own; rename one of them"
            .into(),
    );
    RenderError::DuplicateId {
        diagnostic: Box::new(diagnostic),
        text: std::fs::read_to_string(file).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_key_into_exactly_one_slice() {
        let keys: Vec<String> = (0..300).map(|i| format!("ENG-{i:04}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for key in &keys {
            let holding = shards.iter().filter(|s| s.contains(key)).count();
            assert_eq!(holding, 1, "{key}");
        }
        for shard in &shards {
            let n = keys.iter().filter(|k| shard.contains(k)).count();
            assert!((60..=140).contains(&n), "{shard} holds {n} of 300");
        }
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
