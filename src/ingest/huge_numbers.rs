//! Numbers too large for a double. JSON's grammar has no bound on a number (`1e400` is
//! valid JSON, and JavaScript reads it as `Infinity`), but the reader refuses the whole
//! text. Only when a read failed is the text scanned; each such number is kept as text
//! (`"1e400"`), so the batch is read and the one field that held it is the client's to
//! explain: a time that cannot be read is dated when received.

use crate::model::lenient::decimal;

/// `text` with every number outside strings whose value overflows a double written as a
/// string of its digits, and how many there were; `None` when there is none.
pub(super) fn repair(text: &str) -> Option<(String, u64)> {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0u64;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                // A string: skipped whole, escapes included.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = &text[start..i];
                // The core's decimal reader, not `str::parse` (which brings 10 KB of tables into the wasm).
                if decimal(token).is_some_and(f64::is_infinite) {
                    out.push_str(&text[copied..start]);
                    out.push('"');
                    out.push_str(token);
                    out.push('"');
                    copied = i;
                    count += 1;
                }
            }
            _ => i += 1,
        }
    }
    if count == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some((out, count))
}

#[cfg(test)]
mod tests {
    use super::repair;

    #[test]
    fn numbers_past_a_double_become_text() {
        assert_eq!(
            repair(r#"{"a":1e400,"b":[-1E+999, 2],"c":"1e400"}"#),
            Some((r#"{"a":"1e400","b":["-1E+999", 2],"c":"1e400"}"#.into(), 2))
        );
        let long = format!("[1{}]", "0".repeat(400));
        assert_eq!(repair(&long).map(|(_, n)| n), Some(1));
    }

    #[test]
    fn everything_else_is_left_alone() {
        for text in [
            r#"{"a":1e20,"b":-1.5e308,"c":1e-400,"d":"x\"1e400"}"#,
            r#"{"e1e400":true}"#,
            "[18446744073709551616, null, false]",
        ] {
            assert_eq!(repair(text), None, "{text}");
        }
    }
}
