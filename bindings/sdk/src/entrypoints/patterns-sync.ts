// `@agentlens/sdk/patterns` on Node, Bun, Deno and edge runtimes: there the regex engine
// for redactPatterns and price data loads by itself when a pattern first needs it, so
// importing this changes nothing. (Browsers get patterns-browser.ts, which fetches it.)
export {};
