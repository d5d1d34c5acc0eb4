/**
 * `/retention/config`, `/retention/stats` and `/retention/purge` (the AgentLens backend's
 * contract). A purge is the engine of `agentlens prune` applied with the stored policy:
 * sessions last active before the window, then the least recently active beyond the
 * session limit; a session with an exempt tag is never purged.
 */
import { HttpError, readObjectBody, sendJson } from "../http.js";
import type { Context, Route } from "../router.js";
import { purge, RETENTION_LIMITS, retentionConfig, retentionStats, saveRetentionConfig, type RetentionConfig } from "../store-retention.js";

/** Sessions purged per request at most, as the AgentLens backend: a wrong policy cannot wipe the store in one call. */
const MAX_PURGE_BATCH = 500;

/** The request body as an object; an empty body is `{}`. */
const objectBody = (ctx: Context) => readObjectBody(ctx.req, ctx.config.maxBodyBytes, true);

/** An integer in `[0, max]`, given as a number or a string of digits (what the backend's parseInt read), or 400. */
function boundedInt(v: unknown, max: number, message: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new HttpError(400, message);
  return n;
}

function exemptTags(v: unknown): string[] {
  if (!Array.isArray(v)) throw new HttpError(400, "exempt_tags must be an array of strings");
  if (v.length > RETENTION_LIMITS.exemptTags) throw new HttpError(400, `Maximum ${RETENTION_LIMITS.exemptTags} exempt tags allowed`);
  for (const t of v) {
    if (typeof t !== "string" || t.length === 0 || t.length > RETENTION_LIMITS.tagLength) {
      throw new HttpError(400, `Each exempt tag must be a non-empty string (max ${RETENTION_LIMITS.tagLength} chars)`);
    }
  }
  return [...new Set(v as string[])];
}

/** `updates` applied over `config` (each key checked), and how many keys it set. */
function applyUpdates(config: RetentionConfig, updates: Record<string, unknown>): number {
  let changed = 0;
  if ("max_age_days" in updates) {
    config.max_age_days = boundedInt(updates.max_age_days, RETENTION_LIMITS.maxAgeDays, `max_age_days must be 0-${RETENTION_LIMITS.maxAgeDays} (0 = disabled)`);
    changed++;
  }
  if ("max_sessions" in updates) {
    config.max_sessions = boundedInt(updates.max_sessions, RETENTION_LIMITS.maxSessions, `max_sessions must be 0-${RETENTION_LIMITS.maxSessions} (0 = unlimited)`);
    changed++;
  }
  if ("exempt_tags" in updates) {
    config.exempt_tags = exemptTags(updates.exempt_tags);
    changed++;
  }
  if ("auto_purge" in updates) {
    if (typeof updates.auto_purge !== "boolean") throw new HttpError(400, "auto_purge must be true or false");
    config.auto_purge = updates.auto_purge;
    changed++;
  }
  return changed;
}

function getConfig(ctx: Context): void {
  sendJson(ctx.res, 200, { config: retentionConfig(ctx.store) });
}

async function putConfig(ctx: Context): Promise<void> {
  const updates = await objectBody(ctx);
  const config = retentionConfig(ctx.store);
  const updated = applyUpdates(config, updates);
  if (updated === 0) throw new HttpError(400, "No valid config fields provided");
  saveRetentionConfig(ctx.store, config);
  sendJson(ctx.res, 200, { config, updated });
}

function stats(ctx: Context): void {
  sendJson(ctx.res, 200, retentionStats(ctx.store, retentionConfig(ctx.store)));
}

async function purgeRoute(ctx: Context): Promise<void> {
  const body = await objectBody(ctx);
  const flag = ctx.url.searchParams.get("dry_run");
  if (body.dry_run !== undefined && typeof body.dry_run !== "boolean") throw new HttpError(400, "dry_run must be true or false");
  const dryRun = flag === "true" || flag === "1" || body.dry_run === true;
  const r = purge(ctx.store, retentionConfig(ctx.store), { dryRun, maxDeletions: MAX_PURGE_BATCH });
  const chosen = r.sessions ?? [];
  const eligible = r.sessions_eligible ?? chosen.length;
  const capped = eligible > chosen.length;
  if (dryRun) {
    sendJson(ctx.res, 200, {
      dry_run: true,
      would_purge_sessions: chosen.length,
      total_eligible: eligible,
      capped,
      would_purge_events: r.events_deleted,
      details: chosen.map((s) => ({ session_id: s.session_id, reason: s.reason, events: s.events })),
      message:
        chosen.length === 0
          ? "No sessions eligible for purge"
          : capped
            ? `Would purge ${chosen.length} of ${eligible} eligible sessions (batch limit ${MAX_PURGE_BATCH})`
            : `Would purge ${chosen.length} sessions and ${r.events_deleted} events`,
    });
    return;
  }
  const remaining = eligible - chosen.length;
  sendJson(ctx.res, 200, {
    dry_run: false,
    purged_sessions: chosen.length,
    total_eligible: eligible,
    remaining,
    purged_events: r.events_deleted,
    details: chosen.map((s) => ({ session_id: s.session_id, events_deleted: s.events, reason: s.reason })),
    message:
      chosen.length === 0
        ? "No sessions eligible for purge"
        : capped
          ? `Purged ${chosen.length} of ${eligible} eligible sessions (${remaining} remaining)`
          : `Purged ${chosen.length} sessions and ${r.events_deleted} events`,
  });
}

const CONFIG_BODY =
  "Any of: max_age_days (integer 0-3650, 0 disables), max_sessions (integer 0-1000000, 0 = unlimited), exempt_tags (at most 50 strings of 1-64 characters), auto_purge (boolean: purge at start and hourly)";

export const retentionRoutes: Route[] = [
  { method: "GET", path: "/retention/config", auth: true, handle: getConfig, doc: { summary: "The retention policy: {config:{max_age_days, max_sessions, exempt_tags, auto_purge}}", errors: [401] } },
  {
    method: "PUT",
    path: "/retention/config",
    auth: true,
    handle: putConfig,
    doc: { summary: "Updates the retention policy; answers {config, updated} (the number of keys set)", body: CONFIG_BODY, errors: [400, 401, 413, 415] },
  },
  {
    method: "GET",
    path: "/retention/stats",
    auth: true,
    handle: stats,
    doc: { summary: "Sessions and events held, by age and status, and how many sessions the policy would purge", errors: [401] },
  },
  {
    method: "POST",
    path: "/retention/purge",
    auth: true,
    handle: purgeRoute,
    doc: {
      summary: "Purges by the policy (the engine of `agentlens prune`), at most 500 sessions per call; with dry_run, reports what it would purge",
      params: [{ name: "dry_run", in: "query", type: "boolean", description: "true: delete nothing, report what would be purged" }],
      body: "Optional: {dry_run: boolean}",
      errors: [400, 401, 413, 415],
    },
  },
];
