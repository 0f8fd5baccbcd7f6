//! What a batch will render: every engagement's id read first, ids used
//! twice refused, the shard applied.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::base::diagnostic::Diagnostic;
use crate::pipeline::load::{Identity, identify};
use crate::pipeline::render::RenderError;

/// The most slices a batch is split in.
pub const MAX_SHARDS: u32 = 10_000;

/// One slice of a batch split across machines: the `index`-th of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, from 1.
    pub index: u32,
    /// How many slices.
    pub count: u32,
}

impl Shard {
    /// The shard (from 1) of each engagement, given by its key (its id),
    /// when a batch is split in `count`: the keys in sorted order, cut
    /// into `count` runs whose lengths differ by at most one. The split
    /// depends on the keys alone, not on the machine or the order they are
    /// listed in, so every machine that sees the same tree agrees; an
    /// edited engagement stays where it was, and one added or removed moves
    /// at most one engagement across each cut.
    pub fn split(keys: &[String], count: u32) -> Vec<u32> {
        let n = keys.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        let mut shard = vec![0u32; n];
        for (rank, i) in order.into_iter().enumerate() {
            let k = rank as u64 * u64::from(count.max(1)) / n.max(1) as u64;
            shard[i] = k as u32 + 1;
        }
        shard
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard; write K/N with 1 ≤ K ≤ N ≤ 10000, e.g. 2/3");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count || count > MAX_SHARDS {
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
        let shards = shard.map(|s| {
            let keys: Vec<String> = read.iter().map(|(p, i)| key(p, i.as_ref())).collect();
            Shard::split(&keys, s.count)
        });
        let in_shard = read.into_iter().enumerate().filter_map(|(i, item)| {
            let keep = match (&shards, shard) {
                (Some(shards), Some(shard)) => shards[i] == shard.index,
                _ => true,
            };
            keep.then_some(item)
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

/// What places an engagement in a shard: its id, or its path when the id
/// cannot be read.
fn key(path: &Path, identity: Option<&Identity>) -> String {
    match identity {
        Some(identity) => identity.id.clone(),
        None => path.to_string_lossy().into_owned(),
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
    RenderError::DuplicateId {
        diagnostic: Box::new(duplicate_id(identity, all)),
        text: std::fs::read_to_string(&identity.file).unwrap_or_default(),
    }
}

/// The error of an engagement whose id the engagements of `all` (its own
/// file among them) use too.
pub(crate) fn duplicate_id(identity: &Identity, all: &[PathBuf]) -> Diagnostic {
    let Identity { id, pos, file, .. } = identity;
    let others: Vec<String> = all
        .iter()
        .filter(|f| f != &file)
        .map(|f| f.display().to_string())
        .collect();
    Diagnostic::error(
        file,
        *pos,
        format!("engagement id `{id}` is also used by {}", others.join(", ")),
    )
    .with_hint(
        "the id names the output folder, so each engagement needs its own; rename one of them",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("ENG-{:04}", (i * 7_919) % 10_007))
            .collect()
    }

    #[test]
    fn every_engagement_falls_in_exactly_one_shard_and_shards_hold_alike_counts() {
        for (n, count) in [(30, 2), (100, 3), (7, 4), (3, 8), (250, 8)] {
            let split = Shard::split(&keys(n), count);
            assert_eq!(split.len(), n);
            assert!(split.iter().all(|k| (1..=count).contains(k)));
            let counts: Vec<usize> = (1..=count)
                .map(|k| split.iter().filter(|&&s| s == k).count())
                .collect();
            let spread = counts.iter().max().unwrap() - counts.iter().min().unwrap();
            assert!(spread <= 1, "{n} in {count}: {counts:?}");
        }
    }

    #[test]
    fn the_split_depends_on_the_keys_not_their_order() {
        let all = keys(60);
        let split = Shard::split(&all, 4);
        let mut reversed = all.clone();
        reversed.reverse();
        let mut again = Shard::split(&reversed, 4);
        again.reverse();
        assert_eq!(split, again);
    }

    #[test]
    fn an_added_engagement_moves_at_most_one_across_each_cut() {
        let before = keys(100);
        let mut after = before.clone();
        after.push("ENG-5000".into());
        let (old, new) = (Shard::split(&before, 4), Shard::split(&after, 4));
        let moved = (0..before.len()).filter(|&i| old[i] != new[i]).count();
        assert!(moved <= 3, "{moved} moved");
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "", "1/10001"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
