// `@agentlens/sdk/patterns` on edge runtimes (workerd, Vercel Edge): there the regex engine
// for redactPatterns and price data is a static import of the SDK's entry point and is
// instantiated when a pattern first needs it, so importing this changes nothing.
// (Browsers get patterns-browser.ts, which fetches it; Node, Bun and Deno patterns-node.ts.)
export {};
