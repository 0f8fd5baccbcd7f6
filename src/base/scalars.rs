//! Every scalar of an engagement file with the keys above it and the
//! position serde-saphyr gives it: what the checks that look at all of the
//! text (placeholders, missing glyphs, images inside Markdown) walk, since
//! the typed model keeps positions only for the values rules name.

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};

use crate::base::model::{Pos, Spanned};

/// One scalar value of the file.
#[derive(Debug, Clone)]
pub struct Scalar {
    /// The mapping keys above it, outermost first (sequence positions left
    /// out): `["findings", "description"]`.
    pub path: Vec<String>,
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
    let Ok(tree) = serde_saphyr::from_str::<Spanned<Node>>(source) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&tree, &mut Vec::new(), &mut out);
    out
}

fn walk(node: &Spanned<Node>, path: &mut Vec<String>, out: &mut Vec<Scalar>) {
    match &node.value {
        Node::Scalar(text) => out.push(Scalar {
            path: path.clone(),
            text: text.clone(),
            pos: node.pos,
        }),
        Node::Seq(items) => {
            for item in items {
                walk(item, path, out);
            }
        }
        Node::Map(entries) => {
            for (key, value) in entries {
                path.push(key.clone());
                walk(value, path, out);
                path.pop();
            }
        }
    }
}

/// A YAML node: a scalar as text, a sequence, or a mapping with text keys.
enum Node {
    Scalar(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(String, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(String::new()))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(String::new()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let key = match key.value {
                Node::Scalar(text) => text,
                _ => String::new(),
            };
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Map(entries))
    }
}
