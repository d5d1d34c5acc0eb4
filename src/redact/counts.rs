//! Matches counted per rule name, for [`Report::by_pattern`](super::Report::by_pattern).

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Counts by rule name, in name order; written as a JSON object. A handful of names at
/// most, kept in a sorted list (an ordered map's code cost the SDK's wasm ~2 KB gzipped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts(Vec<(String, u64)>);

impl Counts {
    /// The count for `name`, if it has one.
    pub fn get(&self, name: &str) -> Option<&u64> {
        let i = self.find(name).ok()?;
        Some(&self.0[i].1)
    }

    /// Adds `n` to `name`'s count (saturating).
    pub fn add(&mut self, name: &str, n: u64) {
        match self.find(name) {
            Ok(i) => self.0[i].1 = self.0[i].1.saturating_add(n),
            Err(i) => self.0.insert(i, (name.to_owned(), n)),
        }
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The names and counts, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &u64)> {
        self.0.iter().map(|(k, n)| (k, n))
    }

    /// The counts, in name order.
    pub fn values(&self) -> impl Iterator<Item = &u64> {
        self.0.iter().map(|(_, n)| n)
    }

    /// How many names have a count.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no name has a count.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }
}

impl<const N: usize> From<[(String, u64); N]> for Counts {
    fn from(counts: [(String, u64); N]) -> Self {
        let mut c = Self::default();
        for (name, n) in counts {
            c.add(&name, n);
        }
        c
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, n) in &self.0 {
            map.serialize_entry(k, n)?;
        }
        map.end()
    }
}
