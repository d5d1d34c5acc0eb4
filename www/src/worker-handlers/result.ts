// What every panel handler returns. User input (a policy, alert rules, redaction
// patterns) can be wrong: handlers answer `{ ok: false, error }` with the engine's message
// instead of throwing, so the panel shows it whatever the shell does with rejected calls.

export type Failure = { ok: false; error: string };
export type Result<T> = ({ ok: true } & T) | Failure;

/** The engine's error as one line: `AgentLensAnalysisError: rule 1 (max_tokens): …`. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== "Error" ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}

export function fail(error: unknown): Failure {
  return { ok: false, error: errorText(error) };
}

/** The core's answer as a result: `{ ok: true, ...answer }`, or its error. */
export function answer<T extends object>(ask: () => T): Result<T> {
  try {
    return { ok: true, ...ask() };
  } catch (e) {
    return fail(e);
  }
}

/** `params` as an object (anything else reads as `{}`). */
export function paramsOf(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === "object" ? (params as Record<string, unknown>) : {};
}

/** The string array at `value`, keeping only strings. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
