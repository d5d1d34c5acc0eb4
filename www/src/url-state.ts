// Deep links: the query string names the selected session, run, event and tab, kept up to
// date with history.replaceState so a copied URL reopens the same view.

export interface ViewState {
  src?: string;
  session?: string;
  run?: string;
  event?: string;
  tab?: string;
}

const KEYS = ["src", "session", "run", "event", "tab"] as const;

export function readState(search = location.search): ViewState {
  const params = new URLSearchParams(search);
  const state: ViewState = {};
  for (const k of KEYS) {
    const v = params.get(k);
    if (v) state[k] = v;
  }
  return state;
}

export function writeState(state: ViewState): void {
  const params = new URLSearchParams(location.search);
  for (const k of KEYS) {
    const v = state[k];
    if (v) params.set(k, v);
    else params.delete(k);
  }
  const query = params.toString();
  const url = `${location.pathname}${query ? `?${query}` : ""}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, "", url);
}
