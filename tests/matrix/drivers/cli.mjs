// The scenario's driver for Node, Deno and Bun: the endpoint and the session id come as
// arguments; the result is printed as one JSON line.
import { runScenario } from "./scenario.mjs";

const [endpoint, sessionId] = globalThis.Deno?.args ?? process.argv.slice(2);
console.log(JSON.stringify(await runScenario({ endpoint, sessionId })));
