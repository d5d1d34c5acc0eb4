// The scenario's driver in Vercel's edge runtime (npm edge-runtime): a fetch listener, as
// an Edge Function bundle is evaluated there. Each request runs the tracking phase and
// answers at once (respond first: the second phase waits until the test has the answer);
// the second phase runs in `event.waitUntil` and posts the result to the receiver's
// /matrix/result. The receiver's URL is the request's `receiver` parameter.
// An entry module calls `listen()`, or `listen(via)` for a framework integration.
import { finishScenario, trackScenario } from "./scenario.mjs";

/** Waits until the test has the answer (the receiver's /matrix/go): proves the answer came first. */
function gate(receiver, sessionId) {
  return fetch(`${receiver}/matrix/go?session=${encodeURIComponent(sessionId)}`).then((res) => res.arrayBuffer());
}

function report(receiver, result) {
  return fetch(`${receiver}/matrix/result`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(result) })
    .then((res) => res.arrayBuffer());
}

/** Adds the fetch listener: the scenario per request (through `via`, if given). */
export function listen(via) {
  addEventListener("fetch", (event) => event.respondWith((async () => {
    const url = new URL(event.request.url);
    const receiver = url.searchParams.get("receiver");
    const sessionId = url.searchParams.get("session");
    const { state, early } = await trackScenario({ endpoint: receiver, sessionId, via });
    event.waitUntil(gate(receiver, sessionId).then(() => finishScenario(state)).then(
      (result) => report(receiver, { ...result, early }),
      (err) => report(receiver, { sessionId, error: String(err?.stack ?? err) }),
    ));
    return Response.json(early);
  })()));
}
