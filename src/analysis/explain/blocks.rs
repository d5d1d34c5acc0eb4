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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::explain::{explain, explain_backend};
    use crate::model::{DecisionTrace, Event, EventType};
    use crate::time::UnixNanos;

    fn text(line: &Line) -> String {
        line.iter().map(|s| s.text.as_str()).collect()
    }

    fn session() -> Vec<Event> {
        let mut start = Event::new(EventType::SessionStart, "s1", UnixNanos(0));
        start.agent_name = Some("<img src=x onerror=alert(1)>".into());
        let mut llm = Event::new(EventType::LlmCall, "s1", UnixNanos(1_000_000));
        llm.model = Some("gpt-4o".into());
        (llm.tokens_in, llm.tokens_out) = (Some(5), Some(6));
        llm.input_data = Some(serde_json::json!({"prompt": "2*3*4 <b>"}));
        let mut why = Event::new(EventType::Decision, "s1", UnixNanos(2_000_000));
        why.decision_trace = Some(Box::new(DecisionTrace {
            reasoning: "**why** not".into(),
            ..DecisionTrace::default()
        }));
        vec![start, llm, why]
    }

    #[test]
    fn sdk_explanation_reads_as_heading_facts_and_a_numbered_timeline() {
        let b = blocks(&explain(&session()));
        let [
            Block::Heading { level: 2, text: h },
            Block::Paragraph { lines },
            Block::Heading { level: 3, .. },
            Block::List {
                ordered: true,
                start: 1,
                items,
            },
        ] = b.as_slice()
        else {
            panic!("{b:?}");
        };
        assert_eq!(
            text(h),
            "Session Explanation: <img src=x onerror=alert(1)>",
            "markup stays text"
        );
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[0][0],
            Span {
                text: "Session ID:".into(),
                mark: Mark::Strong
            }
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].len(), 2, "the call and its tokens line");
        assert!(
            items[0][0]
                .iter()
                .any(|s| s.text == "llm_call" && s.mark == Mark::Strong)
        );
        assert!(text(&items[0][1]).starts_with("📊 Tokens: 5 in / 6 out"));
    }

    #[test]
    fn backend_explanation_reads_as_steps_with_their_lists_and_a_summary() {
        let b = blocks(&explain_backend(&session()));
        assert!(matches!(&b[0], Block::Heading { level: 2, .. }));
        let steps: Vec<&Block> = b
            .iter()
            .filter(
                |x| matches!(x, Block::Paragraph { lines } if text(&lines[0]).starts_with("Step ")),
            )
            .collect();
        assert_eq!(steps.len(), 2);
        let Some(Block::List {
            ordered: false,
            items,
            ..
        }) = b.iter().find(|x| matches!(x, Block::List { .. }))
        else {
            panic!("{b:?}");
        };
        assert_eq!(
            items[0][0][0],
            Span {
                text: "Input:".into(),
                mark: Mark::Em
            }
        );
        // As Markdown reads it: `2*3*4` has an emphasised 3; the tag stays text.
        assert_eq!(text(&items[0][0]), "Input: \"234 <b>\"");
        assert_eq!(items[0][0][2].mark, Mark::Em);
        assert!(matches!(b.last(), Some(Block::List { .. })), "the summary");
    }

    #[test]
    fn spans_mark_pairs_and_leave_lone_markers_as_text() {
        assert_eq!(
            spans("a **b** *c* d"),
            vec![
                Span {
                    text: "a ".into(),
                    mark: Mark::Plain
                },
                Span {
                    text: "b".into(),
                    mark: Mark::Strong
                },
                Span {
                    text: " ".into(),
                    mark: Mark::Plain
                },
                Span {
                    text: "c".into(),
                    mark: Mark::Em
                },
                Span {
                    text: " d".into(),
                    mark: Mark::Plain
                },
            ]
        );
        assert_eq!(text(&spans("5 * 3 and ** alone")), "5 * 3 and ** alone");
        assert!(spans("").is_empty());
        assert_eq!(blocks("").len(), 0);
    }
}
