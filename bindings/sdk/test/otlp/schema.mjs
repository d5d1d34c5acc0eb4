// Strict readers of OTLP trace bodies, built on the OFFICIAL schema: `otlp-official-schema`
// is @opentelemetry/otlp-transformer 0.52.1, whose generated/root.js is protobufjs code
// generated from open-telemetry/opentelemetry-proto. Nothing here is our own encoder's
// code, so a body our encoder gets wrong cannot be read "right" by a twin of its mistake.
//
// - protobuf: decoded by the official `ExportTraceServiceRequest.decode`; `verify` must
//   pass, and the decoded message re-encodes to the same number of bytes (protobufjs skips
//   unknown fields silently: a field the schema does not know would be lost, and shorter).
// - JSON: the OTLP/JSON rules a generic protobuf JSON reader would let slip (hex ids of the
//   right length, not base64; integer enums; 64-bit integers as decimal strings;
//   lowerCamelCase keys that the schema knows), then hex ids to bytes and the official
//   `fromObject` + `verify`.
// Both give the same plain model (`spansOf`) for the assertions.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const root = require("otlp-official-schema/build/src/generated/root.js");
const v1 = root.opentelemetry.proto;

export const ExportTraceServiceRequest = v1.collector.trace.v1.ExportTraceServiceRequest;
export const ExportTraceServiceResponse = v1.collector.trace.v1.ExportTraceServiceResponse;

/** The field names each OTLP message type has (the generated classes keep them on the prototype). */
function fieldsOf(type) {
  const names = Object.getOwnPropertyNames(type.prototype).filter((n) => n !== "constructor" && n !== "toJSON");
  // AnyValue's oneof is a prototype getter named `value` too; it is not a field on the wire.
  return new Set(type === v1.common.v1.AnyValue ? names.filter((n) => n !== "value") : names);
}
const T = {
  request: ExportTraceServiceRequest,
  resourceSpans: v1.trace.v1.ResourceSpans,
  resource: v1.resource.v1.Resource,
  scopeSpans: v1.trace.v1.ScopeSpans,
  scope: v1.common.v1.InstrumentationScope,
  span: v1.trace.v1.Span,
  event: v1.trace.v1.Span.Event,
  link: v1.trace.v1.Span.Link,
  status: v1.trace.v1.Status,
  keyValue: v1.common.v1.KeyValue,
  anyValue: v1.common.v1.AnyValue,
  arrayValue: v1.common.v1.ArrayValue,
  kvlist: v1.common.v1.KeyValueList,
};
/** Which message type each key of a message holds. */
const CHILD = {
  request: { resourceSpans: "resourceSpans" },
  resourceSpans: { resource: "resource", scopeSpans: "scopeSpans" },
  resource: { attributes: "keyValue" },
  scopeSpans: { scope: "scope", spans: "span" },
  scope: { attributes: "keyValue" },
  span: { attributes: "keyValue", events: "event", links: "link", status: "status" },
  event: { attributes: "keyValue" },
  link: { attributes: "keyValue" },
  keyValue: { value: "anyValue" },
  anyValue: { arrayValue: "arrayValue", kvlistValue: "kvlist" },
  arrayValue: { values: "anyValue" },
  kvlist: { values: "keyValue" },
};
const KNOWN = Object.fromEntries(Object.entries(T).map(([k, t]) => [k, fieldsOf(t)]));
const INT64 = new Set(["startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue"]);
const HEX_IDS = { traceId: 32, spanId: 16, parentSpanId: 16 };

/** Checks one OTLP/JSON object of message type `type` and its children, in place; throws at the first fault with its path. */
function checkJson(value, type, path) {
  assert.ok(value && typeof value === "object" && !Array.isArray(value), `${path}: a JSON object`);
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}.${key}`;
    assert.match(key, /^[a-z][a-zA-Z0-9]*$/, `${at}: keys are lowerCamelCase`);
    assert.ok(KNOWN[type].has(key), `${at}: the official ${type} has no field "${key}"`);
    if (key in HEX_IDS && (type === "span" || type === "link")) {
      if (key === "parentSpanId" && v === "") continue;
      assert.equal(typeof v, "string", `${at}: a hex string`);
      assert.match(v, new RegExp(`^[0-9a-f]{${HEX_IDS[key]}}$`), `${at}: ${HEX_IDS[key]} lowercase hex digits, not base64 (${v})`);
    } else if (INT64.has(key)) {
      assert.equal(typeof v, "string", `${at}: a 64-bit integer is a decimal string`);
      assert.match(v, /^-?\d+$/, `${at}: decimal digits`);
    } else if (key === "kind" || (type === "status" && key === "code")) {
      assert.ok(Number.isInteger(v), `${at}: an enum is an integer, never a name (${JSON.stringify(v)})`);
    } else if (CHILD[type]?.[key]) {
      for (const [i, item] of (Array.isArray(v) ? v : [v]).entries()) checkJson(item, CHILD[type][key], Array.isArray(v) ? `${at}[${i}]` : at);
    }
  }
}

/** OTLP/JSON ids as bytes, for the official `fromObject` (which reads strings as base64). */
function idsToBytes(value) {
  if (Array.isArray(value)) return value.map(idsToBytes);
  if (!value || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = k in HEX_IDS && typeof v === "string" ? Buffer.from(v, "hex") : idsToBytes(v);
  return out;
}

/** Decodes a protobuf body strictly; returns the official message. */
export function decodeProtobuf(bytes) {
  const message = ExportTraceServiceRequest.decode(bytes);
  assert.equal(ExportTraceServiceRequest.verify(message), null, "the decoded message verifies");
  const again = ExportTraceServiceRequest.encode(message).finish();
  assert.equal(again.length, bytes.length, "every byte was a field the official schema knows (re-encoded to the same length)");
  return message;
}

/** Checks and reads an OTLP/JSON body strictly; returns the official message. */
export function decodeJson(bytes) {
  const text = Buffer.from(bytes).toString("utf8");
  const parsed = JSON.parse(text);
  checkJson(parsed, "request", "$");
  const message = ExportTraceServiceRequest.fromObject(idsToBytes(parsed));
  assert.equal(ExportTraceServiceRequest.verify(message), null, "the converted message verifies");
  return message;
}

/** An AnyValue as plain JavaScript: ints as numbers (they are small in these tests), arrays, maps. */
function plain(v) {
  if (!v) return undefined;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return Number(v.intValue.toString());
  if (v.doubleValue != null) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(plain);
  if (v.kvlistValue) return attrs(v.kvlistValue.values);
  if (v.bytesValue) return Buffer.from(v.bytesValue).toString("hex");
  return undefined;
}
function attrs(list = []) {
  const out = {};
  for (const kv of list) {
    assert.ok(!(kv.key in out), `attribute ${kv.key} appears once`);
    out[kv.key] = plain(kv.value);
  }
  return out;
}
const hex = (b) => (b && b.length ? Buffer.from(b).toString("hex") : "");

/** Every span of an official message as a plain object, with its resource and scope. */
export function spansOf(message) {
  const out = [];
  for (const rs of message.resourceSpans) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        out.push({
          resource,
          resourceSchemaUrl: rs.schemaUrl,
          scope: { name: ss.scope?.name, version: ss.scope?.version },
          schemaUrl: ss.schemaUrl,
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: s.kind,
          start: BigInt(s.startTimeUnixNano.toString()),
          end: BigInt(s.endTimeUnixNano.toString()),
          attributes: attrs(s.attributes),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attrs(e.attributes) })),
        });
      }
    }
  }
  return out;
}

/** The spans of a request body of either encoding (`contentType` from the request). */
export function spansOfBody(body, contentType) {
  return spansOf(String(contentType).startsWith("application/json") ? decodeJson(body) : decodeProtobuf(body));
}

/** OTLP SpanKind and StatusCode, from the official enums. */
export const SpanKind = v1.trace.v1.Span.SpanKind;
export const StatusCode = v1.trace.v1.Status.StatusCode;
