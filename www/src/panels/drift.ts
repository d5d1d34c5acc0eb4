// Drift: two sets of sessions compared by the core's DriftDetector — the filtered sessions
// split by time (the first N% as the baseline), or sets pinned from the filter (the
// current set may be "every other session"). Score, status, metric and tool tables, and
// the formatted report.
import type { Panel, PanelContext } from "../contract";
import { fmtTime, h } from "../dom";
import type { DriftCompareResult } from "../worker-handlers/drift";
import { ask, field, num, resultArea, select, table, unwrap } from "./parts";

type Compared = Extract<DriftCompareResult, { ok: true }>;

function windowText(name: string, w: Compared["baseline"]): string {
  const span = w.fromMs === null ? "no times" : `${fmtTime(w.fromMs)} → ${fmtTime(w.toMs)}`;
  return `${name}: ${w.sessions} sessions, ${span}`;
}

function draw(r: Compared): Node[] {
  const report = r.report as Record<string, unknown>;
  const metrics = (Array.isArray(report.metric_drifts) ? report.metric_drifts : []) as Record<string, unknown>[];
  const tools = (Array.isArray(report.tool_drifts) ? report.tool_drifts : []) as Record<string, unknown>[];
  const status = String(report.status ?? "");
  return [
    h(
      "div",
      { class: "drift-head" },
      h("span", { class: "drift-score", title: "0 (identical) to 100" }, String(report.drift_score ?? "")),
      h("span", { class: `badge drift-status s-${status}` }, status.replace(/_/g, " ")),
      h("span", { class: "panel-note" }, String(report.summary ?? "")),
    ),
    h("p", { class: "panel-note" }, windowText("Baseline", r.baseline)),
    h("p", { class: "panel-note" }, windowText("Current", r.current)),
    h("h3", null, "Metrics"),
    table(
      ["Metric", "Baseline mean ± sd", "Current mean ± sd", "Change", "Effect size (d)", "Direction", "Drifting"],
      metrics.map((m) => [
        String(m.name ?? ""),
        `${num(m.baseline_mean)} ± ${num(m.baseline_std)}`,
        `${num(m.current_mean)} ± ${num(m.current_std)}`,
        typeof m.relative_change === "number" ? `${(m.relative_change * 100).toFixed(1)}%` : "–",
        num(m.effect_size),
        String(m.direction ?? ""),
        m.is_drifting ? "yes" : "no",
      ]),
      "drift-metrics",
    ),
    h("h3", null, "Tools"),
    tools.length
      ? table(
          ["Tool", "Baseline rate", "Current rate", "Change", ""],
          tools.map((t) => [String(t.tool_name ?? ""), num(t.baseline_rate, 4), num(t.current_rate, 4), num(t.change, 4), t.is_new ? "new" : t.is_dropped ? "dropped" : ""]),
          "drift-tools",
        )
      : h("p", { class: "panel-note" }, "No tool calls in either window."),
    h("details", { open: true }, h("summary", null, "Report"), h("pre", { class: "report-text" }, r.text)),
  ];
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const mode = select([["split", "Split the filtered sessions by time"], ["sets", "Compare pinned sets"]], "split", "mode");
  const percent = h("input", { type: "number", min: 1, max: 99, step: 1, value: 50, name: "baseline-percent" });
  const threshold = h("input", { type: "number", min: 0.05, step: 0.05, value: 0.5, name: "threshold" });
  let baseline: string[] = [];
  let current: string[] | "rest" = "rest";
  const pinned = h("span", { class: "panel-note drift-pinned" });
  const showPinned = () => (pinned.textContent = `Baseline: ${baseline.length} sessions · Current: ${current === "rest" ? "every other session" : `${current.length} sessions`}`);
  const pinBase = h("button", { type: "button" }, "Baseline = filtered");
  const pinCurrent = h("button", { type: "button" }, "Current = filtered");
  const pinRest = h("button", { type: "button" }, "Current = the rest");
  pinBase.addEventListener("click", () => ((baseline = ctx.selection().filteredSessionIds), showPinned()));
  pinCurrent.addEventListener("click", () => ((current = ctx.selection().filteredSessionIds), showPinned()));
  pinRest.addEventListener("click", () => ((current = "rest"), showPinned()));
  const splitControls = h("span", { class: "panel-group" }, field("Baseline: first % by time", percent));
  const setControls = h("span", { class: "panel-group", hidden: true }, pinBase, pinCurrent, pinRest, pinned);
  const runButton = h("button", { type: "button", class: "primary" }, "Compare");
  const result = resultArea("drift-result");
  el.append(h("div", { class: "panel-toolbar" }, field("Windows", mode), splitControls, setControls, field("Threshold (d)", threshold), runButton), result.el);
  mode.addEventListener("change", () => {
    splitControls.hidden = mode.value !== "split";
    setControls.hidden = mode.value !== "sets";
  });
  showPinned();
  const run = () =>
    result.run(async () => {
      const params =
        mode.value === "split"
          ? { mode: "split", sessionIds: ctx.selection().filteredSessionIds, baselinePercent: Number(percent.value), threshold: Number(threshold.value) }
          : { mode: "sets", baseline, current, threshold: Number(threshold.value) };
      return draw(unwrap(await ask<Omit<Compared, "ok">>(ctx, "drift.compare", params)) as Compared);
    });
  runButton.addEventListener("click", () => void run());
}

export const driftPanel: Panel = { id: "drift", title: "Drift", mount };
