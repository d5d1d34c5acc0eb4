// The package as a user gets it: `npm pack` the built package into a temporary directory
// and `npm install` the tarball into an empty project there, offline (it has no
// dependencies). Shared by the packaging and bundler tests; each test file packs once.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const pkgDir = fileURLToPath(new URL("../../", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * Packs and installs. Returns `{ dir, project, tarball, report }`: `report` is
 * `npm pack --json`'s entry (files, size); `project` has `node_modules/agentlens`.
 * The directory is removed when the process exits.
 */
export function packAndInstall() {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-packed-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const [report] = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dir], pkgDir));
  const tarball = join(dir, report.filename);
  const project = join(dir, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }, null, 2));
  npm(["install", tarball, "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], project);
  return { dir, project, tarball, report };
}
