/**
 * The tracker: the public face of AgentLens-style tracking. `TrackerCore` holds the
 * tracking (sessions, `track()`, `explain()`, `endSession()`, `stats()`, runs); this
 * class adds the analysis methods, which run the analysis engines over the events the
 * tracker kept (see `tracker-analysis.ts`).
 */
import { TrackerCore } from "./tracker-core.js";
import * as analysis from "./tracker-analysis.js";
import type { AlertWatch, SessionChoice, TrackerComplianceOptions, TrackerCostOptions } from "./tracker-analysis.js";
import type { AlertRules, CompliancePolicy, ComplianceResult, DriftResult, FiredAlert } from "../analysis/check-types.js";
import type {
  BudgetAlert,
  ForecastOptions,
  ForecastResult,
  PricingOverrides,
  SessionCost,
  SessionStats,
  SpendingSummary,
  UsageRecords,
} from "../analysis/cost-types.js";

export { EXPLAIN_UNAVAILABLE, type StartSessionOptions } from "./tracker-core.js";

/**
 * Tracks sessions and events and sends them to its exporters. `init()` creates one and
 * keeps it as the module default; several can coexist.
 *
 * @example
 * ```ts
 * import { Tracker } from "@agentlens/sdk";
 * // Sends to AGENTLENS_ENDPOINT, else http://localhost:3000; pass `endpoint` to choose.
 * const tracker = new Tracker({ apiKey: "prod-key-abc123" });
 * const session = tracker.startSession({ agentName: "research-agent-v2" });
 * tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 120, tokensOut: 45, reasoning: "simple arithmetic" });
 * tracker.trackTool({ toolName: "calculator", toolInput: { expr: "2+2" }, toolOutput: { result: 4 }, durationMs: 3.2 });
 * console.log(tracker.explain());
 * await tracker.endSession(session.sessionId); // session_end with the token totals, then flushed
 * await tracker.shutdown(1000);
 * ```
 */
export class Tracker extends TrackerCore {
  /**
   * Checks a session (the current one by default) against a compliance policy — a
   * policy object or the `"strict"`/`"permissive"` preset — with the core's engine,
   * over the events the session kept, redacted with this tracker's rules. Custom rule
   * kinds are answered by `validators`. Loads the analysis engines on first use. Rejects
   * with `AgentLensAnalysisError` for an unknown session or an invalid policy.
   *
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init({ exporters: [] });
   * tracker.startSession({ agentName: "support-bot" });
   * tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 900, tokensOut: 100, reasoning: "FAQ answer" });
   * tracker.trackTool({ toolName: "shell", toolInput: { cmd: "ls" } });
   * const { report, text } = await tracker.compliance("strict");
   * console.log(report.compliant, text); // false: the strict preset forbids the shell tool
   * await tracker.shutdown(1000);
   * ```
   */
  compliance(policy: CompliancePolicy | "strict" | "permissive", options?: TrackerComplianceOptions): Promise<ComplianceResult> {
    return analysis.compliance(this.recorder, policy, options);
  }

  /** A session's cost (current by default): per event, per model, cached input priced as cached, unmatched models listed. */
  cost(options?: TrackerCostOptions): Promise<SessionCost> {
    return analysis.cost(this.recorder, options);
  }

  /** A session's statistics (current by default): latency percentiles, tokens and cost by model, tool usage, error rate. */
  sessionStats(options?: TrackerCostOptions): Promise<SessionStats> {
    return analysis.sessionStats(this.recorder, options);
  }

  /**
   * Drift between two sets of this tracker's sessions (by id): the 8 per-session metrics,
   * tool usage, the 0–100 score and status, and the formatted report.
   */
  drift(baseline: string[], current: string[], options?: { threshold?: number }): Promise<DriftResult> {
    return analysis.drift(this.recorder, baseline, current, options);
  }

  /** Usage records of every session this tracker kept, priced by the cost engine (unpriced models listed). */
  usageRecords(options: { pricing?: PricingOverrides } = {}): Promise<UsageRecords> {
    return analysis.usageRecords(this.recorder, options.pricing);
  }

  /** A daily cost forecast from this tracker's usage records (see `@agentlens/sdk/analysis` `forecast`). */
  forecast(options: ForecastOptions & { pricing?: PricingOverrides }): Promise<ForecastResult> {
    return analysis.forecast(this.recorder, options);
  }

  /** The spending summary of this tracker's usage records. */
  spendingSummary(options: { pricing?: PricingOverrides } = {}): Promise<SpendingSummary> {
    return analysis.spendingSummary(this.recorder, options.pricing);
  }

  /** Whether spending at the current daily average stays within `monthlyBudget`: safe, warning or critical. */
  checkBudget(monthlyBudget: number, options?: { pricing?: PricingOverrides; daysInPeriod?: number }): Promise<BudgetAlert> {
    return analysis.checkBudget(this.recorder, monthlyBudget, options);
  }

  /**
   * Evaluates alert rules as events are tracked (redacted, cooldowns on event time) and
   * calls `onAlert` for each alert that fires, after the tracking call returned; a
   * callback that throws is counted in `stats().internalErrors`. Rejects with
   * `AgentLensAnalysisError` naming a rule that does not parse (an invalid regex, say).
   *
   * @example
   * ```ts
   * import { init } from "@agentlens/sdk";
   * const tracker = init({ exporters: [] });
   * const watch = await tracker.watchAlerts(
   *   // Rules see the stream so far (a threshold sums the metric over it, as AgentLens's
   *   // engine); the cooldown, on event time, keeps one slow call from firing on every event.
   *   { rules: [{ name: "slow-llm", severity: "warning", cooldown_seconds: 600, condition: { type: "threshold", metric: "duration_ms", operator: ">", value: 5000 } }] },
   *   (alert) => console.log(`[${alert.severity}] ${alert.message}`),
   * );
   * tracker.startSession({ agentName: "planner" });
   * tracker.track({ eventType: "llm_call", model: "gpt-4o", durationMs: 8200 });
   * await tracker.flush();
   * console.log(watch.fired.length); // 1
   * watch.stop();
   * await tracker.shutdown(1000);
   * ```
   */
  watchAlerts(rules: AlertRules, onAlert: (alert: FiredAlert) => void): Promise<AlertWatch> {
    return analysis.watchAlerts(this.recorder, rules, onAlert);
  }

}
