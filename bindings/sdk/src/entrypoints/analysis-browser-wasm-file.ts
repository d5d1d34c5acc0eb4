// @agentlens/sdk/analysis under the "agentlens-wasm-file" condition; see browser-wasm-file.ts.
import "./wasm-file-location.js";
export * from "./analysis-browser.js";
