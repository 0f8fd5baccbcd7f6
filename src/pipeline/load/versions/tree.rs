//! The changes between two engagement files, computed over the whole YAML
//! document: every mapping key, every item of every list (items of a list
//! of mappings paired by their identity, such as `id`, never by position),
//! every scalar as written. Comments and layout are not content.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::base::scalars::{Kind, Node};

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// A mapping's key.
    Key(String),
    /// The item of a list whose identity `key` has the value `id`
    /// (`findings[F-03]`); a second item with the same value gets `#2`.
    Item {
        /// The list's identity key.
        key: &'static str,
        /// The item's value of it.
        id: String,
    },
    /// The item of a list at this position, counted from 1, for lists
    /// whose items have no identity.
    Index(usize),
}

/// A path as people write it: `findings[F-03].recommendation`.
pub fn dotted(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Item { id, .. } => {
                let _ = write!(out, "[{id}]");
            }
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// A difference at one path: the node before (none when added) and after
/// (none when removed).
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// Where.
    pub steps: Vec<Step>,
    /// The older node.
    pub before: Option<Node>,
    /// The newer node.
    pub after: Option<Node>,
}

/// The keys that identify an item of a list of mappings, tried in order:
/// the first that every item has, as a scalar, is the list's identity.
const IDENTITIES: [&str; 11] = [
    "id",
    "version",
    "concurrency",
    "metric",
    "topic",
    "item",
    "name",
    "date",
    "path",
    "kind",
    "file",
];

/// Every difference between `base` and `new`, in the newer document's
/// order, removed entries after the entries of their parent.
pub fn edits(base: &Node, new: &Node) -> Vec<Edit> {
    let mut out = Vec::new();
    walk(&mut Vec::new(), base, new, &mut out);
    out
}

fn walk(path: &mut Vec<Step>, base: &Node, new: &Node, out: &mut Vec<Edit>) {
    match (&base.kind, &new.kind) {
        (Kind::Map(a, _), Kind::Map(b, _)) => {
            let keyed = |entries: &[(String, Node)]| -> Vec<(Step, Node)> {
                entries
                    .iter()
                    .map(|(k, v)| (Step::Key(k.clone()), v.clone()))
                    .collect()
            };
            items(path, &keyed(a), &keyed(b), out);
        }
        (Kind::Seq(a), Kind::Seq(b)) => match identity(a, b) {
            Some(key) => items(path, &keyed(a, key), &keyed(b, key), out),
            None if all_scalars(a) && all_scalars(b) => {
                if !same(base, new) {
                    push(out, path, Some(base), Some(new));
                }
            }
            None => {
                let number = |list: &[Node]| -> Vec<(Step, Node)> {
                    list.iter()
                        .enumerate()
                        .map(|(i, n)| (Step::Index(i + 1), n.clone()))
                        .collect()
                };
                items(path, &number(a), &number(b), out);
            }
        },
        _ if same(base, new) => {}
        _ => push(out, path, Some(base), Some(new)),
    }
}

/// Pairs the entries of two mappings, or the items of two lists, by
/// their step.
fn items(path: &mut Vec<Step>, a: &[(Step, Node)], b: &[(Step, Node)], out: &mut Vec<Edit>) {
    for (step, after) in b {
        path.push(step.clone());
        match a.iter().find(|(s, _)| s == step) {
            Some((_, before)) => walk(path, before, after, out),
            None => push(out, path, None, Some(after)),
        }
        path.pop();
    }
    for (step, before) in a {
        if !b.iter().any(|(s, _)| s == step) {
            path.push(step.clone());
            push(out, path, Some(before), None);
            path.pop();
        }
    }
}

fn push(out: &mut Vec<Edit>, path: &[Step], before: Option<&Node>, after: Option<&Node>) {
    out.push(Edit {
        steps: path.to_vec(),
        before: before.cloned(),
        after: after.cloned(),
    });
}

/// Whether two nodes hold the same content, positions aside.
pub fn same(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Scalar(x), Kind::Scalar(y)) => x.compared() == y.compared(),
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Kind::Map(x, _), Kind::Map(y, _)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(l, w)| k == l && same(v, w)))
        }
        _ => false,
    }
}

fn all_scalars(list: &[Node]) -> bool {
    list.iter().all(|n| matches!(n.kind, Kind::Scalar(_)))
}

/// The identity key of two lists of mappings: of [`IDENTITIES`] that
/// every item of both has as a scalar, the first whose values are unique
/// in each list; none (items are paired by position) when no key is.
fn identity(a: &[Node], b: &[Node]) -> Option<&'static str> {
    if a.is_empty() && b.is_empty() {
        return None;
    }
    let present: Vec<&'static str> = IDENTITIES
        .into_iter()
        .filter(|key| {
            a.iter()
                .chain(b)
                .all(|item| item.get(key).and_then(Node::text).is_some())
        })
        .collect();
    let unique = |list: &[Node], key: &str| {
        let mut seen = std::collections::HashSet::new();
        list.iter()
            .all(|item| seen.insert(item.get(key).and_then(Node::text)))
    };
    present
        .into_iter()
        .find(|key| unique(a, key) && unique(b, key))
}

/// The items of `list` by their identity `key`; the n-th item with the
/// same value gets `#n`.
fn keyed(list: &[Node], key: &'static str) -> Vec<(Step, Node)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    list.iter()
        .map(|item| {
            let id = item.get(key).and_then(Node::text).unwrap_or_default();
            let n = seen.entry(id.to_string()).or_default();
            *n += 1;
            let id = if *n == 1 {
                id.to_string()
            } else {
                format!("{id}#{n}")
            };
            (Step::Item { key, id }, item.clone())
        })
        .collect()
}

/// `base` with `edit` applied: the node at its path replaced by its newer
/// node, added, or removed. `None` when the path is not there.
pub fn apply(base: &Node, edit: &Edit) -> Option<Node> {
    let mut tree = base.clone();
    let (last, parents) = edit.steps.split_last()?;
    let mut node = &mut tree;
    for step in parents {
        node = child(node, step)?;
    }
    match (&mut node.kind, last, &edit.after) {
        (Kind::Map(entries, _), Step::Key(key), after) => {
            let at = entries.iter().position(|(k, _)| k == key);
            match (at, after) {
                (Some(i), Some(after)) => entries[i].1 = after.clone(),
                (Some(i), None) => {
                    entries.remove(i);
                }
                (None, Some(after)) => entries.push((key.clone(), after.clone())),
                (None, None) => return None,
            }
        }
        (Kind::Seq(list), step, after) => {
            let at = position(list, step);
            match (at, after) {
                (Some(i), Some(after)) => list[i] = after.clone(),
                (Some(i), None) => {
                    list.remove(i);
                }
                (None, Some(after)) => list.push(after.clone()),
                (None, None) => return None,
            }
        }
        _ => return None,
    }
    Some(tree)
}

/// The node at `steps`, if there is one.
pub fn at<'a>(node: &'a Node, steps: &[Step]) -> Option<&'a Node> {
    steps
        .iter()
        .try_fold(node, |node, step| match (&node.kind, step) {
            (Kind::Map(entries, _), Step::Key(key)) => {
                entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            (Kind::Seq(list), step) => list.get(position(list, step)?),
            _ => None,
        })
}

fn child<'a>(node: &'a mut Node, step: &Step) -> Option<&'a mut Node> {
    match (&mut node.kind, step) {
        (Kind::Map(entries, _), Step::Key(key)) => {
            entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
        }
        (Kind::Seq(list), step) => {
            let i = position(list, step)?;
            list.get_mut(i)
        }
        _ => None,
    }
}

/// Where the item `step` names is in `list`.
fn position(list: &[Node], step: &Step) -> Option<usize> {
    match step {
        Step::Index(i) => i.checked_sub(1).filter(|i| *i < list.len()),
        Step::Item { key, .. } => keyed(list, key).iter().position(|(s, _)| s == step),
        Step::Key(_) => None,
    }
}

/// The document as YAML in flow style (JSON, with plain scalars kept as
/// written), for reading back with the engagement parser.
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    emit(node, &mut out);
    out
}

fn emit(node: &Node, out: &mut String) {
    match &node.kind {
        Kind::Scalar(text) => match text.plain.as_deref() {
            Some(raw) if is_plain_value(raw) => out.push_str(raw),
            _ => out.push_str(&quoted(&text.value)),
        },
        Kind::Seq(list) => {
            out.push('[');
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit(item, out);
            }
            out.push(']');
        }
        Kind::Map(entries, _) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quoted(key));
                out.push_str(": ");
                emit(value, out);
            }
            out.push('}');
        }
    }
}

/// Whether a plain scalar reads as something other than a string: a
/// number, a boolean or null, which quoting would turn into a string.
fn is_plain_value(raw: &str) -> bool {
    matches!(raw, "true" | "false" | "null" | "~")
        || serde_json::from_str::<serde_json::Number>(raw).is_ok()
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}
