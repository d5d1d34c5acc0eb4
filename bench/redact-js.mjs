// The eight default redaction rules (src/redact/rules.rs, `default_patterns()`) written as
// JavaScript regexes, redacting exactly as the core's default redactor does: the same spans,
// the same markers, byte-identical output. The peer of "redaction inside wasm" in
// bench/run.mjs ("≥ 3× JS": same rules, same spans).
//
// Semantics, as in src/redact/detect.rs: one alternation of the rules in order (leftmost
// start wins, then the earlier rule); ASCII word boundaries (JS `\b` without the `u` flag);
// `bearer` and `key_value` replace only their value group; a `card` must pass Luhn with 13
// to 19 digits; overlapping or touching replacements merge into one marker; after a
// rejected match scanning resumes one character later, after a value match at the value,
// after a card one character after its start, otherwise at the match's end.
//
//   node bench/redact-js.mjs      prints MiB/s over bench/corpus.mjs's 1 MiB corpus
import { corpus } from "./corpus.mjs";

const ci = (word) => [...word].map((c) => `[${c.toUpperCase()}${c}]`).join("");
const RULES = [
  String.raw`\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b`,
  String.raw`\b(?:(?:[0-9]{4}[ -]){3}[0-9]{1,7}|[0-9]{4}[ -][0-9]{6}[ -][0-9]{4,5}|[0-9]{13,19})\b`,
  String.raw`\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b`,
  String.raw`\b${ci("bearer")}[ \t]+([A-Za-z0-9._~+/-]{8,}=*)`,
  String.raw`\bsk-[A-Za-z0-9_-]{20,}`,
  String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`,
  String.raw`\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`,
  `(?:${["password", "passwd", "secret"].map(ci).join("|")}|${ci("api")}[_-]?${ci("key")}|${ci("token")})` +
    String.raw`["']?[ \t]*[:=][ \t]*("[^"\r\n]*"|'[^'\r\n]*'|[^ \t\r\n"'&,;]+)`,
];
// Groups of the combined regex: 1 ssn, 2 card, 3 email, 4 bearer (5 its value), 6 api_key,
// 7 aws_access_key, 8 jwt, 9 key_value (10 its value).
const COMBINED = new RegExp(RULES.map((r) => `(${r})`).join("|"), "g");

/** Whether the digits of `text` number 13 to 19 and pass the Luhn checksum. */
export function luhn(text) {
  let sum = 0;
  let count = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) continue;
    sum += count % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
    if (++count > 19) return false;
  }
  return count >= 13 && sum % 10 === 0;
}

const nextChar = (s, at) => {
  const c = s.charCodeAt(at);
  return at + (c >= 0xd800 && c < 0xdc00 && at + 1 < s.length ? 2 : 1);
};

/** Redacts `text` with the default rules as the core's default redactor does. */
export function jsDefaultRedact(text, marker = "[REDACTED]") {
  const re = COMBINED;
  let out = "";
  let copied = 0;
  let ps = -1;
  let pe = -1;
  let pos = 0;
  while (pos <= text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    const value = m[5] ?? m[10];
    const card = m[2] !== undefined;
    const ts = value === undefined ? start : end - value.length;
    if (ts >= end || (card && !luhn(text.slice(ts, end)))) {
      pos = nextChar(text, start);
      continue;
    }
    if (ps >= 0 && ts <= pe) {
      pe = Math.max(pe, end);
    } else {
      if (ps >= 0) {
        out += text.slice(copied, ps) + marker;
        copied = pe;
      }
      ps = ts;
      pe = end;
    }
    pos = value !== undefined ? Math.max(ts, nextChar(text, start)) : card ? nextChar(text, start) : end;
  }
  if (ps < 0) return text;
  return out + text.slice(copied, ps) + marker + text.slice(pe);
}

/**
 * Times `fns` (name → text → text) over `text`, interleaved round by round; returns each
 * one's median MiB/s and output.
 */
export function timeRedactors(fns, text = corpus(), rounds = 9) {
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  const outputs = {};
  for (const [name, fn] of Object.entries(fns)) outputs[name] = fn(text); // warm-up
  for (let i = 0; i < rounds; i++) {
    for (const [name, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      outputs[name] = fn(text);
      samples[name].push(performance.now() - t0);
    }
  }
  const mib = text.length / (1 << 20);
  return Object.fromEntries(
    Object.entries(samples).map(([name, xs]) => {
      xs.sort((a, b) => a - b);
      return [name, { mibPerSec: +(mib / (xs[xs.length >> 1] / 1000)).toFixed(1), output: outputs[name] }];
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { js } = timeRedactors({ js: jsDefaultRedact });
  const matches = (js.output.match(/\[REDACTED\]/g) ?? []).length;
  console.log(JSON.stringify({ jsMiBps: js.mibPerSec, matches }));
}
