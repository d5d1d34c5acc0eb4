// The scenario's driver for Node, Deno and Bun: the endpoint, the session id and, for a
// framework integration, its name (tests/matrix/via/<name>.mjs, copied as via-<name>.mjs)
// come as arguments; the result is printed as one JSON line.
import { runScenario } from "./scenario.mjs";

const [endpoint, sessionId, integration] = globalThis.Deno?.args ?? process.argv.slice(2);
const via = integration ? (await import(`./via-${integration}.mjs`)).default : undefined;
console.log(JSON.stringify(await runScenario({ endpoint, sessionId, via })));
