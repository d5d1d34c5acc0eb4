/**
 * The AgentLens backend's `/webhooks` routes, answered with 501: this collector makes no
 * outbound requests to user-given URLs (the backend needed an SSRF guard, DNS rebinding
 * checks and a stricter rate limit for them). Each route is listed so a client gets a
 * clear answer instead of a 404, and the OpenAPI document says what to use instead.
 */
import { sendJson } from "../http.js";
import type { Context, Route } from "../router.js";

/** The answer every webhook route gives. */
export const WEBHOOKS_NOT_BUILT =
  "Webhooks are not built in this collector: it sends no requests to other servers. " +
  "Poll GET /alerts/events for fired alerts (PUT /alerts/events/{id}/acknowledge when handled), " +
  "or subscribe to GET /v1/live for events as they arrive.";

function notBuilt(ctx: Context): void {
  sendJson(ctx.res, 501, { error: WEBHOOKS_NOT_BUILT });
}

const ID = { name: "id", in: "path" as const, description: "Webhook id" };

function route(method: Route["method"], path: string, summary: string): Route {
  const params = path.includes("{id}") ? [ID] : undefined;
  return { method, path, auth: true, handle: notBuilt, doc: { summary: `${summary} — not built here: always 501 (poll GET /alerts/events instead)`, params, errors: [401, 501] } };
}

/** Every webhook route of the AgentLens backend, each a 501. */
export const webhookRoutes: Route[] = [
  route("GET", "/webhooks", "List webhooks"),
  route("POST", "/webhooks", "Create a webhook"),
  route("GET", "/webhooks/{id}", "A webhook"),
  route("PUT", "/webhooks/{id}", "Update a webhook"),
  route("DELETE", "/webhooks/{id}", "Delete a webhook"),
  route("POST", "/webhooks/{id}/test", "Send a test delivery"),
  route("GET", "/webhooks/{id}/deliveries", "A webhook's delivery history"),
];
