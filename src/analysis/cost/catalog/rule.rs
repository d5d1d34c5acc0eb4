//! The price data's match rules: how a provider or model entry says which names it
//! prices (`{"starts_with": "gpt-4o"}`, `{"or": [...]}`, `{"regex": "^o[134]"}`).
//!
//! Every comparison ignores ASCII case except `regex`, which runs on the name as given
//! (model and provider names are ASCII; folding only ASCII keeps Unicode's case tables out
//! of the SDK's wasm).
//! Patterns use Rust `regex` syntax without Unicode classes (ASCII `\d`, `\w`); one
//! construct the data uses that `regex` lacks, a leading negative lookahead
//! `^(?!A)B`, is read as "does not match `^A` and matches `^B`".

use serde_json::Value;

use crate::redact::engine::{Engine, Patterns};

/// A match rule.
#[derive(Clone, Debug)]
pub(crate) enum Rule {
    All(Vec<Self>),
    Any(Vec<Self>),
    Not(Box<Self>),
    Equals(String),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    Regex(Engine),
}

/// A name to match: as given and lowercased.
pub(crate) struct Subject<'a> {
    raw: &'a str,
    folded: String,
}

impl<'a> Subject<'a> {
    pub(crate) fn new(raw: &'a str) -> Self {
        Self {
            raw,
            folded: raw.to_ascii_lowercase(),
        }
    }

    pub(crate) fn folded(&self) -> &str {
        &self.folded
    }
}

impl Rule {
    /// Reads a rule; `Err` names what is wrong.
    pub(crate) fn parse(value: &Value, patterns: &Patterns) -> Result<Self, String> {
        let map = value
            .as_object()
            .filter(|m| m.len() == 1)
            .ok_or("a match rule is an object with one key")?;
        let (key, arg) = map.iter().next().ok_or("empty match rule")?;
        let text = || {
            arg.as_str()
                .map(str::to_ascii_lowercase)
                .ok_or_else(|| format!("match rule {key:?} needs a string"))
        };
        let list = || -> Result<Vec<Self>, String> {
            arg.as_array()
                .ok_or_else(|| format!("match rule {key:?} needs a list"))?
                .iter()
                .map(|v| Self::parse(v, patterns))
                .collect()
        };
        Ok(match key.as_str() {
            "and" => Self::All(list()?),
            "or" => Self::Any(list()?),
            "not" => Self::Not(Box::new(Self::parse(arg, patterns)?)),
            "equals" => Self::Equals(text()?),
            "starts_with" => Self::StartsWith(text()?),
            "ends_with" => Self::EndsWith(text()?),
            "contains" => Self::Contains(text()?),
            "regex" => regex_rule(
                arg.as_str().ok_or("match rule \"regex\" needs a string")?,
                patterns,
            )?,
            other => return Err(format!("unknown match rule {other:?}")),
        })
    }

    /// Whether the rule matches `subject`.
    pub(crate) fn matches(&self, subject: &Subject<'_>) -> bool {
        let s = subject.folded.as_str();
        match self {
            Self::All(rules) => rules.iter().all(|r| r.matches(subject)),
            Self::Any(rules) => rules.iter().any(|r| r.matches(subject)),
            Self::Not(rule) => !rule.matches(subject),
            Self::Equals(v) => s == v,
            Self::StartsWith(v) => s.starts_with(v.as_str()),
            Self::EndsWith(v) => s.ends_with(v.as_str()),
            Self::Contains(v) => s.contains(v.as_str()),
            Self::Regex(engine) => engine.is_match(subject.raw),
        }
    }
}

/// `\d` written as the ASCII class it means (`[0-9]`, or `0-9` inside a class): the wasm
/// builds carry no Unicode tables, where the parser reads `\d` as Unicode's digits and
/// refuses it ("Unicode-aware Perl class not found"). The data uses no other Perl class.
fn ascii_digits(pattern: &str) -> String {
    let (mut out, mut escaped, mut class) = (String::with_capacity(pattern.len()), false, false);
    for c in pattern.chars() {
        match c {
            'd' if escaped => {
                out.pop();
                out.push_str(if class { "0-9" } else { "[0-9]" });
            }
            '[' if !escaped => class = true,
            ']' if !escaped => class = false,
            _ => {}
        }
        if !(escaped && c == 'd') {
            out.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    out
}

/// A `regex` rule; `^(?!A)B` becomes "not `^(?:A)`" and "`^(?:B)`".
fn regex_rule(pattern: &str, patterns: &Patterns) -> Result<Rule, String> {
    let compile = |p: &str| {
        (patterns.compile(&ascii_digits(p)))
            .map(Rule::Regex)
            .map_err(|e| format!("regex {pattern:?}: {e}"))
    };
    let Some(rest) = pattern.strip_prefix("^(?!") else {
        return compile(pattern);
    };
    let close = group_end(rest).ok_or_else(|| format!("regex {pattern:?}: unbalanced group"))?;
    let (ahead, after) = (&rest[..close], &rest[close + 1..]);
    let not = Rule::Not(Box::new(compile(&format!("^(?:{ahead})"))?));
    Ok(Rule::All(vec![not, compile(&format!("^(?:{after})"))?]))
}

/// The byte index of the `)` that closes a group whose `(` came just before `text`.
fn group_end(text: &str) -> Option<usize> {
    let (mut depth, mut escaped, mut class) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return Some(i),
            },
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(v: Value) -> Rule {
        Rule::parse(&v, &Patterns::default()).unwrap()
    }

    fn hit(r: &Rule, name: &str) -> bool {
        r.matches(&Subject::new(name))
    }

    #[test]
    fn literal_rules_ignore_case() {
        let r = rule(json!({"or": [{"starts_with": "GPT-4o"}, {"equals": "o1"}]}));
        assert!(hit(&r, "gpt-4O-mini"));
        assert!(hit(&r, "O1"));
        assert!(!hit(&r, "o1-mini"));
        let r = rule(json!({"and": [{"contains": "claude"}, {"ends_with": "-v1:0"}]}));
        assert!(hit(&r, "anthropic.Claude-3-haiku-v1:0"));
        assert!(!hit(&r, "claude-3-haiku"));
    }

    #[test]
    fn regexes_and_a_leading_negative_lookahead() {
        let r = rule(json!({"regex": "^claude-opus-5-\\d{8}$"}));
        assert!(hit(&r, "claude-opus-5-20261001"));
        assert!(!hit(&r, "claude-opus-5-2026100"));
        let r = rule(json!({"regex": "^(?![^/]+/)(?:labs-)?(?:mi|code)stral"}));
        assert!(hit(&r, "mistral-large"));
        assert!(hit(&r, "codestral-2501"));
        assert!(!hit(&r, "mistralai/mistral-large"));
        let r = rule(json!({"regex": "^(?!.*-[tT][tT][sS](?:$|-))"}));
        assert!(hit(&r, "gpt-4o-mini"));
        assert!(!hit(&r, "gpt-4o-mini-tts"));
        assert!(!hit(&r, "gpt-4o-mini-TTS-2025"));
    }

    #[test]
    fn perl_digits_are_ascii_classes() {
        assert_eq!(ascii_digits(r"^a-\d{8}[\d.]$"), "^a-[0-9]{8}[0-9.]$");
        assert_eq!(ascii_digits(r"\\d\."), r"\\d\.");
    }

    #[test]
    fn bad_rules_are_named() {
        for bad in [
            json!({}),
            json!({"equals": 3}),
            json!({"or": "x"}),
            json!({"glob": "x"}),
            json!({"regex": "^(?!x"}),
            json!({"regex": "(?<=a)b"}),
        ] {
            assert!(Rule::parse(&bad, &Patterns::default()).is_err(), "{bad}");
        }
    }
}
