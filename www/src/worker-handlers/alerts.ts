// alerts.evaluate: the user's alert rules streamed over the loaded trace in event order
// by the core's streaming evaluator, so each alert is reported with the event it fired on.
import type { HeldTrace } from "../contract";
import { answer, paramsOf, stringList, type Result } from "./result";

/** Fired alerts kept for display; the rest are only counted (`MAX_LISTED_ALERTS` in the core). */
export const MAX_LISTED_ALERTS = 1000;

export interface FiredOn {
  /** Position of the event in the evaluated stream (0-based). */
  index: number;
  event_id: string;
  event_type: string;
  session_id: string;
  timestamp: string;
}
export interface FiredRow {
  alert: Record<string, unknown>;
  on: FiredOn;
}
export type AlertsResult = Result<{
  rules: number;
  evaluated: number;
  fired: number;
  bySeverity: Record<string, number>;
  alerts: FiredRow[];
}>;

/** `{rules (JSON text), sessionIds?}` → the alerts, in the order they fired. */
export function evaluateAlerts(trace: HeldTrace, params: unknown): AlertsResult {
  const p = paramsOf(params);
  const rules = typeof p.rules === "string" ? p.rules : "";
  const only = Array.isArray(p.sessionIds) ? stringList(p.sessionIds) : undefined;
  return answer(() => trace.view.alerts<Omit<Extract<AlertsResult, { ok: true }>, "ok">>(rules, only));
}
