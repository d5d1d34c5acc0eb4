/**
 * The tracker's analysis methods (`tracker.compliance()`, `cost()`, `drift()`, the
 * forecasts and the alert watch): the analysis engines of `@agentlens/sdk/analysis`, run over
 * the events each session kept for `explain()`, redacted with the tracker's own rules
 * first — what the engines see is what the exporters send. The analysis wasm is a
 * separate, larger module; it is loaded on first use (or is already there when the app
 * imported `@agentlens/sdk/analysis`).
 *
 * Imports go one way: this file builds on `../analysis/`, which imports nothing from `core/`.
 */
import type { AlertRules, CompliancePolicy, ComplianceResult, CustomValidator, DriftResult, FiredAlert } from "../analysis/check-types.js";
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
import { checkedAtMs, policyText, validatorsArg, type PresetName } from "../analysis/compliance.js";
import { json } from "../analysis/args.js";
import { pricingText } from "../analysis/cost.js";
import { analysisWasm, isAnalysisLoaded, parsed, type AnalysisWasm } from "../analysis/wasm.js";
import { AgentLensAnalysisError } from "./errors.js";
import type { Recorder } from "./recorder.js";
import type { SessionRecord } from "./session.js";
import { AgentLensNotLoadedError } from "./wasm.js";

let loader: (() => Promise<unknown>) | undefined;
let loading: Promise<unknown> | undefined;

/** Called by each entry point: how this platform loads the analysis wasm. */
export function useAnalysisLoader(load: () => Promise<unknown>): void {
  loader = load;
}

/** The analysis wasm, loading it on first use. Rejects with a named error when it cannot. */
export async function analysisReady(): Promise<AnalysisWasm> {
  if (!isAnalysisLoaded()) {
    if (!loader) {
      throw new AgentLensNotLoadedError(
        "agentlens: this entry point does not load the analysis engines; import '@agentlens/sdk/analysis' once before calling the tracker's analysis methods",
      );
    }
    loading ??= loader().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    await loading;
  }
  return analysisWasm();
}

/** Which session: `sessionId`, else the current one. */
export interface SessionChoice {
  sessionId?: string;
}

/**
 * Sanitises a JSON array of events with the tracker's pipeline's own redactor, each event
 * on its own (redaction, then the field and event limits): what the engines see is what
 * the exporters send, a redacted id's tag included.
 */
function sanitized(r: Recorder, eventsJson: string): string {
  return r.fanout.redactor().sanitizeEvents(eventsJson);
}

/** The session's kept events, sanitised with the tracker's rules, as a JSON array. */
function sessionEvents(r: Recorder, choice: SessionChoice = {}): string {
  r.drain();
  const id = choice.sessionId;
  const s: SessionRecord | undefined = id === undefined || id === null ? r.sessions.current() : r.sessions.get(String(id));
  if (!s) throw new AgentLensAnalysisError(id === undefined || id === null ? r.sessions.noActive((id) => `pass { sessionId: ${id} } to use it`) : `Session ${String(id)} not found.`);
  return sanitized(r, s.eventsJson());
}

/** Every kept session's events (sanitised), one JSON array. */
function allEvents(r: Recorder): string {
  r.drain();
  const parts = r.sessions.all().map((s) => s.eventsJson().slice(1, -1)).filter((p) => p.length > 0);
  return sanitized(r, `[${parts.join(",")}]`);
}

/** Options of `tracker.compliance()`. */
export interface TrackerComplianceOptions extends SessionChoice {
  checkedAt?: Date | number;
  validators?: { [kind: string]: CustomValidator };
}

export async function compliance(
  r: Recorder,
  policy: CompliancePolicy | PresetName,
  options: TrackerComplianceOptions = {},
): Promise<ComplianceResult> {
  const w = await analysisReady();
  return parsed(w.complianceJson(policyText(policy), sessionEvents(r, options), checkedAtMs(options.checkedAt), validatorsArg(options.validators)));
}

/** Options of the cost methods. */
export interface TrackerCostOptions extends SessionChoice {
  /** Prices that override or extend the default table. */
  pricing?: PricingOverrides;
}

export async function cost(r: Recorder, options: TrackerCostOptions = {}): Promise<SessionCost> {
  const w = await analysisReady();
  return parsed(w.costJson(sessionEvents(r, options), pricingText(options.pricing), false));
}

export async function sessionStats(r: Recorder, options: TrackerCostOptions = {}): Promise<SessionStats> {
  const w = await analysisReady();
  return parsed(w.sessionStatsJson(sessionEvents(r, options), pricingText(options.pricing)));
}

export async function drift(
  r: Recorder,
  baseline: string[],
  current: string[],
  options: { threshold?: number } = {},
): Promise<DriftResult> {
  const w = await analysisReady();
  const window = (ids: string[]) => `[${ids.map((sessionId) => sessionEvents(r, { sessionId })).join(",")}]`;
  return parsed(w.driftJson(window(baseline), window(current), options.threshold ?? 0.5));
}

export async function usageRecords(r: Recorder, pricing?: PricingOverrides): Promise<UsageRecords> {
  const w = await analysisReady();
  return parsed(w.usageRecordsJson(allEvents(r), pricingText(pricing)));
}

/** Records as the forecaster reads them, or a named error when none could be built. */
async function records(r: Recorder, pricing?: PricingOverrides): Promise<[AnalysisWasm, string]> {
  const usage = await usageRecords(r, pricing);
  return [analysisWasm(), JSON.stringify(usage.records)];
}

export async function forecast(
  r: Recorder,
  options: ForecastOptions & { pricing?: PricingOverrides },
): Promise<ForecastResult> {
  const [w, text] = await records(r, options.pricing);
  return parsed(w.forecastJson(text, options.days, options.method ?? "auto", options.confidence ?? 0.95));
}

export async function spendingSummary(r: Recorder, pricing?: PricingOverrides): Promise<SpendingSummary> {
  const [w, text] = await records(r, pricing);
  return parsed(w.spendingSummaryJson(text));
}

export async function checkBudget(
  r: Recorder,
  monthlyBudget: number,
  options: { pricing?: PricingOverrides; daysInPeriod?: number } = {},
): Promise<BudgetAlert> {
  const [w, text] = await records(r, options.pricing);
  return parsed(w.checkBudgetJson(text, monthlyBudget, options.daysInPeriod ?? 30));
}

/** A running alert watch; see `tracker.watchAlerts()`. */
export interface AlertWatch {
  /** Alerts fired so far, oldest first (at most the last 1000). */
  readonly fired: readonly FiredAlert[];
  /** Stops evaluating and frees the engine. Idempotent. */
  stop(): void;
}

const MAX_KEPT_ALERTS = 1000;

/**
 * Starts an alert watch: every event tracked from now on (redacted) streams through the
 * rules, and `onAlert` is called for each alert that fires, after the tracking call has
 * returned. A callback that throws is counted in `stats().internalErrors`, never rethrown.
 */
export async function watchAlerts(
  r: Recorder,
  rules: AlertRules,
  onAlert: (alert: FiredAlert) => void,
): Promise<AlertWatch> {
  // Listen at once so events tracked while the engines load are evaluated too.
  const waiting: string[] = [];
  let feed: (batch: string) => void = (batch) => void waiting.push(batch);
  const untap = r.tap((batch) => feed(batch));
  let engine: InstanceType<AnalysisWasm["AlertEngineWasm"]>;
  let w: AnalysisWasm;
  try {
    w = await analysisReady();
    engine = new w.AlertEngineWasm(json("rules", rules));
  } catch (e) {
    untap();
    throw e;
  }
  const fired: FiredAlert[] = [];
  let stopped = false;
  feed = (batch) => {
    if (stopped) return;
    const alerts = parsed<FiredAlert[]>(engine.pushMany(sanitized(r, batch)));
    for (const alert of alerts) {
      fired.push(alert);
      if (fired.length > MAX_KEPT_ALERTS) fired.shift();
      try {
        onAlert(alert);
      } catch (e) {
        r.health.internal("watchAlerts callback", e);
      }
    }
  };
  for (const batch of waiting.splice(0)) r.guard("watchAlerts", () => feed(batch), undefined);
  return {
    fired,
    stop() {
      if (stopped) return;
      stopped = true;
      untap();
      engine.free();
    },
  };
}
