// `@agentlens/sdk/patterns` under the "agentlens-wasm-file" condition (see wasm-location.ts).
import "./wasm-file-location.js";
import "./patterns-browser.js";
