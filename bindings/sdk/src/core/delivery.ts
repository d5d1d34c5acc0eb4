/**
 * Delivery problems in words: the one warning a user sees when an exporter cannot
 * deliver, naming the destination (never the key) and what to check. Which failures
 * deserve a warning is the core's decision (`warn` on a `failed` notice: the first of
 * each cause); this file only phrases them.
 */
import type { DeliveryFailure, DeliveryProblem, DropReason } from "../../wasm/agentlens_wasm.js";

/** What `stats().perExporter[i].lastError` holds: the core's last failure, phrased. */
export interface LastDeliveryError {
  /** `network`, `timeout`, `unauthorized`, `not_found`, `too_large`, `rate_limited`, `server_error` or `rejected`. */
  problem: DeliveryProblem;
  /** The HTTP status, when one arrived. */
  status: number | null;
  /** Why the request's events were dropped, or `null` while they wait for a retry. */
  gaveUp: DropReason | null;
  /** Requests of this exporter that have failed so far. */
  count: number;
  /** The same, in a sentence, with what to check. */
  message: string;
}

/** What to check at an OTLP receiver, where it differs from an AgentLens one. */
function otlpAdvice(problem: DeliveryProblem, http: string): string | undefined {
  switch (problem) {
    case "network":
      return "nothing answered there: check that the receiver is running and that the endpoint is right (the endpoint option, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT)";
    case "unauthorized":
      return `the receiver refused the request${http}: check the headers option (or OTEL_EXPORTER_OTLP_HEADERS) for the receiver's credentials`;
    case "not_found":
      return `nothing receives traces at this URL${http}: check the endpoint (the full traces URL, e.g. http://host:4318/v1/traces)`;
    case "rejected":
      return `the receiver refused the spans${http}: check that the endpoint is an OTLP/HTTP traces receiver that takes this protocol (some accept only http/protobuf)`;
    default:
      return undefined;
  }
}

/**
 * A network failure of an exporter that names no URL (a custom one: the package's network
 * exporters all do) is its own `send()`: no endpoint option is involved.
 */
const CUSTOM_NETWORK =
  'its send() threw, rejected, or answered { failure: "network" } or something other than a WireResult ({ status } or { failure }): check the exporter';

/** A network failure of an NDJSON exporter whose destination is not a URL: a file (the NDJSON file exporter's). */
const FILE_NETWORK = "it could not be written: check that its directory exists and is writable, and that the disk has room";

/** What went wrong and what to check, per problem (and per exporter format, where it differs). */
function advice(problem: DeliveryProblem, status: number | null, format?: string, target?: string): string {
  const http = status === null ? "" : ` (HTTP ${status})`;
  if (problem === "network" && !/^https?:\/\//i.test(target ?? "")) {
    return format === "ndjson" && target !== undefined ? FILE_NETWORK : CUSTOM_NETWORK;
  }
  const otlp = format === "otlp" ? otlpAdvice(problem, http) : undefined;
  if (otlp) return otlp;
  switch (problem) {
    case "network":
      return "nothing answered there: check that the receiver is running and that the endpoint is right (the endpoint option, or AGENTLENS_ENDPOINT)";
    case "timeout":
      return `no answer in time${http}: check that the receiver is healthy, or raise requestTimeoutMs`;
    case "unauthorized":
      return `the receiver refused the API key${http}: check the apiKey option (or AGENTLENS_API_KEY) against the receiver's key`;
    case "not_found":
      return `nothing receives events at this URL${http}: check the endpoint (events are posted to <endpoint>/events)`;
    case "too_large":
      return `the receiver refused even a single event as too large${http}: lower maxEventBytes, or raise the receiver's body limit`;
    case "rate_limited":
      return `the receiver is rate limiting${http}: lower the event rate (sampleRate) or raise the receiver's limit`;
    case "server_error":
      return `the receiver failed${http}: check its logs`;
    default:
      return `the receiver refused the events${http}: check that the endpoint is an AgentLens receiver of a compatible version`;
  }
}

/** What became of the events of the failed request. */
function fate(gaveUp: DropReason | null): string {
  if (gaveUp === null) return "The events are kept and retried with backoff.";
  return `The events of that request were dropped (${gaveUp}); see stats().dropped.`;
}

/** One line: the exporter, its destination, the cause, what to check, what became of the events. */
export function describeFailure(exporter: string, target: string | undefined, problem: DeliveryProblem, status: number | null, gaveUp: DropReason | null, format?: string): string {
  const where = target ? ` to ${target}` : "";
  return `agentlens: exporter "${exporter}" could not deliver${where}: ${advice(problem, status, format, target)}. ${fate(gaveUp)}`;
}

/** The core's `last_error`, phrased; `null` when no request has failed. */
export function lastError(exporter: string, target: string | undefined, f: DeliveryFailure | null | undefined, format?: string): LastDeliveryError | null {
  if (!f) return null;
  return {
    problem: f.problem,
    status: f.status,
    gaveUp: f.gave_up,
    count: f.count,
    message: describeFailure(exporter, target, f.problem, f.status, f.gave_up, format),
  };
}

/**
 * A URL as shown in messages: no user name, password, query or fragment, which is where
 * credentials hide.
 */
export function displayTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(an invalid URL)";
  }
}
