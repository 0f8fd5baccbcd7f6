//! Values that remember where in the YAML they were written.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer};

/// A 1-based line and column in a source file; `0:0` when unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    /// Line, counted from 1.
    pub line: u32,
    /// Column in characters, counted from 1.
    pub column: u32,
}

impl Pos {
    /// Whether the position points at real source text.
    pub(crate) fn is_known(self) -> bool {
        self.line > 0
    }

    /// The position of the byte at `byte` in `text`.
    pub(crate) fn of_byte(text: &str, byte: usize) -> Pos {
        let before = &text[..byte.min(text.len())];
        Pos {
            line: (before.matches('\n').count() + 1) as u32,
            column: (before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1) as u32,
        }
    }

    /// The byte of `text` this position points at (its end when past it).
    pub fn byte_in(self, text: &str) -> usize {
        let mut byte = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if i + 1 == self.line as usize {
                let column = (self.column as usize).saturating_sub(1);
                return byte
                    + line
                        .char_indices()
                        .nth(column)
                        .map_or(line.len(), |(b, _)| b);
            }
            byte += line.len();
        }
        text.len()
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value read from YAML together with the position of its node.
///
/// Validation rules point at these positions, so every value a rule can
/// complain about is kept `Spanned`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spanned<T> {
    /// The value itself.
    pub value: T,
    /// Where the value was written.
    pub pos: Pos,
}

impl<T> Spanned<T> {
    /// Wraps a value that has no source position (built in code, not read).
    pub fn detached(value: T) -> Self {
        Self {
            value,
            pos: Pos::default(),
        }
    }
}

impl<T: Default> Default for Spanned<T> {
    fn default() -> Self {
        Self::detached(T::default())
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// In the schema a spanned value is just the value.
impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let inner = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let at = inner.referenced;
        let pos = Pos {
            line: u32::try_from(at.line()).unwrap_or(u32::MAX),
            column: u32::try_from(at.column()).unwrap_or(u32::MAX),
        };
        Ok(Self {
            value: inner.value,
            pos,
        })
    }
}
