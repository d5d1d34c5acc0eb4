// Charts: tokens and cost by model and over time, the latency distribution with its
// percentiles, and tool usage with failures, over the filtered sessions or the selected one.
import type { Panel, PanelContext } from "../contract";
import { barChart, columnChart, compact } from "../charts";
import { h } from "../dom";
import type { ChartsData } from "../worker-handlers/charts";
import type { CostParts } from "../worker-handlers/cost";
import { assumedNote, unpricedReason } from "../views/cost";
import { ask, field, num, pct, resultArea, scopePicker, table, unwrap, whenVisible } from "./parts";

type Data = Extract<ChartsData, { ok: true }>;

const usd = (v: number) => (v === 0 ? "$0" : v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`);
const TOKENS = [
  { name: "input", cls: "c-in" },
  { name: "output", cls: "c-out" },
];

function bucketLabel(ms: number, bucketMs: number): string {
  const iso = new Date(ms).toISOString();
  if (bucketMs >= 86_400_000) return iso.slice(0, 10);
  if (bucketMs >= 60_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(11, 19);
}

function figure(title: string, chart: Node, caption?: string): HTMLElement {
  return h("figure", { class: "chart-figure" }, h("figcaption", null, title), chart, caption ? h("p", { class: "panel-note" }, caption) : null);
}

function draw(d: Data): Node[] {
  const t = d.totals;
  const summary = h(
    "dl",
    { class: "panel-facts" },
    ...[
      ["Sessions", String(d.sessions)],
      ["Events", String(t.events)],
      ["Tokens", `${compact(t.tokens_in)} in / ${compact(t.tokens_out)} out`],
      ["Cost", costText(d)],
      ["Errors", `${t.errors} (${pct(t.error_rate)})`],
      ["Tool calls", `${t.tool_calls}, ${t.tool_failures} failed (${pct(t.tool_failure_rate)})`],
    ].flatMap(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
  );
  const out: Node[] = [summary];
  const note = assumedNote(d.parts.cachedPriceAssumed, d.parts.cacheWritePriceAssumed);
  if (note) out.push(h("p", { class: "panel-note" }, note));
  if (d.unmatchedModels.length && !unpricedReason(d.priceList)) out.push(h("p", { class: "panel-note" }, `No price for: ${d.unmatchedModels.join(", ")} (their cost is not counted).`));
  out.push(
    h(
      "div",
      { class: "chart-grid-layout" },
      figure("Tokens by model", barChart({ title: "Tokens by model", parts: TOKENS, rows: d.byModel.map((m) => ({ label: m.model, values: [m.tokens_in, m.tokens_out] })) })),
      figure("Cost by model", barChart({ title: "Cost by model (USD)", parts: [{ name: "cost", cls: "c-cost" }], rows: d.byModel.map((m) => ({ label: m.model, values: [m.total_cost], note: usd(m.total_cost) })) })),
      figure(
        "Tokens over time",
        columnChart({ title: "Tokens over time", parts: TOKENS, columns: d.overTime.buckets.map((b) => ({ label: bucketLabel(b.startMs, d.overTime.bucketMs), values: [b.tokens_in, b.tokens_out] })) }),
      ),
      figure(
        "Cost over time",
        columnChart({ title: "Cost over time (USD)", parts: [{ name: "cost", cls: "c-cost" }], format: usd, columns: d.overTime.buckets.map((b) => ({ label: bucketLabel(b.startMs, d.overTime.bucketMs), values: [b.cost] })) }),
      ),
      costKinds(d),
      latencyFigure(d),
      figure(
        "Tool usage",
        barChart({
          title: "Tool calls (failed in red)",
          parts: [
            { name: "succeeded", cls: "c-ok" },
            { name: "failed", cls: "c-fail" },
          ],
          rows: d.tools.map((x) => ({ label: x.tool, values: [x.calls - x.failures, x.failures], note: `${x.calls} · ${pct(x.failure_rate)} failed` })),
        }),
      ),
    ),
  );
  return out;
}

/** The total, or why there is none: never $0 for calls no price list priced. */
function costText(d: Data): string {
  const reason = unpricedReason(d.priceList);
  if (reason && d.byModel.length) return reason;
  return usd(d.totals.total_cost);
}

/** Each model's cost by token kind (cache reads and writes, reasoning, other) as a table. */
function costKinds(d: Data): HTMLElement {
  const kinds: [string, (p: CostParts) => number][] = [
    ["input", (p) => p.input],
    ["cached read", (p) => p.cachedInput],
    ["cache write", (p) => p.cacheWrite],
    ["output", (p) => p.output],
    ["reasoning", (p) => p.reasoning],
    ["other", (p) => p.other],
  ];
  const rows = [...d.byModel.map((m) => ({ label: m.model, parts: m.parts, total: m.total_cost, matched: m.matched })), { label: "all models", parts: d.parts, total: d.totals.total_cost, matched: d.byModel.some((m) => m.matched) }];
  const cells = (r: (typeof rows)[number]) => (r.matched ? [...kinds.map(([, get]) => usd(get(r.parts))), usd(r.total)] : [...kinds.map(() => ""), "unpriced"]);
  return figure(
    "Cost by kind",
    h("div", { class: "cost-kinds-wrap" }, table(["model", ...kinds.map(([k]) => k), "total"], rows.map((r) => [r.label, ...cells(r)]), "cost-kinds")),
    `Cache writes: ${compact(d.parts.cacheWriteTokens)} tokens; cached reads: ${compact(d.parts.cachedInputTokens)} tokens.`,
  );
}

function latencyFigure(d: Data): HTMLElement {
  const { stats, histogram, overflow } = d.latency;
  const bins = histogram.map((b) => ({ label: `${compact(b.fromMs)}–${compact(b.toMs)} ms`, values: [b.count] }));
  if (overflow) bins.push({ label: `> ${compact(histogram[histogram.length - 1]?.toMs ?? 0)} ms`, values: [overflow] });
  const width = histogram.length ? histogram[0].toMs - histogram[0].fromMs : 1;
  const at = (ms: number) => Math.min(histogram.length, ms / width);
  const markers = stats
    ? [
        { label: `p50 ${compact(stats.p50_ms)} ms`, at: at(stats.p50_ms), cls: "m-p50" },
        { label: `p95 ${compact(stats.p95_ms)} ms`, at: at(stats.p95_ms), cls: "m-p95" },
        { label: `p99 ${compact(stats.p99_ms)} ms`, at: at(stats.p99_ms), cls: "m-p99" },
      ]
    : [];
  const chart = columnChart({ title: "Latency distribution (events with a duration)", parts: [{ name: "events", cls: "c-lat" }], columns: bins, markers });
  const facts = stats
    ? table(["count", "min", "mean", "p50", "p95", "p99", "max"], [[stats.count, ...[stats.min_ms, stats.mean_ms, stats.p50_ms, stats.p95_ms, stats.p99_ms, stats.max_ms].map((v) => `${num(v, 1)} ms`)]], "latency-table")
    : h("p", { class: "panel-note" }, "No event reports a duration.");
  return figure("Latency distribution", h("div", null, chart, facts));
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const scope = scopePicker(ctx);
  const result = resultArea("charts-result");
  el.append(h("div", { class: "panel-toolbar" }, field("Sessions", scope.el)), result.el);
  const render = () =>
    result.run(async () => {
      scope.refresh();
      const ids = scope.ids();
      if (ids.length === 0) return "No sessions: open a trace, or change the filters or the selection.";
      return draw(unwrap(await ask<Omit<Data, "ok">>(ctx, "charts.data", { sessionIds: ids })) as Data);
    });
  const schedule = whenVisible(el, () => void render());
  scope.el.addEventListener("change", () => void render());
  ctx.onChange(schedule);
  schedule();
}

export const chartsPanel: Panel = { id: "charts", title: "Charts", mount };
