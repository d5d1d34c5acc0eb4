//! Explain's Markdown as structured blocks, for hosts that draw it without a Markdown
//! parser of their own (the viewer builds DOM text nodes from these, never HTML).
//!
//! Only what [`super::explain`] and [`super::explain_backend`] write is recognised:
//! ATX headings, paragraphs whose lines stay lines, ordered (`1.`) and unordered (`- `)
//! list items with their continuation lines (indented three spaces), and inline
//! `**strong**` and `*emphasis*`. Everything else is text, kept as written.

use serde::Serialize;

/// How a piece of inline text is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Plain text.
    #[default]
    Plain,
    /// `**strong**`.
    Strong,
    /// `*emphasis*`.
    Em,
}

/// A run of text with one mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The text, as written (no Markdown left in it).
    pub text: String,
    /// How it is set.
    #[serde(skip_serializing_if = "is_plain")]
    pub mark: Mark,
}

fn is_plain(m: &Mark) -> bool {
    *m == Mark::Plain
}

/// One line of inline text.
pub type Line = Vec<Span>;

/// A block of an explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// `#`–`######`.
    Heading {
        /// 1 to 6.
        level: u8,
        /// Its text.
        text: Line,
    },
    /// Lines shown as lines.
    Paragraph {
        /// Its lines.
        lines: Vec<Line>,
    },
    /// A list; each item is its lines (the first, then its continuation lines).
    List {
        /// Numbered.
        ordered: bool,
        /// The first number of an ordered list.
        start: u64,
        /// The items.
        items: Vec<Vec<Line>>,
    },
}

/// The inline spans of one line: `**strong**` and `*emphasis*` (an opener with no closer
/// on the line is text).
pub fn spans(text: &str) -> Line {
    let mut out: Line = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('*') {
        let (before, from) = rest.split_at(at);
        let (mark, marker) = if from.starts_with("**") {
            (Mark::Strong, "**")
        } else {
            (Mark::Em, "*")
        };
        let body = &from[marker.len()..];
        let close = body
            .find(marker)
            .filter(|&n| n > 0 && !body.starts_with(' '));
        let Some(n) = close else {
            plain.push_str(before);
            plain.push_str(marker);
            rest = body;
            continue;
        };
        plain.push_str(before);
        if !plain.is_empty() {
            out.push(Span {
                text: std::mem::take(&mut plain),
                mark: Mark::Plain,
            });
        }
        out.push(Span {
            text: body[..n].to_owned(),
            mark,
        });
        rest = &body[n + marker.len()..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Span {
            text: plain,
            mark: Mark::Plain,
        });
    }
    out
}

/// `1. text` → (1, "text").
fn numbered(line: &str) -> Option<(u64, &str)> {
    let (n, text) = line.split_once(". ")?;
    (!n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (n.parse().unwrap_or(0), text))
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let text = line[level..].strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level as u8, text))
}

/// Explain's Markdown as blocks (module docs). Never fails: any text gives blocks.
///
/// ```
/// use agentlens::analysis::explain::{Block, Mark, blocks};
/// let b = blocks("## Title\n**Status:** ok\n\n1. [10:00] **llm_call**\n   📊 Tokens: 1 in / 2 out");
/// assert!(matches!(&b[0], Block::Heading { level: 2, .. }));
/// let Block::Paragraph { lines } = &b[1] else { panic!() };
/// assert_eq!(lines[0][0].mark, Mark::Strong);
/// let Block::List { ordered: true, items, .. } = &b[2] else { panic!() };
/// assert_eq!(items[0].len(), 2, "the item and its continuation line");
/// ```
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open = false;
    for line in markdown.split('\n') {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        if let Some((level, text)) = heading(line) {
            out.push(Block::Heading {
                level,
                text: spans(text),
            });
            open = false;
            continue;
        }
        let item = numbered(line)
            .map(|(n, t)| (true, n, t))
            .or_else(|| line.strip_prefix("- ").map(|t| (false, 1, t)));
        let last = out.last_mut().filter(|_| open);
        match (item, last) {
            (
                Some((ordered, _, text)),
                Some(Block::List {
                    ordered: o, items, ..
                }),
            ) if *o == ordered => items.push(vec![spans(text)]),
            (Some((ordered, start, text)), _) => out.push(Block::List {
                ordered,
                start,
                items: vec![vec![spans(text)]],
            }),
            (None, Some(Block::List { items, .. })) if line.starts_with("   ") => {
                if let Some(item) = items.last_mut() {
                    item.push(spans(line.trim_start()));
                }
            }
            (None, Some(Block::Paragraph { lines })) => lines.push(spans(line)),
            (None, _) => out.push(Block::Paragraph {
                lines: vec![spans(line)],
            }),
        }
        open = true;
    }
    out
}
