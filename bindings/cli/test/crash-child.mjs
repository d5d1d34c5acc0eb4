// A collector in its own process, for the crash test: starts on the database given as
// the first argument, on a free loopback port, and prints {"port":N} once listening.
import { startCollector } from "../dist/collector/index.js";

const c = await startCollector({ port: 0, dbPath: process.argv[2], viewerDir: false, rateLimitPerMinute: 0 });
process.stdout.write(`${JSON.stringify({ port: c.port })}\n`);
