//! Lone UTF-16 surrogates in JSON text. JSON's grammar allows any `\uXXXX` escape, so
//! `"\ud800"` is valid JSON, but no Rust (or UTF-8) string can hold half a surrogate pair
//! and the reader refuses the whole text. A client that cut a string between the two
//! halves of an emoji sends exactly that; its batch is kept, the half becomes U+FFFD.

/// The four hex digits at `at` as a UTF-16 code unit, if they are four hex digits.
fn code_unit(b: &[u8], at: usize) -> Option<u16> {
    let digits = b.get(at..at + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !text.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(text, 16).ok()
}

fn is_high(u: u16) -> bool {
    (0xD800..=0xDBFF).contains(&u)
}

fn is_low(u: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&u)
}

/// `text` with every escape of a lone surrogate (a high half not followed by an escaped
/// low half, or a low half not preceded by a high one) replaced by `\ufffd`, and how many
/// there were; `None` when there is none, so the common text is used as it is. Every
/// other escape, a well-formed pair included, is left as written; text that is not JSON
/// stays as broken as it was, for the reader to name.
pub(super) fn repair(text: &str) -> Option<(String, u64)> {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0u64;
    let mut i = 0;
    while let Some(off) = text.get(i..).and_then(|rest| rest.find('\\')) {
        let at = i + off;
        if b.get(at + 1) != Some(&b'u') {
            // `\\`, `\"`, `\n`, ...: the escaped character is never the start of another escape.
            i = at + 2;
            continue;
        }
        let Some(unit) = code_unit(b, at + 2) else {
            i = at + 2;
            continue;
        };
        if is_high(unit)
            && b.get(at + 6..at + 8) == Some(b"\\u".as_slice())
            && code_unit(b, at + 8).is_some_and(is_low)
        {
            i = at + 12;
            continue;
        }
        if is_high(unit) || is_low(unit) {
            out.push_str(&text[copied..at]);
            out.push_str("\\ufffd");
            copied = at + 6;
            count += 1;
        }
        i = at + 6;
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
    fn lone_halves_become_the_replacement_character() {
        assert_eq!(repair(r#"["\ud800"]"#), Some((r#"["\ufffd"]"#.into(), 1)));
        assert_eq!(repair(r#"["\uDC00x"]"#), Some((r#"["\ufffdx"]"#.into(), 1)));
        // A high half before something that is not a low half, and two highs in a row.
        assert_eq!(
            repair(r#"["\ud83d\u0041", "\ud83d\ud83d\ude00"]"#),
            Some((r#"["\ufffd\u0041", "\ufffd\ud83d\ude00"]"#.into(), 2))
        );
        // At the very end of the text.
        assert_eq!(repair(r"\ud800"), Some((r"\ufffd".into(), 1)));
    }

    #[test]
    fn well_formed_text_is_left_alone() {
        for text in [
            r#"{"a": "\ud83d\ude00", "b": "\u00e9\n\t\"\\"}"#,
            // An escaped backslash before `ud800` is a backslash and the letters u, d, 8...
            r#"["\\ud800", "\\\\ud800"]"#,
            r#"["\u12", "\uzzzz", "\"#,
            "no escapes at all",
        ] {
            assert_eq!(repair(text), None, "{text}");
        }
    }

    #[test]
    fn the_repaired_text_reads_as_json() {
        let (text, n) = repair(r#"{"events":[{"p":"x\ud800y\udfff"}]}"#).unwrap();
        assert_eq!(n, 2);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["events"][0]["p"], "x\u{fffd}y\u{fffd}");
    }
}
