/// <reference types="node" />
/**
 * The collector's analysis thread (node:worker_threads): runs the core's analysis engines
 * (compliance, drift, forecast, alert rules) on events the main thread loaded, so a long
 * analysis never holds up `/health` or ingestion. It has its own analysis wasm instance;
 * the main thread ends this thread to stop an analysis past its deadline, and replaces it
 * when its wasm memory has grown past a high-water mark (see `analysis-runner.ts`).
 *
 * One job at a time: `{id, job, args}` in, `{id, ok, value | error, memoryBytes}` out. An
 * engine's own error (a named `AgentLens…` error) is sent back by name and message so
 * the route can answer 400; nothing here decides what a rule or an event means. Its
 * instance prices with the catalog the main thread handed over (`workerData.priceCatalog`).
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  checkBudget, checkCompliance, createAlertEngine, detectDrift, forecast, spendingSummary, usageRecords,
  type AlertRules, type CompliancePolicy, type ForecastOptions, type PricingOverrides, type WireEventInput,
} from "@agentlens/sdk/analysis";
import { wasmMemoryBytes } from "./engine.js";
import { applyCatalogText } from "./prices.js";
import type { AnalysisJob, AnalysisReply } from "./analysis-runner.js";

type Events = WireEventInput[];

// The main thread read (and the core accepted) this text: the worker prices as it does.
const priceCatalog = (workerData as { priceCatalog?: unknown } | null)?.priceCatalog;
if (typeof priceCatalog === "string") applyCatalogText(priceCatalog);

function alerts(rules: AlertRules, events: Events) {
  const engine = createAlertEngine(rules);
  try {
    return engine.evaluate(events);
  } finally {
    engine.free();
  }
}

interface ForecastArgs {
  events: Events;
  pricing: PricingOverrides;
  days: number;
  method: ForecastOptions["method"];
  monthlyBudget?: number;
}

/** Usage records priced by the core, then its forecast, summary and optional budget check. */
function forecastJob(a: ForecastArgs) {
  const usage = usageRecords(a.events, { pricing: a.pricing });
  const records = usage.records;
  if (records.length === 0) return { empty: true };
  const out: Record<string, unknown> = {
    forecast: forecast(records, { days: a.days, method: a.method }),
    summary: spendingSummary(records),
    records: records.length,
    unpriced: usage.unpriced,
    unpriced_models: usage.unpriced_models,
  };
  if (a.monthlyBudget !== undefined) out.budget = checkBudget(records, a.monthlyBudget);
  return out;
}

function run(job: AnalysisJob): unknown {
  switch (job.job) {
    case "compliance":
      return checkCompliance(job.args.policy as CompliancePolicy, job.args.events as Events);
    case "drift":
      return detectDrift(job.args.baseline as Events[], job.args.current as Events[], job.args.options as { threshold?: number });
    case "forecast":
      return forecastJob(job.args as unknown as ForecastArgs);
    case "alerts":
      return alerts(job.args.rules as AlertRules, job.args.events as Events);
  }
}

parentPort?.on("message", (job: AnalysisJob) => {
  let reply: AnalysisReply;
  try {
    reply = { id: job.id, ok: true, value: run(job), memoryBytes: wasmMemoryBytes() };
  } catch (e) {
    const err = e as Error & { field?: unknown; requirement?: unknown };
    const name = typeof err?.name === "string" ? err.name : "Error";
    reply = { id: job.id, ok: false, error: { name, message: String(err?.message ?? "") }, memoryBytes: wasmMemoryBytes() };
  }
  parentPort?.postMessage(reply);
});
