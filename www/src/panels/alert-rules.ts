// Collector alerts (collector mode only): the collector's alert rules over its stored
// sessions (/alerts/rules) — listed, created, enabled or disabled and deleted — evaluated
// on demand (POST /alerts/evaluate), and the alerts they fired (/alerts/events), each
// acknowledgeable. Rule names and agent filters are anyone's text: shown as text only.
// (The Alerts tab evaluates rules of the core's alert engine over the loaded trace.)
import type { Panel } from "../contract";
import { clear, fmtTime, h } from "../dom";
import { CollectorApi, type AlertEvent, type AlertRule, type Evaluation } from "../collector-api";
import { plural } from "../status-text";
import { errorLine, type ErrorLine } from "./control-error";
import { field, num, select, table } from "./parts";

const when = (iso: string | null | undefined) => (iso ? fmtTime(Date.parse(iso)) || iso : "");

/** Runs a request; its error shows on `error` (and is cleared on success). Answers success. */
async function attempt(error: ErrorLine, work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    error.clear();
    return true;
  } catch (err) {
    error.show(err);
    return false;
  }
}

/** The form of a new rule; `created()` is called once the collector stored one. */
function ruleForm(api: CollectorApi, created: () => void) {
  const name = h("input", { type: "text", name: "rule-name", placeholder: "High error rate", autocomplete: "off" });
  const metric = select([], undefined, "rule-metric");
  const operator = select([">", "<", ">=", "<=", "==", "!="].map((o) => [o, o]), ">", "rule-operator");
  const threshold = h("input", { type: "number", name: "rule-threshold", step: "any", value: "0" });
  const windowMin = h("input", { type: "number", name: "rule-window", min: 1, value: "60" });
  const cooldown = h("input", { type: "number", name: "rule-cooldown", min: 0, value: "15" });
  const agent = h("input", { type: "text", name: "rule-agent", placeholder: "any agent", autocomplete: "off" });
  const submit = h("button", { type: "submit", class: "primary" }, "Create rule");
  const error = errorLine();
  const el = h(
    "form",
    { class: "rule-form" },
    h("h3", null, "New rule"),
    h("div", { class: "panel-toolbar" }, field("Name", name), field("Metric", metric), field("Operator", operator), field("Threshold", threshold)),
    h("div", { class: "panel-toolbar" }, field("Window (min)", windowMin), field("Cooldown (min)", cooldown), field("Agent", agent), submit),
    error.el,
  );
  el.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    const rule = {
      name: name.value,
      metric: metric.value,
      operator: operator.value,
      threshold: threshold.value.trim() === "" ? Number.NaN : Number(threshold.value),
      window_minutes: Number(windowMin.value),
      cooldown_minutes: Number(cooldown.value),
      ...(agent.value.trim() ? { agent_filter: agent.value.trim() } : {}),
    };
    // NaN travels as null: the collector says what is wrong with it.
    if (await attempt(error, () => api.createRule(rule))) {
      name.value = "";
      created();
    }
    submit.disabled = false;
  });
  const setMetrics = (names: { name: string; description?: string }[], operators: string[]) => {
    clear(metric);
    for (const m of names) metric.append(h("option", { value: m.name, title: m.description ?? "" }, m.name));
    if (operators.length) {
      const was = operator.value;
      clear(operator);
      for (const o of operators) operator.append(h("option", { value: o }, o));
      if (operators.includes(was)) operator.value = was;
    }
  };
  return { el, setMetrics, error };
}

/** One rule's row: its condition, an enable switch and Delete. */
function ruleRow(api: CollectorApi, r: AlertRule, error: ErrorLine, changed: () => void): (string | Node)[] {
  const enabled = h("input", { type: "checkbox", checked: Boolean(r.enabled), "aria-label": `Rule ${r.name} enabled` });
  enabled.addEventListener("change", async () => {
    if (!(await attempt(error, () => api.updateRule(r.rule_id, { enabled: enabled.checked })))) enabled.checked = !enabled.checked;
  });
  const del = h("button", { type: "button", class: "rule-delete", "aria-label": `Delete rule ${r.name}` }, "Delete");
  del.addEventListener("click", async () => {
    del.disabled = true;
    if (await attempt(error, () => api.deleteRule(r.rule_id))) changed();
    del.disabled = false;
  });
  return [h("span", { class: "rule-name" }, r.name), `${r.metric} ${r.operator} ${num(r.threshold)}`, String(r.window_minutes), String(r.cooldown_minutes), r.agent_filter ?? "any", enabled, del];
}

/** The last evaluation: counts, then each rule's value and outcome. */
function drawEvaluation(res: Evaluation): Node[] {
  return [
    h("p", { class: "eval-summary" }, `${plural(res.evaluated, "rule")} evaluated: ${res.fired} fired, ${res.cooldown} in cooldown, ${res.ok} ok.`),
    table(
      ["Rule", "Condition", "Current value", "Outcome"],
      (res.results ?? []).map((o) => [o.name, `${o.metric} ${o.operator} ${num(o.threshold)}`, num(o.current_value), h("span", { class: `badge eval-${o.status}` }, o.status)]),
      "eval-table",
    ),
  ];
}

/** One fired alert's row, with Acknowledge while it is not. */
function eventRow(api: CollectorApi, e: AlertEvent, error: ErrorLine, changed: () => void): (string | Node)[] {
  let state: Node = h("span", { class: "badge alert-acked" }, `acknowledged ${when(e.acknowledged_at)}`.trim());
  if (!e.acknowledged) {
    const ack = h("button", { type: "button", class: "alert-ack" }, "Acknowledge");
    ack.addEventListener("click", async () => {
      ack.disabled = true;
      if (await attempt(error, () => api.acknowledge(e.alert_id))) changed();
      ack.disabled = false;
    });
    state = ack;
  }
  const condition = e.metric ? `${e.metric} ${e.operator ?? ""} ${num(e.threshold)}` : "";
  return [when(e.triggered_at), e.rule_name ?? e.rule_id, num(e.metric_value), condition, state];
}

function mount(el: HTMLElement): void {
  const api = new CollectorApi();
  const rulesBox = h("div", { class: "rules-box" });
  const rulesError = errorLine();
  const eventsBox = h("div", { class: "alert-events-box" });
  const eventsError = errorLine();
  const evalBox = h("div", { class: "eval-box", "aria-live": "polite" });
  const evalError = errorLine();
  const evaluate = h("button", { type: "button", class: "primary evaluate-rules" }, "Evaluate now");
  const refreshButton = h("button", { type: "button" }, "Refresh");

  const loadRules = () =>
    attempt(rulesError, async () => {
      const rules = await api.rules();
      clear(rulesBox);
      rulesBox.append(rules.length ? table(["Name", "Condition", "Window (min)", "Cooldown (min)", "Agent", "Enabled", ""], rules.map((r) => ruleRow(api, r, rulesError, () => void loadRules())), "rules-table") : h("p", { class: "panel-note" }, "No rules yet."));
    });
  const loadEvents = () =>
    attempt(eventsError, async () => {
      const events = await api.alertEvents();
      clear(eventsBox);
      eventsBox.append(events.length ? table(["Fired", "Rule", "Value", "Condition", "State"], events.map((e) => eventRow(api, e, eventsError, () => void loadEvents())), "alert-events-table") : h("p", { class: "panel-note" }, "No alert has fired."));
    });
  const form = ruleForm(api, () => void loadRules());
  const refresh = () => Promise.all([loadRules(), loadEvents(), attempt(form.error, async () => {
    const m = await api.metrics();
    form.setMetrics(m.metrics, m.operators);
  })]);

  evaluate.addEventListener("click", async () => {
    evaluate.disabled = true;
    if (await attempt(evalError, async () => (clear(evalBox), evalBox.append(...drawEvaluation(await api.evaluate()))))) await loadEvents();
    evaluate.disabled = false;
  });
  refreshButton.addEventListener("click", () => void refresh());
  el.append(
    h("p", { class: "panel-note" }, "The collector's alert rules, over the sessions it stores: each rule compares a metric over its window with a threshold. Evaluate them now to fire alerts (each rule waits its cooldown before firing again)."),
    h("div", { class: "panel-toolbar" }, evaluate, refreshButton),
    evalError.el,
    evalBox,
    h("h3", null, "Rules"),
    rulesError.el,
    rulesBox,
    form.el,
    h("h3", null, "Fired alerts"),
    eventsError.el,
    eventsBox,
  );
  void refresh();
}

/** The collector's alert rules and fired alerts (a tab only when a collector serves the page). */
export const alertRulesPanel: Panel = { id: "collector-alerts", title: "Collector alerts", mount };
