// The scenario's driver in workerd, as a Cloudflare Worker bundled wrangler-style: each
// request runs the scenario's tracking phase and answers at once with what it saw
// (respond first: the second phase waits until the test has the answer); the second
// phase (ending the session, which delivers, then the analysis) runs in `ctx.waitUntil`
// and posts the result to the receiver's /matrix/result. An entry module exports
// `makeWorker()` as its default, or `makeWorker(via)` for a framework integration.
import { finishScenario, trackScenario } from "./scenario.mjs";

/** Posts a phase-two result (or its failure) to the receiver. */
/** Waits until the test has the answer (the receiver's /matrix/go): proves the answer came first. */
function gate(receiver, sessionId) {
  return fetch(`${receiver}/matrix/go?session=${encodeURIComponent(sessionId)}`).then((res) => res.arrayBuffer());
}

function report(receiver, result) {
  return fetch(`${receiver}/matrix/result`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(result) })
    .then((res) => res.arrayBuffer());
}

/** The Worker: the scenario per request, in the session the `session` parameter names. */
export function makeWorker(via) {
  return {
    async fetch(request, env, ctx) {
      const sessionId = new URL(request.url).searchParams.get("session");
      const { state, early } = await trackScenario({ endpoint: env.RECEIVER, sessionId, via });
      ctx.waitUntil(gate(env.RECEIVER, sessionId).then(() => finishScenario(state)).then(
        (result) => report(env.RECEIVER, { ...result, early }),
        (err) => report(env.RECEIVER, { sessionId, error: String(err?.stack ?? err) }),
      ));
      return Response.json(early);
    },
  };
}
