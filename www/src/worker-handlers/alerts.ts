// alerts.evaluate: the user's alert rules streamed over the loaded trace in event order
// with the core's streaming evaluator (AlertEngine.push), so each alert is reported with
// the event it fired on.
import { createAlertEngine, type AlertRules } from "@agentlens/sdk/analysis";
import type { TraceStore, WireEvent } from "../contract";
import { fail, paramsOf, stringList, type Result } from "./result";

/** Fired alerts kept for display; the rest are only counted. */
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

const text = (v: unknown) => (typeof v === "string" ? v : "");

function readRules(source: unknown): AlertRules {
  let rules: unknown;
  try {
    rules = JSON.parse(typeof source === "string" ? source : "");
  } catch (e) {
    throw new Error(`The rules are not valid JSON: ${(e as Error).message}`);
  }
  // A bare array of rules is accepted too.
  if (Array.isArray(rules)) rules = { rules };
  if (rules === null || typeof rules !== "object" || !Array.isArray((rules as { rules?: unknown }).rules)) {
    throw new Error('The rules must be {"rules": [ … ]} (or an array of rules).');
  }
  return rules as AlertRules;
}

/** `{rules (JSON text), sessionIds?}` → the alerts, in the order they fired. */
export function evaluateAlerts(store: TraceStore, params: unknown): AlertsResult {
  const p = paramsOf(params);
  let engine;
  try {
    engine = createAlertEngine(readRules(p.rules));
  } catch (e) {
    return fail(e);
  }
  const only = Array.isArray(p.sessionIds) ? new Set(stringList(p.sessionIds)) : null;
  try {
    const rules = engine.toJSON().rules.length;
    const alerts: FiredRow[] = [];
    const bySeverity: Record<string, number> = {};
    let fired = 0;
    let index = 0;
    for (const event of store.allEvents() as Iterable<WireEvent>) {
      if (only && !only.has(text(event.session_id))) continue;
      for (const alert of engine.push(event)) {
        fired++;
        const severity = text(alert.severity) || "warning";
        bySeverity[severity] = (bySeverity[severity] ?? 0) + 1;
        if (alerts.length < MAX_LISTED_ALERTS) {
          alerts.push({
            alert,
            on: {
              index,
              event_id: text(event.event_id),
              event_type: text(event.event_type),
              session_id: text(event.session_id),
              timestamp: text(event.timestamp),
            },
          });
        }
      }
      index++;
    }
    return { ok: true, rules, evaluated: index, fired, bySeverity, alerts };
  } catch (e) {
    return fail(e);
  } finally {
    engine.free();
  }
}
