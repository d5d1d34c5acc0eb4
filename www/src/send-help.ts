// What an empty collector shows: its own endpoint and a short snippet that sends a
// session to it with the SDK, with a Copy button. The key itself is never shown: the
// snippet reads it from the environment.
import { h } from "./dom";

/** The SDK snippet that sends one session to `endpoint`. */
export function sendSnippet(endpoint: string, keyRequired: boolean): string {
  return [
    'import { init } from "@agentlens/sdk";',
    "",
    "const tracker = init({",
    `  endpoint: ${JSON.stringify(endpoint)},`,
    keyRequired ? "  apiKey: process.env.AGENTLENS_API_KEY," : null,
    "});",
    'tracker.startSession({ agentName: "my-agent" });',
    'tracker.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 12 });',
    "await tracker.endSession();",
  ]
    .filter((line) => line !== null)
    .join("\n");
}

/** Copies `text`; where the clipboard is refused, selects `pre` for Ctrl+C instead. */
async function copy(text: string, pre: HTMLElement, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    getSelection()?.selectAllChildren(pre);
    button.textContent = "Selected: press Ctrl+C";
  }
}

/** The help block for a collector at `endpoint` that holds no session yet. */
export function sendHelp(endpoint: string, keyRequired: boolean): HTMLElement {
  const snippet = sendSnippet(endpoint, keyRequired);
  const pre = h("pre", { class: "snippet" }, h("code", null, snippet));
  const button = h("button", { type: "button", class: "copy" }, "Copy");
  button.addEventListener("click", () => void copy(snippet, pre, button));
  return h(
    "div",
    { class: "send-help" },
    h("h2", null, "No sessions on this collector yet"),
    h("p", null, `Send events to ${endpoint} and they appear here as they arrive. With the SDK (npm install @agentlens/sdk):`),
    h("div", { class: "snippet-box" }, h("div", { class: "snippet-head" }, h("span", null, "JavaScript / TypeScript"), button), pre),
    keyRequired ? h("p", null, "This collector requires an API key: set AGENTLENS_API_KEY to the key it was started with.") : null,
    h("p", { class: "hint" }, `Or set AGENTLENS_ENDPOINT=${endpoint} for an app that already calls init(); OpenTelemetry exporters can post OTLP/HTTP JSON to ${endpoint}/v1/traces.`),
  );
}
