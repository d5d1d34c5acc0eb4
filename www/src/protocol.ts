// Messages between the shell and its Web Worker.

/** A call from the main thread. */
export interface Request {
  id: number;
  method: string;
  params?: unknown;
}

/** The answer to one call. */
export type Response = { id: number; result: unknown } | { id: number; error: { name: string; message: string } };

/** Sent by the worker while a trace loads. */
export interface Progress {
  notify: "progress";
  bytes: number;
  total: number;
  events: number;
  sessions: number;
  done: boolean;
}
