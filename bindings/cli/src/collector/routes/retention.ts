/** (being written) */
import type { Route } from "../router.js";

export const retentionRoutes: Route[] = [];
