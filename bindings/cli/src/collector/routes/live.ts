/// <reference types="node" />
/** `GET /v1/live`: server-sent events of each committed ingest (see `live-hub.ts`). */
import type { Context, Route } from "../router.js";

export const liveRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/live",
    auth: true,
    handle: (ctx: Context) => {
      ctx.live.add(ctx.res);
    },
    doc: { summary: "Server-sent events: `event: events` with {events:[...]} after each committed ingest; comment heartbeats", produces: "text/event-stream", errors: [401] },
  },
];
