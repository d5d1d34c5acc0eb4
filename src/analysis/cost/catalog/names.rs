//! Other spellings of a model name to try: a snapshot's family, compact dates written out.

/// Whether `s` has the shape of `pattern`, where `0` stands for any ASCII digit.
fn shaped(s: &[u8], pattern: &[u8]) -> bool {
    s.len() == pattern.len()
        && s.iter().zip(pattern).all(|(c, p)| {
            if *p == b'0' {
                c.is_ascii_digit()
            } else {
                c == p
            }
        })
}

/// Strips a snapshot suffix: a trailing date (`-2024-08-06`, `-20240806`, `@20240806`),
/// a Bedrock version (`-v1:0`, `:0`) or `-latest`. `None` when there is none.
pub(super) fn family(model: &str) -> Option<&str> {
    let b = model.as_bytes();
    let dated = |len: usize, pattern: &[u8]| {
        let at = b.len().checked_sub(len + 1)?;
        (matches!(b[at], b'-' | b'@') && shaped(&b[at + 1..], pattern)).then_some(at)
    };
    let version = |from: usize| {
        let rest = &b[from..];
        !rest.is_empty()
            && rest
                .iter()
                .all(|c| c.is_ascii_digit() || *c == b':' || *c == b'.')
    };
    let cut = dated(10, b"2000-00-00")
        .or_else(|| dated(8, b"20000000"))
        .or_else(|| model.rfind("-v").filter(|i| version(i + 2)))
        .or_else(|| model.strip_suffix("-latest").map(str::len))
        .or_else(|| {
            let i = model.rfind(':')?;
            let rest = &b[i + 1..];
            (!rest.is_empty() && rest.iter().all(u8::is_ascii_digit)).then_some(i)
        })?;
    (cut > 0).then(|| &model[..cut])
}

/// `-20241022` written out as `-2024-10-22` (as dated names are in the data).
pub(super) fn dashed_dates(model: &str) -> Option<String> {
    let b = model.as_bytes();
    let mut out = String::with_capacity(model.len() + 4);
    let (mut i, mut changed) = (0, false);
    while i < b.len() {
        let date = b[i] == b'-'
            && i + 9 <= b.len()
            && b[i + 1..i + 9].iter().all(u8::is_ascii_digit)
            && b[i + 1] == b'2'
            && b.get(i + 9).is_none_or(|c| matches!(c, b'-' | b':' | b'@'));
        if date {
            let d = &model[i + 1..i + 9];
            out.push_str(&format!("-{}-{}-{}", &d[..4], &d[4..6], &d[6..]));
            (i, changed) = (i + 9, true);
        } else {
            let c = model[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            i += c.len_utf8();
        }
    }
    changed.then_some(out)
}
