// Event-driven waiting for the test receivers: re-checks a predicate on every "change"
// the emitter announces; the time bound only guards against a hang (never a performance
// assertion). Not a test file itself.

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
