// The scenario's driver in a page (import map, Vite, esbuild): the page's origin is the
// receiver; the test calls `window.agentlensRun(sessionId)` and reads the result.
import { runScenario } from "./scenario.mjs";

window.agentlensRun = (sessionId) => runScenario({ endpoint: location.origin, sessionId });
