// The collector bar (collector mode only): pick one of the collector's sessions to load,
// follow live events, and give an API key when the collector asks for one.
import { clear, h } from "./dom";
import type { WorkerClient } from "./client";
import type { WireEvent } from "./contract";
import { CollectorAuthError, CollectorClient, saveApiKey, takeApiKey, type CollectorSession } from "./collector";

export interface CollectorHooks {
  /** Loads a session's events into the viewer (added to what is loaded). */
  open(events: WireEvent[], name: string, sessionId: string): Promise<void>;
  /** Adds live events. */
  append(events: WireEvent[]): Promise<void>;
}

export function setupCollector(bar: HTMLElement, _client: WorkerClient, hooks: CollectorHooks): void {
  const collector = new CollectorClient(takeApiKey());
  const sessions = h("select", { name: "collector-session", "aria-label": "Collector sessions" });
  const openButton = h("button", { type: "button", id: "collector-open" }, "Open session");
  const live = h("input", { type: "checkbox", id: "collector-live", checked: true });
  const liveState = h("span", { class: "live-state", id: "collector-live-state" });
  const keyInput = h("input", { type: "password", name: "api-key", placeholder: "API key", autocomplete: "off", "aria-label": "Collector API key" });
  const keyForm = h("form", { class: "key-form", hidden: true }, keyInput, h("button", { type: "submit" }, "Use key"));
  const message = h("span", { class: "collector-message", role: "status" });
  clear(bar);
  bar.append(h("strong", null, "Collector"), sessions, openButton, h("label", { for: "collector-live" }, live, " Live"), liveState, keyForm, message);
  bar.hidden = false;

  let follow: AbortController | undefined;
  let queue: WireEvent[] = [];
  let flushing = false;

  const authFailed = (err: unknown) => {
    message.textContent = err instanceof Error ? err.message : String(err);
    if (err instanceof CollectorAuthError) {
      keyForm.hidden = false;
      keyInput.focus();
    }
  };

  const flush = async () => {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue;
    queue = [];
    try {
      await hooks.append(batch);
    } finally {
      flushing = false;
      if (queue.length) setTimeout(() => void flush(), 250);
    }
  };

  const startLive = () => {
    follow?.abort();
    if (!live.checked) {
      liveState.textContent = "";
      return;
    }
    follow = new AbortController();
    collector
      .follow(
        (events) => {
          queue.push(...events);
          void flush();
        },
        follow.signal,
        (s) => (liveState.textContent = s),
      )
      .catch(authFailed);
  };

  const known = new Map<string, CollectorSession>();
  const listSessions = async () => {
    try {
      const list: CollectorSession[] = await collector.listSessions();
      known.clear();
      for (const s of list) known.set(s.session_id, s);
      clear(sessions);
      for (const s of list) {
        const label = [s.agent_name || "(no agent)", s.session_id, s.started_at ?? "", s.status ?? ""].filter(Boolean).join(" · ");
        sessions.appendChild(h("option", { value: s.session_id }, label));
      }
      message.textContent = `${list.length} session${list.length === 1 ? "" : "s"} on the collector`;
      keyForm.hidden = true;
      return true;
    } catch (err) {
      authFailed(err);
      return false;
    }
  };

  openButton.addEventListener("click", async () => {
    const id = sessions.value;
    if (!id) return;
    try {
      const events = withSessionBounds(known.get(id), await collector.sessionEvents(id));
      await hooks.open(events, `collector session ${id}`, id);
    } catch (err) {
      authFailed(err);
    }
  });
  live.addEventListener("change", startLive);
  keyForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = keyInput.value.trim();
    if (!key) return;
    saveApiKey(key);
    collector.setApiKey(key);
    keyInput.value = "";
    if (await listSessions()) startLive();
  });

  void listSessions().then((ok) => {
    if (!ok) return;
    startLive();
    // A deep link (`?session=`, as `agentlens serve` and the demo print it) opens that
    // session of the collector at once.
    const wanted = new URLSearchParams(location.search).get("session");
    if (wanted && known.has(wanted)) {
      sessions.value = wanted;
      openButton.click();
    }
  });
}

/**
 * The collector (like the AgentLens backend) keeps session_start/session_end as the
 * session's row, not among its events; put them back from the listed row so the viewer
 * knows the agent, the start and the final status.
 */
export function withSessionBounds(row: CollectorSession | undefined, events: WireEvent[]): WireEvent[] {
  if (!row) return events;
  const has = (type: string) => events.some((e) => e.event_type === type);
  const out = [...events];
  if (!has("session_start") && row.started_at) {
    out.unshift({ session_id: row.session_id, event_type: "session_start", timestamp: row.started_at, agent_name: row.agent_name, metadata: (row as { metadata?: unknown }).metadata ?? {} });
  }
  if (!has("session_end") && row.ended_at) {
    out.push({ session_id: row.session_id, event_type: "session_end", timestamp: row.ended_at, ended_at: row.ended_at, status: row.status, total_tokens_in: row.total_tokens_in, total_tokens_out: row.total_tokens_out });
  }
  return out;
}
