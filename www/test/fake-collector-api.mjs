// The fake collector's AgentLens API beyond the events (fake-collector.mjs serves it):
// session tags, annotations, alert rules and their fired events, a session's export and
// the stored prices, held in memory with the collector's contracts (the AgentLens
// backend's shapes and status codes; refusals are 400 `{error}`, never a 500).

const TAG = /^[a-zA-Z0-9_\-.:/ ]+$/;
const TYPES = ["note", "bug", "insight", "warning", "milestone"];
const METRICS = ["total_tokens", "avg_tokens_per_session", "error_rate", "avg_duration_ms", "max_duration_ms", "session_count", "event_count", "token_rate"];
const OPERATORS = ["<", ">", "<=", ">=", "==", "!="];

function json(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
}

class Refused extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      if (!text) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Refused(400, "Invalid JSON body"));
      }
    });
  });
}

const compare = (v, op, t) => ({ "<": v < t, ">": v > t, "<=": v <= t, ">=": v >= t, "==": v === t, "!=": v !== t })[op];

/**
 * The routes over `stored` (session id → events) and the sessions in `live` (sent live,
 * so stored by a real collector); `pricing` is what GET /pricing lists.
 */
export function collectorApi(stored, { pricing = {}, live = new Set() } = {}) {
  const tags = new Map();
  const notes = new Map();
  const rules = [];
  const fired = [];
  let seq = 0;
  const nextId = (p) => `${p}-${++seq}`;
  const now = () => new Date().toISOString();
  const session = (id) => {
    if (!stored[id] && !live.has(id)) throw new Refused(404, "Session not found");
    return stored[id] ?? [];
  };
  const tagList = (id) => [...(tags.get(id) ?? [])].sort();
  const validTags = (list) => {
    if (!Array.isArray(list) || !list.length || !list.every((t) => typeof t === "string" && t.trim() && t.length <= 64 && TAG.test(t))) {
      throw new Refused(400, "Invalid tags. Provide an array of strings (alphanumeric, _-.:/ , max 64 chars each).");
    }
    return list.map((t) => t.trim());
  };

  function tagRoutes(method, id, body) {
    session(id);
    const set = tags.get(id) ?? new Set();
    tags.set(id, set);
    if (method === "GET") return { session_id: id, tags: tagList(id) };
    if (method === "POST") {
      const add = validTags(body.tags).filter((t) => !set.has(t));
      if (set.size + add.length > 20) throw new Refused(400, `Tag limit exceeded. Session has ${set.size} tags; the maximum is 20.`);
      add.forEach((t) => set.add(t));
      return { session_id: id, added: add.length, tags: tagList(id) };
    }
    const drop = body.tags?.length ? validTags(body.tags) : [...set];
    const removed = drop.filter((t) => set.delete(t)).length;
    return { session_id: id, removed, tags: tagList(id) };
  }

  function checkNote(body, partial) {
    const errors = [];
    if (!(partial && body.text === undefined) && (typeof body.text !== "string" || !body.text.trim())) errors.push("text is required and must be a non-empty string");
    else if (typeof body.text === "string" && body.text.length > 4000) errors.push("text must be at most 4000 characters");
    const type = body.annotation_type ?? body.type;
    if (type !== undefined && !TYPES.includes(type)) errors.push(`type must be one of: ${TYPES.join(", ")}`);
    if (errors.length) throw new Refused(400, "Validation failed", { details: errors });
    return type;
  }

  function annotationRoutes(method, id, annId, body) {
    session(id);
    const list = notes.get(id) ?? [];
    notes.set(id, list);
    if (!annId && method === "GET") return { session_id: id, total: list.length, returned: list.length, limit: 100, offset: 0, type_breakdown: {}, annotations: list };
    if (!annId && method === "POST") {
      const type = checkNote(body, false) ?? "note";
      const a = { annotation_id: nextId("ann"), session_id: id, text: body.text.trim(), author: body.author ?? "system", event_id: body.event_id ?? null, type, created_at: now(), updated_at: now() };
      list.push(a);
      return [201, a];
    }
    const a = list.find((x) => x.annotation_id === annId);
    if (!a) throw new Refused(404, "Annotation not found");
    if (method === "DELETE") {
      list.splice(list.indexOf(a), 1);
      return { deleted: true, annotation_id: annId };
    }
    const type = checkNote(body, true);
    if (body.text !== undefined) a.text = body.text.trim();
    if (type !== undefined) a.type = type;
    a.updated_at = now();
    return a;
  }

  function metricValue(metric) {
    const all = Object.values(stored).flat();
    if (metric === "event_count") return all.length;
    if (metric === "session_count") return Object.keys(stored).length;
    if (metric === "total_tokens") return all.reduce((n, e) => n + (e.tokens_in ?? 0) + (e.tokens_out ?? 0), 0);
    return 0;
  }

  function ruleOf(body, old) {
    const r = { ...old, ...body };
    if (typeof r.name !== "string" || !r.name.trim()) throw new Refused(400, "name is required");
    if (!METRICS.includes(r.metric)) throw new Refused(400, `Invalid metric. Valid metrics: ${METRICS.join(", ")}`);
    if (!OPERATORS.includes(r.operator)) throw new Refused(400, `Invalid operator. Valid operators: ${OPERATORS.join(", ")}`);
    if (typeof r.threshold !== "number" || !Number.isFinite(r.threshold)) throw new Refused(400, "threshold must be a number");
    const clamp = (v, lo, d) => Math.min(Math.max(lo, Number.isFinite(Number(v)) && v !== null ? Number(v) : d), 10080);
    return { ...r, name: r.name.trim(), window_minutes: clamp(r.window_minutes, 1, 60), cooldown_minutes: clamp(r.cooldown_minutes, 0, 15), agent_filter: r.agent_filter || null, enabled: r.enabled !== false, updated_at: now() };
  }

  function evaluate() {
    const results = rules.filter((r) => r.enabled).map((r) => {
      const value = metricValue(r.metric);
      const out = { rule_id: r.rule_id, name: r.name, metric: r.metric, operator: r.operator, threshold: r.threshold, current_value: value, triggered: compare(value, r.operator, r.threshold), window_minutes: r.window_minutes, agent_filter: r.agent_filter };
      if (!out.triggered) return { ...out, status: "ok" };
      const last = fired.filter((e) => e.rule_id === r.rule_id).at(-1);
      if (last && Date.now() - Date.parse(last.triggered_at) < r.cooldown_minutes * 60_000) return { ...out, status: "cooldown" };
      const event = { alert_id: nextId("alert"), rule_id: r.rule_id, triggered_at: now(), metric_value: value, details: "{}", acknowledged: false, acknowledged_at: null };
      fired.push(event);
      return { ...out, status: "fired", alert_id: event.alert_id };
    });
    const count = (s) => results.filter((r) => r.status === s).length;
    return { evaluated: results.length, fired: count("fired"), cooldown: count("cooldown"), ok: count("ok"), results };
  }

  function alertRoutes(method, rest, body) {
    if (rest === "metrics") return { metrics: METRICS.map((name) => ({ name, description: `the ${name} over the window` })), operators: OPERATORS };
    if (rest === "evaluate" && method === "POST") return evaluate();
    if (rest === "rules" && method === "GET") return { rules };
    if (rest === "rules" && method === "POST") {
      const rule = { rule_id: nextId("rule"), ...ruleOf(body, {}), created_at: now() };
      rules.push(rule);
      return [201, { rule }];
    }
    if (rest === "events") {
      const events = [...fired].reverse().map((e) => {
        const r = rules.find((x) => x.rule_id === e.rule_id);
        return { ...e, rule_name: r?.name, metric: r?.metric, operator: r?.operator, threshold: r?.threshold };
      });
      return { events, count: events.length };
    }
    let m = /^rules\/([^/]+)$/.exec(rest);
    if (m) {
      const at = rules.findIndex((r) => r.rule_id === decodeURIComponent(m[1]));
      if (at < 0) throw new Refused(404, "Rule not found");
      if (method === "DELETE") return { deleted: true, rule_id: rules.splice(at, 1)[0].rule_id };
      rules[at] = { ...ruleOf(body, rules[at]), rule_id: rules[at].rule_id };
      return { rule: rules[at] };
    }
    m = /^events\/([^/]+)\/acknowledge$/.exec(rest);
    const event = m && fired.find((e) => e.alert_id === decodeURIComponent(m[1]));
    if (!event) throw new Refused(404, "Alert event not found");
    Object.assign(event, { acknowledged: true, acknowledged_at: now() });
    return { acknowledged: true, alert_id: event.alert_id };
  }

  function exportSession(res, id, format) {
    const events = session(id);
    const agent = events[0]?.agent_name ?? "agent";
    const file = (ext) => `attachment; filename="agentlens-${agent}-${id.slice(0, 8)}.${ext}"`;
    const head = { session_id: id, agent_name: agent, tags: tagList(id) };
    if (format === "json") return json(res, 200, { exported_at: now(), session: head, ...head, events }, { "Content-Disposition": file("json") });
    if (format === "ndjson") {
      const lines = [{ _type: "session", ...head }, ...events.map((e) => ({ _type: "event", ...e }))];
      return res.writeHead(200, { "Content-Type": "application/x-ndjson", "Content-Disposition": file("ndjson") }).end(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    }
    if (format === "csv") {
      const rows = events.map((e) => [e.event_id ?? "", e.event_type, e.timestamp, e.model ?? ""].join(","));
      return res.writeHead(200, { "Content-Type": "text/csv", "Content-Disposition": file("csv") }).end(["event_id,event_type,timestamp,model", ...rows].join("\n") + "\n");
    }
    throw new Refused(400, "Invalid format. Use json, csv, ndjson or pdf.");
  }

  /** Answers a request of this API (returning true), or returns false. */
  function route(method, path, url, body, res) {
    let m;
    if (path === "/pricing" && method === "GET") return { pricing, defaults: {} };
    if (path === "/sessions/tags" && method === "GET") {
      const counts = new Map();
      for (const set of tags.values()) for (const t of set) counts.set(t, (counts.get(t) ?? 0) + 1);
      return { tags: [...counts].map(([tag, session_count]) => ({ tag, session_count })) };
    }
    if ((m = /^\/sessions\/([^/]+)\/tags$/.exec(path))) return tagRoutes(method, decodeURIComponent(m[1]), body);
    if ((m = /^\/sessions\/([^/]+)\/annotations(?:\/([^/]+))?$/.exec(path))) return annotationRoutes(method, decodeURIComponent(m[1]), m[2] && decodeURIComponent(m[2]), body);
    if ((m = /^\/sessions\/([^/]+)\/export$/.exec(path)) && method === "GET") return exportSession(res, decodeURIComponent(m[1]), url.searchParams.get("format"));
    if ((m = /^\/alerts\/(.+)$/.exec(path))) return alertRoutes(method, m[1], body);
    return undefined;
  }

  const owns = (path) => path === "/pricing" || path.startsWith("/alerts/") || /^\/sessions\/[^/]+\/(tags|annotations|export)(\/|$)/.test(path) || path === "/sessions/tags";

  /** Answers `req` if it is this API's (returning true); refusals are JSON `{error}`. */
  function handle(req, res, url) {
    if (!owns(url.pathname)) return false;
    void readJson(req)
      .then((body) => {
        const out = route(req.method, url.pathname, url, body, res);
        if (out === undefined) {
          if (!res.headersSent) json(res, 404, { error: "Not found" });
        } else if (Array.isArray(out)) json(res, out[0], out[1]);
        else if (out !== res && !res.headersSent) json(res, 200, out);
      })
      .catch((err) => (err instanceof Refused ? json(res, err.status, { error: err.message, ...err.extra }) : json(res, 400, { error: String(err.message) })));
    return true;
  }

  return { handle, tags, notes, rules, fired };
}
