// The packages as a user gets them: `npm pack` the built packages into a temporary
// directory and `npm install` the tarballs into an empty project there, offline (the SDK
// has no dependencies; the CLI's one dependency, @agentlens/sdk, is the other tarball).
// Shared by the packaging and bundler tests and the CLI's packaging test; each test file
// packs once.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const pkgDir = fileURLToPath(new URL("../../", import.meta.url));
export const cliDir = fileURLToPath(new URL("../../../cli/", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * Packs the packages in `dirs` and installs every tarball, in one `npm install`, into a
 * fresh project. Returns `{ dir, project, tarballs, reports }`: `reports[i]` is
 * `npm pack --json`'s entry for `dirs[i]` (files, size, unpackedSize, entryCount). The
 * directory is removed when the process exits.
 */
export function packAndInstallAll(dirs) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-packed-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const reports = dirs.map((d) => JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dir], d))[0]);
  const tarballs = reports.map((r) => join(dir, r.filename));
  const project = join(dir, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }, null, 2));
  npm(["install", ...tarballs, "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], project);
  return { dir, project, tarballs, reports };
}

/**
 * Packs and installs the SDK alone. Returns `{ dir, project, tarball, report }`: `project`
 * has `node_modules/@agentlens/sdk`.
 */
export function packAndInstall() {
  const { dir, project, tarballs, reports } = packAndInstallAll([pkgDir]);
  return { dir, project, tarball: tarballs[0], report: reports[0] };
}

/** The frameworks the integrations' examples and README samples import. */
export const FRAMEWORKS = ["@openai/agents", "zod", "ai", "ai6", "@langchain/core", "@opentelemetry/api", "@opentelemetry/sdk-trace-base"];

/**
 * Links the frameworks into `project`'s node_modules from this repository's (where they
 * are dev dependencies): a user has them installed; tests make no registry traffic.
 */
export function linkFrameworks(project) {
  for (const name of FRAMEWORKS) {
    const target = join(project, "node_modules", name);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules", name), target, "dir");
  }
}
