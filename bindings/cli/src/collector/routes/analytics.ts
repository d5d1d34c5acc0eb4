/**
 * The AgentLens backend's analytics routes (reference A.5), gathered for `server.ts`:
 * performance and heatmaps, costs and the leaderboard, errors, replay, diff, and the
 * webhook routes (501: not built here). `GET /analytics` itself is in `pricing.ts`.
 */
import type { Route } from "../router.js";
import { analyticsCostRoutes } from "./analytics-costs.js";
import { analyticsPerfRoutes } from "./analytics-perf.js";
import { diffRoutes } from "./diff.js";
import { errorRoutes } from "./errors.js";
import { replayRoutes } from "./replay.js";
import { webhookRoutes } from "./webhooks.js";

/** Every analytics route, in match order. */
export const analyticsRoutes: Route[] = [
  ...analyticsPerfRoutes,
  ...analyticsCostRoutes,
  ...errorRoutes,
  ...replayRoutes,
  ...diffRoutes,
  ...webhookRoutes,
];
