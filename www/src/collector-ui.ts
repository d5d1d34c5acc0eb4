// The collector bar (collector mode only): where the collector is, the live toggle and
// its state, and the API key prompt when the collector asks for one. The sessions
// themselves go into the viewer's session list (collector-sync.ts); the shown session's
// tags, annotations and export go above its event detail (panels/session-notes.ts).
import { byId, clear, h } from "./dom";
import { CollectorAuthError, saveApiKey, sharedCollector } from "./collector";
import { CollectorApi } from "./collector-api";
import { CollectorSync, type CollectorView } from "./collector-sync";
import { createSessionNotes } from "./panels/session-notes";
import { setSessionBox } from "./views/detail";

export type { CollectorView };

/** What the shell tells collector mode. */
export interface CollectorControl {
  /** The user picked a session: load it before the others. */
  picked(id: string): void;
  /** A file was opened instead: stop loading and following. */
  stop(): void;
}

/** The bar's controls. */
interface BarParts {
  live: HTMLInputElement;
  liveState: HTMLElement;
  keyInput: HTMLInputElement;
  keyForm: HTMLFormElement;
  message: HTMLElement;
}

/** Fills the bar: where the collector is, the live toggle, the key form (hidden) and the message line. */
function buildBar(bar: HTMLElement, endpoint: string): BarParts {
  const live = h("input", { type: "checkbox", id: "collector-live", checked: true });
  const liveState = h("span", { class: "live-state", id: "collector-live-state" });
  const keyInput = h("input", { type: "password", name: "api-key", placeholder: "API key", autocomplete: "off", "aria-label": "Collector API key" });
  const keyForm = h("form", { class: "key-form", hidden: true }, keyInput, h("button", { type: "submit" }, "Use key"));
  const message = h("span", { class: "collector-message", role: "status" });
  clear(bar);
  bar.append(h("strong", null, "Collector"), h("span", { class: "collector-origin" }, endpoint), h("label", { for: "collector-live" }, live, " Live"), liveState, keyForm, message);
  bar.hidden = false;
  return { live, liveState, keyInput, keyForm, message };
}

/** Shows why reading the collector failed; a refused key opens the key form. */
function showFailure(err: unknown, parts: BarParts, view: CollectorView, endpoint: string): void {
  const text = err instanceof Error ? err.message : String(err);
  parts.message.textContent = text;
  if (err instanceof CollectorAuthError) {
    parts.keyForm.hidden = false;
    parts.keyInput.focus();
    view.status(`The collector at ${endpoint} ${err.message.replace(/^the collector /, "")}: enter the key above.`, "ready");
    view.placeholder("Enter the collector's API key above to see its sessions: the AGENTLENS_API_KEY it was started with. (A link to this page ending in #key=… fills it in.)");
  } else view.status(`Could not read the collector at ${endpoint}: ${text}`, "error");
}

export function setupCollector(bar: HTMLElement, view: CollectorView): CollectorControl {
  const collector = sharedCollector();
  const parts = buildBar(bar, collector.endpoint);
  const { live, liveState, keyInput, keyForm, message } = parts;

  // The listing answered: the key (if any) is right.
  const listed = (text: string) => {
    message.textContent = text;
    keyForm.hidden = true;
  };
  // The shown session's tags, annotations and export, above its event detail.
  const notes = createSessionNotes(new CollectorApi(collector));
  setSessionBox(byId("detail"), notes.el);
  const sync = new CollectorSync(collector, { ...view, reset: (events) => (notes.show(undefined), view.reset(events)) }, listed);
  let follow: AbortController | undefined;
  let stopped = false;

  const failed = (err: unknown) => showFailure(err, parts, view, collector.endpoint);

  const run = (fresh: boolean) =>
    sync.start(fresh).then(
      () => true,
      (err: unknown) => (failed(err), false),
    );

  /** Follows live events; resolves once connected (or refused). A reconnect re-reads the listing. */
  const startLive = () =>
    new Promise<void>((connected) => {
      follow?.abort();
      liveState.textContent = "";
      if (!live.checked || stopped) return connected();
      follow = new AbortController();
      let dropped = false;
      const onState = (state: string) => {
        liveState.textContent = state;
        if (state === "reconnecting") dropped = true;
        else if (state === "live" && dropped) void run(false);
        connected();
      };
      collector.follow((events) => sync.live(events), follow.signal, onState).catch((err: unknown) => (failed(err), connected()));
    });

  // Live first, then the listing: whatever commits in between arrives on both, added once.
  const connect = async (fresh: boolean) => {
    if (fresh) await sync.clear();
    await startLive();
    await run(fresh);
  };

  live.addEventListener("change", () => void (live.checked ? connect(false) : startLive()));
  keyForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const key = keyInput.value.trim();
    if (!key) return;
    saveApiKey(key);
    collector.setApiKey(key);
    keyInput.value = "";
    void connect(true);
  });
  void connect(true);

  return {
    picked(id) {
      sync.prioritize(id);
      notes.show(id);
    },
    stop() {
      stopped = true;
      notes.show(undefined);
      setSessionBox(byId("detail"), null);
      sync.stop();
      follow?.abort();
      bar.hidden = true;
    },
  };
}
