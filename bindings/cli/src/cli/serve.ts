/// <reference types="node" />
/**
 * `agentlens serve`: starts the collector with the resolved configuration, prints where
 * it listens and where the viewer is, and runs until SIGINT or SIGTERM, then closes it
 * (in-flight requests finish, the database is closed) and returns 0. A second signal
 * while closing exits at once with 1.
 */
import { startCollector, type Collector } from "../collector/index.js";
import { activeCatalog } from "../collector/prices.js";
import { withoutCredentials, type CollectorConfig } from "./config.js";
import { CliError, EXIT } from "./exit-codes.js";
import { storeError } from "./store-error.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** A failure to listen as a message that says what to change; `undefined` for any other error. */
export function listenError(e: unknown, config: Pick<CollectorConfig, "host" | "port">): CliError | undefined {
  const at = `${config.host}:${config.port}`;
  switch ((e as NodeJS.ErrnoException)?.code) {
    case "EADDRINUSE":
      return new CliError(EXIT.failure, `${at} is already in use (pick another with --port, or --port 0 for any free one)`);
    case "EACCES":
      return new CliError(EXIT.failure, `no permission to listen on ${at} (ports below 1024 need privileges: pick another with --port)`);
    case "EADDRNOTAVAIL":
      return new CliError(EXIT.failure, `cannot listen on ${at}: this machine has no address ${config.host} (--host 127.0.0.1 is this machine only)`);
    default:
      return undefined;
  }
}

/** Runs the collector until a signal; `dataDir`: where the price catalog is installed (default the database's directory). */
export async function serve(config: CollectorConfig, dataDir?: string): Promise<number> {
  let collector: Collector;
  try {
    collector = await startCollector({
      host: config.host,
      port: config.port,
      dbPath: config.db,
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...(config.apiKey !== undefined ? { apiKey: config.apiKey } : {}),
      ...(config.encryptionKey !== undefined ? { encryptionKey: config.encryptionKey } : {}),
      compress: config.compression,
      ...(config.corsOrigins.length > 0 ? { cors: config.corsOrigins } : {}),
      ...(config.forwardOtlp !== undefined ? { forwardOtlp: { endpoint: config.forwardOtlp, captureContent: config.forwardContent } } : {}),
      // Warnings and errors only: the collector's one info line says where it listens,
      // which the banner below already says.
      log: (level: string, message: string) => {
        if (level !== "info") process.stderr.write(`agentlens serve: ${level}: ${message}\n`);
      },
    });
  } catch (e) {
    throw listenError(e, config) ?? storeError(e);
  }
  // Listen for the signals before saying where we listen: whoever reads the banner may
  // send one at once (a script that stops the collector), and it must close cleanly.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const url = collector.url.replace(/\/+$/, "");
  const prices = activeCatalog();
  const lines = [
    `AgentLens collector listening on ${url}`,
    `  viewer:    ${url}/`,
    `  ingest:    POST ${url}/events  (OTLP/HTTP, protobuf or JSON: POST ${url}/v1/traces)`,
    `  database:  ${config.db}${config.encryptionKey ? " (encrypted)" : ""}`,
    `  prices:    ${prices ? `${prices.source.name} ${prices.source.version}${prices.source.as_of ? ` (as of ${prices.source.as_of})` : ""}, ${prices.path}` : "none loaded: every model is unmatched"}`,
    `  API key:   ${config.apiKey ? "required (X-API-Key)" : "not required (set AGENTLENS_API_KEY to require one)"}`,
    ...(config.forwardOtlp !== undefined ? [`  forward:   OTLP to ${withoutCredentials(config.forwardOtlp)}${config.forwardContent ? " (with content)" : ""}`] : []),
    "Press Ctrl-C to stop.",
  ];
  process.stdout.write(lines.join("\n") + "\n");
  if (!config.apiKey && !LOOPBACK.has(config.host)) {
    process.stderr.write(`agentlens serve: warn: listening on ${config.host} without an API key: anyone who can reach it can read and write traces\n`);
  }
  const signal = await signalled;
  const force = () => {
    process.stderr.write("agentlens serve: stopping now\n");
    process.exit(EXIT.failure);
  };
  process.once("SIGINT", force);
  process.once("SIGTERM", force);
  process.stderr.write(`agentlens serve: ${signal}: closing (a second signal stops at once)\n`);
  await collector.close();
  process.removeListener("SIGINT", force);
  process.removeListener("SIGTERM", force);
  process.stderr.write("agentlens serve: stopped\n");
  return EXIT.ok;
}
