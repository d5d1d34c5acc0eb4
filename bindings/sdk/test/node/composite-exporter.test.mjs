// compositeExporter: fan-out is a sink per exporter in the core pipeline, so the composite is the
// checked, flattened list; an empty list is refused like Agent Inspector's
// CompositeExporter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compositeExporter, createConsoleExporter, createHttpExporter, nodePlatform } from "@agentlens/sdk";
import { driverFor } from "../support/driver.mjs";

const http = () => createHttpExporter({ endpoint: "http://127.0.0.1:9", apiKey: "k" });

test("returns the exporters flattened, in order", () => {
  const a = http();
  const b = createConsoleExporter({ write: () => {} });
  const c = createConsoleExporter({ write: () => {} });
  assert.deepEqual(compositeExporter([a, [b, [c]]]), [a, b, c]);
});

test("an empty list and things that are not exporters are refused", () => {
  const config = (e) => e.name === "AgentLensConfigError" && /"exporters/.test(e.message);
  assert.throws(() => compositeExporter([]), config);
  assert.throws(() => compositeExporter([[]]), config);
  assert.throws(() => compositeExporter([http(), { name: "x", send() {} }]), (e) => config(e) && e.message.includes("exporters[1]"));
  assert.throws(() => compositeExporter("http"), config);
});

test("each exporter of the composite gets every event through its own driver", async () => {
  const seen = [[], []];
  const exporters = compositeExporter(seen.map((lines) => createConsoleExporter({ write: (l) => lines.push(l) })));
  const drivers = exporters.map((e) => driverFor(e, { platform: nodePlatform() }));
  const events = [{ event_type: "generic", session_id: "s", input_data: { n: 1 } }];
  for (const { driver } of drivers) driver.push(events);
  await Promise.all(drivers.map(({ driver }) => driver.flush()));
  assert.deepEqual(seen.map((l) => l.length), [1, 1]);
});
