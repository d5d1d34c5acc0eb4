//! Byte-aware truncation of JSON values, and their exact compact JSON size.
//!
//! The algorithm is the OpenAI Agents SDK's `BackendSpanExporter`
//! `_truncate_json_value_for_limit`: strings are cut on a character boundary and end with
//! [`TRUNCATED_SUFFIX`]; objects and arrays shrink their largest child first, giving it
//! what is left of the budget, and drop a child that cannot shrink. Unlike the seed, sizes
//! are tracked arithmetically (a container is its brackets, commas, keys and children) and
//! never re-serialised, and the string cut point is found in one forward pass, so a 10 MB
//! string costs one scan up to the cut. Nothing here redacts or allocates JSON text.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::{self, Write};

use serde_json::{Map, Value};

use super::{Report, TRUNCATED_SUFFIX};

/// Containers nested deeper than this are not shrunk from the inside; their parent drops
/// them whole instead. Bounds recursion on hostile input (serde_json itself refuses to
/// parse more than 128 levels).
const MAX_SHRINK_DEPTH: usize = 256;

/// Extra bytes serde_json spends on each byte of a string: `"` and `\` and the short
/// control escapes (`\b \t \n \f \r`) take 2 bytes, other control characters take 6
/// (`\u00XX`); everything else, including DEL and non-ASCII, is copied as is.
const fn escape_len(b: u8) -> usize {
    match b {
        b'"' | b'\\' | 0x08 | 0x09 | 0x0A | 0x0C | 0x0D => 2,
        0x00..=0x1F => 6,
        _ => 1,
    }
}

/// The length of `s` once escaped, without the surrounding quotes.
fn escaped_len(s: &str) -> usize {
    s.bytes().map(escape_len).sum()
}

/// The compact JSON size of a string value, quotes included.
pub(crate) fn str_size(s: &str) -> usize {
    escaped_len(s) + 2
}

/// Counts bytes written through `fmt::Write` without storing them.
struct Counter(usize);

impl Write for Counter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

fn number_size(n: &serde_json::Number) -> usize {
    if let Some(u) = n.as_u64() {
        return u.checked_ilog10().map_or(1, |d| d as usize + 1);
    }
    // serde_json's `Display` for numbers is the same itoa/float formatter it serialises
    // with, so counting its output is exact.
    let mut counter = Counter(0);
    let _ = write!(counter, "{n}");
    counter.0
}

/// The exact byte length of `serde_json::to_string(v)` (compact), computed without
/// building the string.
///
/// Walks the value with an explicit stack, so deep nesting cannot overflow the call stack.
///
/// # Examples
/// ```
/// use agentlens::redact::{json_size, Value};
/// let v: Value = serde_json::json!({"a": [1, "x\n"], "b": null});
/// assert_eq!(json_size(&v), serde_json::to_string(&v).unwrap().len());
/// ```
#[must_use]
pub fn json_size(v: &Value) -> usize {
    let mut total = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total += match v {
            Value::Null => 4,
            Value::Bool(true) => 4,
            Value::Bool(false) => 5,
            Value::Number(n) => number_size(n),
            Value::String(s) => str_size(s),
            Value::Array(items) => {
                stack.extend(items);
                2 + items.len().saturating_sub(1)
            }
            Value::Object(map) => {
                stack.extend(map.values());
                let keys: usize = map.keys().map(|k| str_size(k) + 1).sum();
                2 + keys + map.len().saturating_sub(1)
            }
        };
    }
    total
}

/// Cuts `s` so that its JSON-escaped size (quotes included) is at most `max_bytes`.
///
/// A string that fits is returned borrowed. Otherwise the longest prefix that ends on a
/// character boundary is kept and [`TRUNCATED_SUFFIX`] appended (the suffix counts toward
/// the limit). When only the suffix fits the result is the suffix alone, and when not even
/// the suffix fits it is `""` (which still exceeds limits below 2).
///
/// # Examples
/// ```
/// use agentlens::redact::truncate_str;
/// let long = "é".repeat(20); // 40 bytes
/// let cut = truncate_str(&long, 30);
/// assert_eq!(cut, "éééééé... [truncated]"); // 2 quotes + 12 + 15 = 29 bytes
/// assert!(serde_json::to_string(&cut).unwrap().len() <= 30);
/// ```
#[must_use]
pub fn truncate_str(s: &str, max_bytes: usize) -> Cow<'_, str> {
    if fits(s, max_bytes) {
        return Cow::Borrowed(s);
    }
    let suffix_size = str_size(TRUNCATED_SUFFIX);
    if suffix_size > max_bytes {
        return Cow::Borrowed("");
    }
    let budget = max_bytes - suffix_size;
    let mut used = 0;
    let mut cut = s.len();
    for (i, c) in s.char_indices() {
        let w = if c.is_ascii() {
            escape_len(c as u8)
        } else {
            c.len_utf8()
        };
        if used + w > budget {
            cut = i;
            break;
        }
        used += w;
    }
    let mut out = String::with_capacity(cut + TRUNCATED_SUFFIX.len());
    out.push_str(&s[..cut]);
    out.push_str(TRUNCATED_SUFFIX);
    Cow::Owned(out)
}

/// Whether the escaped size of `s` is at most `max_bytes`, stopping early once it is not.
fn fits(s: &str, max_bytes: usize) -> bool {
    if s.len() + 2 > max_bytes {
        return false; // escaping only ever grows a string
    }
    str_size(s) <= max_bytes
}

/// Shrinks `v` in place so that `json_size(v) <= max_bytes`, keeping it valid JSON.
///
/// Strings are cut as in [`truncate_str`]; objects and arrays shrink their largest child
/// first (ties go to the earliest) with the budget `max_bytes - (size - child_size)`, and
/// drop a child that cannot shrink (numbers, booleans, null, empty containers). A scalar
/// that does not fit is replaced by the [`TRUNCATED_SUFFIX`] string if that fits, else by
/// `""`; below 2 bytes nothing fits and the result is `null`. A call that changes
/// something adds 1 to [`Report::fields_truncated`] and the size difference to
/// [`Report::bytes_removed`].
///
/// # Panics
/// Never.
///
/// # Examples
/// ```
/// use agentlens::redact::{json_size, truncate_value, Report};
/// let mut v = serde_json::json!({"id": 7, "text": "x".repeat(1000)});
/// let mut report = Report::default();
/// truncate_value(&mut v, 64, &mut report);
/// assert!(json_size(&v) <= 64);
/// assert_eq!(v["id"], 7);
/// assert_eq!(report.fields_truncated, 1);
/// ```
pub fn truncate_value(v: &mut Value, max_bytes: usize, report: &mut Report) {
    // Most values are far under the limit: a walk over nodes (not bytes) proves it.
    if size_upper_bound(v, max_bytes).is_some_and(|upper| upper <= max_bytes) {
        return;
    }
    let before = json_size(v);
    if before <= max_bytes {
        return;
    }
    let mut after = shrink(v, before, max_bytes, 0).unwrap_or(before);
    if after > max_bytes {
        let fallback = if str_size(TRUNCATED_SUFFIX) <= max_bytes {
            Value::String(TRUNCATED_SUFFIX.to_owned())
        } else if max_bytes >= 2 {
            Value::String(String::new())
        } else {
            Value::Null
        };
        after = json_size(&fallback);
        *v = fallback;
    }
    report.fields_truncated = report.fields_truncated.saturating_add(1);
    report.bytes_removed = report
        .bytes_removed
        .saturating_add(before.saturating_sub(after) as u64);
}

/// An upper bound on `json_size(v)` from lengths alone (every byte of a string escaped
/// to 6), or `None` once it exceeds `cap` or the walk gets deep: then measure exactly.
fn size_upper_bound(v: &Value, cap: usize) -> Option<usize> {
    fn walk(v: &Value, cap: usize, depth: usize, acc: &mut usize) -> Option<()> {
        if depth > 64 || *acc > cap {
            return None;
        }
        *acc += match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 32,
            Value::String(s) => 2 + 6 * s.len(),
            Value::Array(items) => {
                for item in items {
                    walk(item, cap, depth + 1, acc)?;
                }
                2 + items.len()
            }
            Value::Object(map) => {
                for (k, item) in map {
                    *acc += 4 + 6 * k.len();
                    walk(item, cap, depth + 1, acc)?;
                }
                2 + map.len()
            }
        };
        (*acc <= cap).then_some(())
    }
    let mut acc = 0;
    walk(v, cap, 0, &mut acc).map(|()| acc)
}

/// Shrinks `v`, whose current size is `size > budget`, towards `budget`. Returns the new
/// size if `v` changed, or `None` if it cannot shrink (the caller then drops it).
fn shrink(v: &mut Value, size: usize, budget: usize, depth: usize) -> Option<usize> {
    match v {
        Value::String(s) => match truncate_str(s, budget) {
            Cow::Borrowed(cut) if cut.len() == s.len() => None,
            cut => {
                let cut = cut.into_owned();
                let new_size = str_size(&cut);
                *s = cut;
                Some(new_size)
            }
        },
        Value::Array(items) if !items.is_empty() && depth < MAX_SHRINK_DEPTH => {
            let entries = std::mem::take(items).into_iter().map(|v| ((), v)).collect();
            let (kept, new_size) = shrink_entries(entries, size, budget, depth, |()| 0);
            *items = kept.into_iter().map(|((), v)| v).collect();
            Some(new_size)
        }
        Value::Object(map) if !map.is_empty() && depth < MAX_SHRINK_DEPTH => {
            let entries = std::mem::take(map).into_iter().collect();
            let (kept, new_size) =
                shrink_entries(entries, size, budget, depth, |k: &String| str_size(k) + 1);
            let mut rebuilt = Map::with_capacity(kept.len());
            rebuilt.extend(kept);
            *map = rebuilt;
            Some(new_size)
        }
        _ => None,
    }
}

/// The container loop of [`shrink`], shared by arrays (key `()`) and objects (key
/// `String`). `key_size` is what a key adds to its entry (`"key":` for objects).
/// Returns the surviving entries in their original order and the container's new size.
fn shrink_entries<K>(
    entries: Vec<(K, Value)>,
    size: usize,
    budget: usize,
    depth: usize,
    key_size: impl Fn(&K) -> usize,
) -> (Vec<(K, Value)>, usize) {
    // The last child's size follows from the others' and the container's, which spares a
    // walk of the usual big payload at the end, and of every level of a one-child chain.
    let overhead: usize = 2
        + entries.len().saturating_sub(1)
        + entries.iter().map(|(k, _)| key_size(k)).sum::<usize>();
    let mut known = overhead;
    let mut heap = BinaryHeap::with_capacity(entries.len());
    for (i, (_, v)) in entries.iter().enumerate() {
        let child_size = if i + 1 == entries.len() {
            size.saturating_sub(known)
        } else {
            json_size(v)
        };
        known += child_size;
        heap.push((child_size, Reverse(i)));
    }
    let mut slots: Vec<Option<(K, Value)>> = entries.into_iter().map(Some).collect();
    let mut current = size;
    let mut alive = slots.len();
    while current > budget {
        let Some((child_size, Reverse(i))) = heap.pop() else {
            break;
        };
        let Some((key, child)) = slots[i].as_mut() else {
            continue;
        };
        let child_budget = budget.saturating_sub(current - child_size);
        match shrink(child, child_size, child_budget, depth + 1) {
            Some(new_size) => {
                current = current - child_size + new_size;
                heap.push((new_size, Reverse(i)));
            }
            None => {
                let comma = usize::from(alive > 1);
                current -= key_size(key) + child_size + comma;
                alive -= 1;
                slots[i] = None;
            }
        }
    }
    (slots.into_iter().flatten().collect(), current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exact(v: &Value) -> usize {
        serde_json::to_string(v).unwrap().len()
    }

    #[test]
    fn json_size_matches_serde_json_on_escapes_numbers_and_nesting() {
        let control: String = (0u8..0x20).map(char::from).collect();
        for v in [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(-12345),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(1.5e300),
            json!(-0.0),
            json!(0.1),
            json!(control),
            json!("quote \" backslash \\ del \u{7f} é 😀"),
            json!({"k\n": [1, {"a": []}, {}], "": ""}),
            json!([[], [[]], {"x": {"y": null}}]),
        ] {
            assert_eq!(json_size(&v), exact(&v), "{v}");
        }
    }

    #[test]
    fn strings_are_cut_on_char_boundaries_with_the_suffix() {
        let s = "😀".repeat(10); // 40 bytes, 42 as JSON
        let cut = truncate_str(&s, 30);
        assert_eq!(cut, "😀😀😀... [truncated]");
        assert!(str_size(&cut) <= 30);
        assert_eq!(truncate_str(&s, 17), TRUNCATED_SUFFIX);
        assert_eq!(truncate_str(&s, 16), "");
        assert!(matches!(truncate_str(&s, 42), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_count_toward_the_limit() {
        let s = "\n".repeat(50); // 100 bytes escaped
        let cut = truncate_str(&s, 27); // 10 bytes left after the suffix: 5 newlines
        assert_eq!(cut, format!("{}{TRUNCATED_SUFFIX}", "\n".repeat(5)));
        assert_eq!(str_size(&cut), 27);
    }

    #[test]
    fn the_largest_child_is_trimmed_first() {
        let mut v = json!({"small": "abc", "big": "x".repeat(200), "n": 1});
        let before = exact(&v);
        let mut report = Report::default();
        truncate_value(&mut v, 100, &mut report);
        assert_eq!(v["small"], "abc");
        assert_eq!(v["n"], 1);
        assert!(v["big"].as_str().unwrap().ends_with(TRUNCATED_SUFFIX));
        assert_eq!(exact(&v), 100);
        assert_eq!(report.bytes_removed as usize, before - 100);
    }

    #[test]
    fn children_that_cannot_shrink_are_dropped() {
        // Equal sizes: the earliest goes first, as with Python's `max`.
        let mut v = json!([123456789, 987654321, 5]);
        truncate_value(&mut v, 13, &mut Report::default());
        assert_eq!(v, json!([987654321, 5]));
        truncate_value(&mut v, 12, &mut Report::default());
        assert_eq!(v, json!([5]));
    }

    #[test]
    fn scalars_and_tiny_limits_fall_back_to_the_smallest_value() {
        let mut report = Report::default();
        let mut v = json!(123456789012345678u64);
        truncate_value(&mut v, 17, &mut report);
        assert_eq!(v, json!(TRUNCATED_SUFFIX));
        let mut v = json!(true);
        truncate_value(&mut v, 3, &mut report);
        assert_eq!(v, json!(""));
        let mut v = json!({"a": 1});
        truncate_value(&mut v, 1, &mut report);
        assert_eq!(v, Value::Null);
        assert_eq!(report.fields_truncated, 3);
    }

    #[test]
    fn tracked_sizes_agree_with_serialisation() {
        let mut v = json!({"a": ["x".repeat(50), {"b": "y\n".repeat(40)}], "c": [1, 2, 3]});
        for limit in (2..exact(&v)).rev().step_by(7) {
            let mut w = v.clone();
            let size = json_size(&w);
            let got = shrink(&mut w, size, limit, 0);
            assert_eq!(got, Some(exact(&w)), "limit {limit}");
            assert!(exact(&w) <= limit.max(2));
        }
        truncate_value(&mut v, 1_000_000, &mut Report::default());
    }
}
