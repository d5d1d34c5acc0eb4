// What the test receivers (AgentLens wire and OTLP) share: the behaviours that give no
// status ("timeout", "reset"), and event-driven waiting, which re-checks a predicate on
// every "change" the emitter announces (its time bound only guards against a hang, never
// a performance assertion). Not a test file itself.

/**
 * Carries out `behaviour` if it is one that answers no status: `"timeout"` holds the
 * response until the client gives up and closes; `"reset"` resets the connection.
 * `settle(outcome)` records the outcome. Returns whether it handled the request.
 */
export function answerWithoutStatus(behaviour, req, res, emitter, settle) {
  if (behaviour === "timeout") {
    res.on("close", () => settle("timeout"));
    emitter.emit("change");
    return true;
  }
  if (behaviour === "reset") {
    const socket = req.socket;
    if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
    else socket.destroy();
    settle("reset");
    return true;
  }
  return false;
}

/**
 * Resolves with `subject` once `predicate(subject)` holds; rejects with the predicate's
 * error, or after `timeoutMs` with `describe()` (what arrived so far) in the message.
 */
export function waitForChange(emitter, subject, predicate, timeoutMs, describe) {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off("change", check);
    };
    const check = () => {
      let ok = false;
      try {
        ok = predicate(subject);
      } catch (err) {
        done();
        reject(err);
        return;
      }
      if (ok) {
        done();
        resolve(subject);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`condition not met within ${timeoutMs} ms; ${describe()}`));
    }, timeoutMs);
    emitter.on("change", check);
    check();
  });
}
