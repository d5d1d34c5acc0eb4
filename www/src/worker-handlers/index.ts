// The analysis panels' worker-side methods, by name; the shell's worker dispatches to them.
import type { WorkerHandler } from "../contract";
import { evaluateAlerts } from "./alerts";
import { chartsData } from "./charts";
import { checkSessions, presetPolicy } from "./compliance";
import { compareDrift } from "./drift";
import { explainSession } from "./explain";
import { previewRedaction, saveRedacted } from "./redaction";

export const handlers: Record<string, WorkerHandler> = {
  "explain.session": explainSession,
  "charts.data": chartsData,
  "compliance.preset": presetPolicy,
  "compliance.check": checkSessions,
  "drift.compare": compareDrift,
  "alerts.evaluate": evaluateAlerts,
  "redaction.preview": previewRedaction,
  "redaction.save": saveRedacted,
};
