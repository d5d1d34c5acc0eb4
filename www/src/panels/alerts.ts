// Alerts: the user's alert rules (typed, pasted or loaded) streamed over the loaded trace
// in event order by the core's evaluator; each fired alert with its severity and the
// event it fired on.
import type { Panel, PanelContext } from "../contract";
import { h } from "../dom";
import type { AlertsResult } from "../worker-handlers/alerts";
import { ask, field, fileLoader, resultArea, select, table, unwrap } from "./parts";

type Evaluated = Extract<AlertsResult, { ok: true }>;

/** A starting point: one rule of each common kind (see the alert engine's rule format). */
export const EXAMPLE_RULES = {
  rules: [
    { name: "slow call", severity: "warning", description: "An event took over 5 s", condition: { type: "aggregate", metric: "duration_ms", agg_func: "max", operator: ">", value: 5000, window: 1 } },
    { name: "error burst", severity: "critical", condition: { type: "rate", event_type: "error", window_seconds: 60, threshold_count: 3 }, cooldown_seconds: 300 },
    { name: "dangerous tool", severity: "critical", condition: { type: "pattern", field: "tool_name", pattern: "^(shell|execute_code)$" } },
    { name: "tool failures in a row", severity: "warning", condition: { type: "consecutive", event_type: "tool_error", count: 3 } },
  ],
};

function draw(r: Evaluated): Node[] {
  const counts = Object.entries(r.bySeverity).map(([s, n]) => `${n} ${s}`).join(", ");
  return [
    h("p", { class: "alerts-summary" }, `${r.rules} rules over ${r.evaluated} events: ${r.fired} alerts fired${counts ? ` (${counts})` : ""}.`),
    r.fired > r.alerts.length ? h("p", { class: "panel-note" }, `Showing the first ${r.alerts.length}.`) : h("span"),
    r.alerts.length
      ? table(
          ["#", "Severity", "Rule", "Message", "Fired on", "Session", "Time"],
          r.alerts.map(({ alert, on }) => [
            String(on.index + 1),
            h("span", { class: `badge sev-${String(alert.severity)}` }, String(alert.severity ?? "")),
            String(alert.rule_name ?? ""),
            String(alert.message ?? ""),
            `${on.event_type} ${on.event_id}`.trim(),
            on.session_id,
            on.timestamp,
          ]),
          "alerts-table",
        )
      : h("p", { class: "panel-note" }, "No alert fired."),
  ];
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const rules = h("textarea", { class: "panel-json", spellcheck: "false", "aria-label": "Alert rules JSON", name: "rules" });
  rules.value = JSON.stringify(EXAMPLE_RULES, null, 2);
  const scope = select([["all", "The whole trace"], ["filtered", "Filtered sessions only"]], "all", "scope");
  const runButton = h("button", { type: "button", class: "primary" }, "Evaluate");
  const result = resultArea("alerts-result");
  el.append(
    h("div", { class: "panel-toolbar" }, fileLoader(".json,application/json", (text) => (rules.value = text)), field("Events", scope), runButton),
    h("p", { class: "panel-note" }, 'Rules: {"rules": [{"name", "condition": {"type": "threshold" | "rate" | "consecutive" | "pattern" | "aggregate" | "composite", …}, "severity", "cooldown_seconds"}]}. Events are fed in file order, as a live tracker would.'),
    rules,
    result.el,
  );
  const run = () =>
    result.run(async () => {
      const params = scope.value === "filtered" ? { rules: rules.value, sessionIds: ctx.selection().filteredSessionIds } : { rules: rules.value };
      return draw(unwrap(await ask<Omit<Evaluated, "ok">>(ctx, "alerts.evaluate", params)) as Evaluated);
    });
  runButton.addEventListener("click", () => void run());
}

export const alertsPanel: Panel = { id: "alerts", title: "Alerts", mount };
