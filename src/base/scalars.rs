//! Every scalar of an engagement file with the keys above it and the
//! position serde-saphyr gives it: what the checks that look at all of the
//! text (placeholders, missing glyphs, images inside Markdown) walk, since
//! the typed model keeps positions only for the values rules name.

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};

use crate::base::model::Pos;

/// One scalar value of the file.
#[derive(Debug, Clone)]
pub struct Scalar {
    /// The mapping keys above it, outermost first (sequence positions left
    /// out): `["findings", "description"]`.
    pub path: Vec<String>,
    /// The keys above it as a user finds them, with list positions and the
    /// items' ids: `findings[2] (F-03).title`.
    pub shown: String,
    /// The value as the parser reads it.
    pub text: String,
    /// Where the value starts.
    pub pos: Pos,
}

impl Scalar {
    /// Whether the value stands under these keys, written `a.b`.
    pub fn is_at(&self, dotted: &str) -> bool {
        self.path.iter().map(String::as_str).eq(dotted.split('.'))
    }

    /// Where `needle`, a piece of the value, is written in `source`: its
    /// first occurrence from where the value starts (for a block scalar,
    /// the line after its indicator, which a comment may follow). The
    /// value's own position when the piece is not written as read (an
    /// escape sequence).
    pub fn locate(&self, source: &str, needle: &str) -> Pos {
        let mut start = self.pos.byte_in(source);
        if source[start..].starts_with(['|', '>']) {
            start = source[start..].find('\n').map_or(start, |i| start + i + 1);
        }
        match source[start..].find(needle) {
            Some(i) => Pos::of_byte(source, start + i),
            None => self.pos,
        }
    }
}

/// Every scalar of `source`, in file order; none when it is not YAML.
pub fn scalars(source: &str) -> Vec<Scalar> {
    let Some(tree) = tree(source) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&tree, &mut Vec::new(), "", &mut out);
    out
}

/// The YAML document `source` as a tree; none when it is not YAML.
pub fn tree(source: &str) -> Option<Node> {
    let mut tree = serde_saphyr::from_str::<Node>(source).ok()?;
    tree.raw(source);
    Some(tree)
}

/// The position of every scalar under `node`, itself included.
pub fn scalars_of(node: &Node) -> Vec<Pos> {
    let mut out = Vec::new();
    walk(node, &mut Vec::new(), "", &mut out);
    out.into_iter().map(|s| s.pos).collect()
}

fn walk(node: &Node, path: &mut Vec<String>, shown: &str, out: &mut Vec<Scalar>) {
    match &node.kind {
        Kind::Scalar(text) => out.push(Scalar {
            path: path.clone(),
            shown: shown.to_owned(),
            text: text.value.clone(),
            pos: node.pos,
        }),
        Kind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, path, &item_path(shown, i, item), out);
            }
        }
        Kind::Map(entries, _) => {
            for (key, value) in entries {
                path.push(key.clone());
                walk(value, path, &key_path(shown, key), out);
                path.pop();
            }
        }
    }
}

/// The path of the value of `key` in the mapping at `holder`.
fn key_path(holder: &str, key: &str) -> String {
    if holder.is_empty() {
        key.to_owned()
    } else {
        format!("{holder}.{key}")
    }
}

/// The path of item `i` of the list at `list`, with the item's id when it
/// has one: `findings[2] (F-03)`.
fn item_path(list: &str, i: usize, item: &Node) -> String {
    let id = item
        .get("id")
        .and_then(Node::text)
        .filter(|id| !id.is_empty());
    match id {
        Some(id) => format!("{list}[{i}] ({id})"),
        None => format!("{list}[{i}]"),
    }
}

/// A YAML node and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// Where it starts.
    pub pos: Pos,
    /// The bytes of the source it spans, when the parser says.
    span: Option<(usize, usize)>,
}

/// A scalar, a sequence, or a mapping with text keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar.
    Scalar(Text),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in the order written, with where each key is written
    /// (a plain key such as `on` is text as written, not the boolean a
    /// YAML 1.1 reader takes it for).
    Map(Vec<(String, Node)>, Vec<Option<(usize, usize)>>),
}

/// A scalar's value.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The value as the parser reads it.
    pub value: String,
    /// A plain (unquoted) scalar's text exactly as written (`1.10`, `true`,
    /// `null`), which the parser may read as a number; none for a quoted or
    /// block scalar.
    pub plain: Option<String>,
}

impl Text {
    /// The value compared between versions: a plain scalar as written (so
    /// `1.10` is not `1.1`), any other as read.
    pub fn compared(&self) -> &str {
        self.plain.as_deref().unwrap_or(&self.value)
    }
}

impl Node {
    /// Fills in each plain scalar's text from `source`.
    fn raw(&mut self, source: &str) {
        match &mut self.kind {
            Kind::Scalar(text) => text.plain = plain(source, self.span).map(str::to_string),
            Kind::Seq(items) => items.iter_mut().for_each(|n| n.raw(source)),
            Kind::Map(entries, keys) => {
                for ((key, value), span) in entries.iter_mut().zip(keys.iter()) {
                    if let Some(written) = plain(source, *span) {
                        *key = written.to_string();
                    }
                    value.raw(source);
                }
            }
        }
    }

    /// The value at `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries, _) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar's value.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(text) => Some(&text.value),
            _ => None,
        }
    }
}

/// The text of a plain (unquoted, not block) scalar at `span` of
/// `source`; none for any other.
fn plain(source: &str, span: Option<(usize, usize)>) -> Option<&str> {
    span.and_then(|(start, len)| source.get(start..start + len))
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.starts_with(['"', '\'', '|', '>', '&', '*', '!']))
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let inner = serde_saphyr::Spanned::<Kind>::deserialize(deserializer)?;
        let at = inner.referenced;
        let span = at.span();
        Ok(Node {
            kind: inner.value,
            pos: Pos {
                line: u32::try_from(at.line()).unwrap_or(u32::MAX),
                column: u32::try_from(at.column()).unwrap_or(u32::MAX),
            },
            span: span
                .byte_offset()
                .zip(span.byte_len())
                .and_then(|(o, l)| Some((usize::try_from(o).ok()?, usize::try_from(l).ok()?))),
        })
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

fn scalar(value: String) -> Kind {
    Kind::Scalar(Text { value, plain: None })
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Kind, E> {
        Ok(scalar(v.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Kind, E> {
        Ok(scalar(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Kind, E> {
        Ok(scalar(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Kind, E> {
        Ok(scalar(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Kind, E> {
        Ok(scalar(v.to_string()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Kind, E> {
        Ok(scalar(String::new()))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Kind, E> {
        Ok(scalar(String::new()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Kind::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            keys.push(key.span);
            let key = match key.kind {
                Kind::Scalar(text) => text.value,
                _ => String::new(),
            };
            entries.push((key, map.next_value()?));
        }
        Ok(Kind::Map(entries, keys))
    }
}

/// The mapping that holds a key, as a person finds it in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    /// Its path from the top, with list positions and, for items that
    /// have one, their id: `findings[2] (F-03)`; empty at the top level.
    pub path: String,
    /// Where to point: the key above it, or a list item's first line (the
    /// document's first key at the top level).
    pub pos: Pos,
    /// What stands above it.
    pub under: Under,
}

/// What stands above a mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum Under {
    /// Nothing: it is the document.
    Top,
    /// The key whose value it is.
    Key(String),
    /// A list, of which it is an item.
    Item,
}

/// The mapping of `tree` that holds a key written at the byte `key` of
/// `source`; none when no key starts there.
pub fn holder_of_key(tree: &Node, source: &str, key: usize) -> Option<Holder> {
    let top = Holder {
        path: String::new(),
        pos: tree.pos,
        under: Under::Top,
    };
    find_holder(tree, source, key, top)
}

/// Where the first key is written of the mapping of `tree` that holds a
/// key written at the byte `key`: where a key missing from that mapping
/// can be added. None when no key starts at `key`.
pub fn first_key_beside(tree: &Node, key: usize) -> Option<usize> {
    match &tree.kind {
        Kind::Scalar(_) => None,
        Kind::Map(entries, spans) => {
            if spans.iter().flatten().any(|(start, _)| *start == key) {
                return Some(spans.first().copied().flatten()?.0);
            }
            entries
                .iter()
                .find_map(|(_, value)| first_key_beside(value, key))
        }
        Kind::Seq(items) => items.iter().find_map(|item| first_key_beside(item, key)),
    }
}

fn find_holder(node: &Node, source: &str, key: usize, here: Holder) -> Option<Holder> {
    match &node.kind {
        Kind::Scalar(_) => None,
        Kind::Map(entries, spans) => {
            if spans.iter().flatten().any(|(start, _)| *start == key) {
                return Some(here);
            }
            entries.iter().zip(spans).find_map(|((name, value), span)| {
                let path = key_path(&here.path, name);
                let pos = span.map_or(value.pos, |(start, _)| Pos::of_byte(source, start));
                let under = Under::Key(name.clone());
                find_holder(value, source, key, Holder { path, pos, under })
            })
        }
        Kind::Seq(items) => items.iter().enumerate().find_map(|(i, item)| {
            let path = item_path(&here.path, i, item);
            let under = Under::Item;
            find_holder(
                item,
                source,
                key,
                Holder {
                    path,
                    pos: item.pos,
                    under,
                },
            )
        }),
    }
}
