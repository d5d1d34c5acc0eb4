// The collector's AgentLens API beyond the events (collector mode only): a session's tags
// and annotations, the alert rules and their fired events, a session's export, and the
// stored prices. Every call goes through the page's one collector client (its key); a
// refusal (400 `{error}`, 404, …) is thrown as a `CollectorRequestError` carrying the
// collector's own message, for the control that asked to show.
import type { PriceOverride } from "@agentlens/sdk/analysis";
import { sharedCollector, type CollectorClient } from "./collector";

/** The collector refused a request: its status and its `error` (with any `details`). */
export class CollectorRequestError extends Error {
  override name = "CollectorRequestError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An annotation on a session (AgentLens `annotations`). */
export interface Annotation {
  annotation_id: string;
  session_id?: string;
  text: string;
  author?: string;
  event_id?: string | null;
  /** The type: note, bug, insight, warning or milestone. */
  type: string;
  created_at?: string;
  updated_at?: string;
}

/** The annotation types the collector accepts. */
export const ANNOTATION_TYPES = ["note", "bug", "insight", "warning", "milestone"] as const;

/** An alert rule as the collector lists it. */
export interface AlertRule {
  rule_id: string;
  name: string;
  metric: string;
  operator: string;
  threshold: number;
  window_minutes: number;
  cooldown_minutes: number;
  agent_filter?: string | null;
  enabled: boolean;
}

/** What a new rule (or a change to one) sends. */
export type AlertRuleInput = Partial<Omit<AlertRule, "rule_id">>;

/** One rule's outcome in `POST /alerts/evaluate`. */
export interface RuleOutcome {
  rule_id: string;
  name: string;
  metric: string;
  operator: string;
  threshold: number;
  current_value: number;
  status: string;
  alert_id?: string;
}

/** `POST /alerts/evaluate`'s answer. */
export interface Evaluation {
  evaluated: number;
  fired: number;
  cooldown: number;
  ok: number;
  results: RuleOutcome[];
}

/** A fired alert (`GET /alerts/events`). */
export interface AlertEvent {
  alert_id: string;
  rule_id: string;
  rule_name?: string;
  metric?: string;
  operator?: string;
  threshold?: number;
  triggered_at: string;
  metric_value: number;
  acknowledged: boolean;
  acknowledged_at?: string | null;
}

/** A metric rules may watch. */
export interface AlertMetric {
  name: string;
  description?: string;
}

/** The export formats of `GET /sessions/{id}/export`. */
export const EXPORT_FORMATS = ["json", "csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A downloaded attachment. */
export interface Attachment {
  name: string;
  type: string;
  bytes: Uint8Array;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The collector's message for a refused request (its `error`, then its `details`). */
function refusal(body: unknown, status: number): string {
  const o = isObj(body) ? body : {};
  const main = typeof o.error === "string" && o.error ? o.error : `the collector answered HTTP ${status}`;
  const details = Array.isArray(o.details) ? o.details.filter((d): d is string => typeof d === "string") : [];
  return details.length ? `${main}: ${details.join("; ")}` : main;
}

/** A JSON answer, or the collector's refusal thrown. */
async function answer<T>(res: Response): Promise<T> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) throw new CollectorRequestError(res.status, refusal(body, res.status));
  if (!isObj(body)) throw new CollectorRequestError(res.status, "the collector's answer is not a JSON object");
  return body as T;
}

const sessionPath = (id: string, rest: string) => `/sessions/${encodeURIComponent(id)}/${rest}`;
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((t): t is string => typeof t === "string") : []);

/** An annotation as the collector answered it (the type under `type` or `annotation_type`). */
function annotationOf(a: Obj): Annotation {
  const type = typeof a.type === "string" ? a.type : typeof a.annotation_type === "string" ? a.annotation_type : "note";
  return { ...(a as unknown as Annotation), text: String(a.text ?? ""), type };
}

/** The attachment's file name from Content-Disposition, made safe for a download. */
function attachmentName(header: string | null, fallback: string): string {
  const m = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  let name = fallback;
  if (m) {
    try {
      name = decodeURIComponent(m[1]!);
    } catch {
      name = m[1]!;
    }
  }
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "").slice(0, 120) || fallback;
}

/** The stored prices of `GET /pricing` as the cost engine's overrides. */
export function pricingOverrides(body: unknown): PriceOverride[] {
  const table = isObj(body) && isObj(body.pricing) ? body.pricing : {};
  const out: PriceOverride[] = [];
  for (const [model, p] of Object.entries(table)) {
    if (!isObj(p) || typeof p.input_cost_per_1m !== "number" || typeof p.output_cost_per_1m !== "number") continue;
    const o: PriceOverride = { model, input_per_1m: p.input_cost_per_1m, output_per_1m: p.output_cost_per_1m, source: "collector" };
    if (typeof p.currency === "string") o.currency = p.currency;
    if (typeof p.cached_input_cost_per_1m === "number") o.cached_input_per_1m = p.cached_input_cost_per_1m;
    if (typeof p.reasoning_cost_per_1m === "number") o.reasoning_per_1m = p.reasoning_cost_per_1m;
    // A prompt-cache write price (the collector's schema 5); without one, writes go at the input price, flagged.
    if (typeof p.cache_write_cost_per_1m === "number") (o as PriceOverride & { cache_write_per_1m?: number }).cache_write_per_1m = p.cache_write_cost_per_1m;
    out.push(o);
  }
  return out;
}

/** The collector's AgentLens API, through one client (and its key). */
export class CollectorApi {
  constructor(private readonly client: CollectorClient = sharedCollector()) {}

  private async call<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
    return answer<T>(await this.client.request(method, path, body));
  }

  async tags(id: string): Promise<string[]> {
    return strings((await this.call<Obj>("GET", sessionPath(id, "tags"))).tags);
  }
  /** Adds `tags`; answers the session's tags after. */
  async addTags(id: string, tags: string[]): Promise<string[]> {
    return strings((await this.call<Obj>("POST", sessionPath(id, "tags"), { tags })).tags);
  }
  /** Removes `tags`; answers the session's tags after. */
  async removeTags(id: string, tags: string[]): Promise<string[]> {
    return strings((await this.call<Obj>("DELETE", sessionPath(id, "tags"), { tags })).tags);
  }

  async annotations(id: string): Promise<Annotation[]> {
    const body = await this.call<Obj>("GET", sessionPath(id, "annotations?limit=500"));
    return (Array.isArray(body.annotations) ? body.annotations : []).filter(isObj).map(annotationOf);
  }
  /** The type goes as `type` (the AgentLens backend's name) and `annotation_type` (its column's). */
  async addAnnotation(id: string, text: string, type: string): Promise<Annotation> {
    return annotationOf(await this.call<Obj>("POST", sessionPath(id, "annotations"), { text, type, annotation_type: type }));
  }
  async editAnnotation(id: string, annotationId: string, text: string, type: string): Promise<Annotation> {
    return annotationOf(await this.call<Obj>("PUT", sessionPath(id, `annotations/${encodeURIComponent(annotationId)}`), { text, type, annotation_type: type }));
  }
  async deleteAnnotation(id: string, annotationId: string): Promise<void> {
    await this.call<Obj>("DELETE", sessionPath(id, `annotations/${encodeURIComponent(annotationId)}`));
  }

  /** The session's export in `format`, as the collector's attachment. */
  async exportSession(id: string, format: ExportFormat): Promise<Attachment> {
    const res = await this.client.request("GET", `${sessionPath(id, "export")}?format=${format}`);
    if (!res.ok) return answer<never>(res);
    const fallback = `agentlens-${id}.${format}`;
    return { name: attachmentName(res.headers.get("Content-Disposition"), fallback), type: res.headers.get("Content-Type") ?? "application/octet-stream", bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  async rules(): Promise<AlertRule[]> {
    const body = await this.call<Obj>("GET", "/alerts/rules");
    return (Array.isArray(body.rules) ? body.rules : []).filter(isObj) as unknown as AlertRule[];
  }
  async createRule(rule: AlertRuleInput): Promise<AlertRule> {
    return (await this.call<{ rule: AlertRule }>("POST", "/alerts/rules", rule)).rule;
  }
  async updateRule(ruleId: string, change: AlertRuleInput): Promise<AlertRule> {
    return (await this.call<{ rule: AlertRule }>("PUT", `/alerts/rules/${encodeURIComponent(ruleId)}`, change)).rule;
  }
  async deleteRule(ruleId: string): Promise<void> {
    await this.call<Obj>("DELETE", `/alerts/rules/${encodeURIComponent(ruleId)}`);
  }
  async evaluate(): Promise<Evaluation> {
    return this.call<Evaluation>("POST", "/alerts/evaluate", {});
  }
  async alertEvents(): Promise<AlertEvent[]> {
    const body = await this.call<Obj>("GET", "/alerts/events?limit=200");
    return (Array.isArray(body.events) ? body.events : []).filter(isObj) as unknown as AlertEvent[];
  }
  async acknowledge(alertId: string): Promise<void> {
    await this.call<Obj>("PUT", `/alerts/events/${encodeURIComponent(alertId)}/acknowledge`, {});
  }
  async metrics(): Promise<{ metrics: AlertMetric[]; operators: string[] }> {
    const body = await this.call<Obj>("GET", "/alerts/metrics");
    const metrics = (Array.isArray(body.metrics) ? body.metrics : []).filter(isObj).map((m) => ({ name: String(m.name ?? ""), description: typeof m.description === "string" ? m.description : undefined }));
    return { metrics: metrics.filter((m) => m.name), operators: strings(body.operators) };
  }

  /** The collector's stored prices, as the cost engine's overrides. */
  async pricing(): Promise<PriceOverride[]> {
    return pricingOverrides(await this.call<Obj>("GET", "/pricing"));
  }

  /**
   * The collector's active price catalog (`GET /pricing/catalog`) as its JSON text, for
   * the viewer to price alike; null when the collector has no such route (404).
   */
  async priceCatalog(): Promise<string | null> {
    const res = await this.client.request("GET", "/pricing/catalog");
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) return answer<never>(res);
    return res.text();
  }
}
