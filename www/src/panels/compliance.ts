// Compliance: a preset or the user's policy JSON (typed, pasted or loaded from a file)
// checked against the selected or filtered sessions; per-rule verdicts and each report's
// text. An invalid policy shows the engine's error, which names the bad rule.
import type { Panel, PanelContext } from "../contract";
import { h } from "../dom";
import type { ComplianceCheckResult } from "../worker-handlers/compliance";
import { ask, field, fileLoader, num, resultArea, scopePicker, select, table, unwrap } from "./parts";

type Checked = Extract<ComplianceCheckResult, { ok: true }>;
const SHOWN_SESSIONS = 200;

const VERDICT = { pass: "✓ pass", fail: "✗ fail", skip: "– skip" } as Record<string, string>;
const valueText = (v: unknown) => (v === null || v === undefined ? "–" : typeof v === "string" ? v : typeof v === "number" ? num(v, 4) : JSON.stringify(v));

function sessionReport(s: Checked["sessions"][number], open: boolean): HTMLElement {
  const r = s.report as Record<string, unknown>;
  const results = (Array.isArray(r.results) ? r.results : []) as Record<string, unknown>[];
  const ok = r.compliant === true;
  const details = h(
    "details",
    { class: `compliance-session ${ok ? "is-ok" : "is-bad"}`, "data-session": s.sessionId },
    h("summary", null, h("span", { class: `badge ${ok ? "st-ok" : "st-error"}` }, ok ? "compliant" : "non-compliant"), " ", s.sessionId, h("span", { class: "panel-note" }, ` — ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`)),
    table(
      ["Rule", "Severity", "Verdict", "Message", "Actual", "Expected"],
      results.map((x) => [String(x.description || x.kind), String(x.severity ?? ""), h("span", { class: `verdict v-${String(x.verdict)}` }, VERDICT[String(x.verdict)] ?? String(x.verdict)), String(x.message ?? ""), valueText(x.actual_value), valueText(x.expected_value)]),
      "compliance-rules",
    ),
    h("details", null, h("summary", null, "Report text"), h("pre", { class: "report-text" }, s.text)),
  );
  details.open = open;
  return details;
}

function mount(el: HTMLElement, ctx: PanelContext): void {
  const preset = select([["strict", "Preset: strict"], ["permissive", "Preset: permissive"], ["custom", "Custom policy (JSON below)"]], "strict", "preset");
  const policy = h("textarea", { class: "panel-json", spellcheck: "false", "aria-label": "Policy JSON", name: "policy" });
  const scope = scopePicker(ctx);
  const runButton = h("button", { type: "button", class: "primary" }, "Check");
  const result = resultArea("compliance-result");
  const loadPreset = async () => {
    if (preset.value === "custom") return;
    const r = await ask<{ policy: string }>(ctx, "compliance.preset", { name: preset.value });
    if (r.ok) policy.value = r.policy;
  };
  const loader = fileLoader(".json,application/json", (text) => {
    policy.value = text;
    preset.value = "custom";
  });
  el.append(
    h("div", { class: "panel-toolbar" }, field("Policy", preset), loader, field("Sessions", scope.el), runButton),
    h("p", { class: "panel-note" }, 'Edit the policy to make it your own: {"name": …, "rules": [{"kind": "max_tokens", "limit": 50000}, …]}.'),
    policy,
    result.el,
  );
  preset.addEventListener("change", () => void loadPreset());
  policy.addEventListener("input", () => (preset.value = "custom"));
  const run = () =>
    result.run(async () => {
      scope.refresh();
      const ids = scope.ids();
      const params = preset.value === "custom" ? { policy: policy.value, sessionIds: ids } : { preset: preset.value, sessionIds: ids };
      const r = unwrap(await ask<Omit<Checked, "ok">>(ctx, "compliance.check", params));
      if (ids.length === 0) return `The policy "${r.policyName}" is valid. Select a session or widen the filters to check it.`;
      const { sessionId } = ctx.selection();
      const shown = r.sessions.slice(0, SHOWN_SESSIONS);
      return [
        h("p", { class: "compliance-summary" }, `Policy "${r.policyName}": ${r.compliant} of ${r.sessions.length} sessions compliant, ${r.nonCompliant} non-compliant.`),
        r.notChecked ? h("p", { class: "panel-note" }, `${r.notChecked} more sessions were not checked (narrow the filters).`) : null,
        r.sessions.length > shown.length ? h("p", { class: "panel-note" }, `Showing the first ${shown.length}.`) : null,
        ...shown.map((s, i) => sessionReport(s, s.sessionId === sessionId || (i === 0 && shown.length <= 3))),
      ].filter((x): x is HTMLElement => x !== null);
    });
  runButton.addEventListener("click", () => void run());
  ctx.onChange(() => scope.refresh());
  void loadPreset();
}

export const compliancePanel: Panel = { id: "compliance", title: "Compliance", mount };
