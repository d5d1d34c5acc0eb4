// Browsers, through a bundler that emits an imported .wasm as a file and gives its URL
// (the "agentlens-wasm-file" condition; esbuild --loader:.wasm=file). See wasm-location.ts.
import "./wasm-file-location.js";
export * from "./browser.js";
