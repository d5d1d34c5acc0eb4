// The scenario's driver in a page (import map, Vite, esbuild): the page's origin is the
// receiver; the test calls `window.agentlensRun(sessionId)` and reads the result. An entry
// module calls `expose()`, or `expose(via)` for a framework integration.
import { runScenario } from "./scenario.mjs";

/** Defines `window.agentlensRun`, running the scenario (through `via`, if given). */
export function expose(via) {
  window.agentlensRun = (sessionId) => runScenario({ endpoint: location.origin, sessionId, via });
}
