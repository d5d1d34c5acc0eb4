/** (being written) */
import type { Route } from "../router.js";

export const analyticsRoutes: Route[] = [];
