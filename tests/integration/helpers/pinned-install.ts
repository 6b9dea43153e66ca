/**
 * Packages a test needs but the repo does not depend on (ESLint 9, the SARIF formatter), installed
 * once into os.tmpdir(), outside the repo and its lockfile, at exact versions, and reused by later
 * runs. The cache is keyed by the whole manifest (dependencies and overrides), so changing a pin
 * installs anew. Like the repo's own lockfile, the install must not resolve anything through a
 * moving spec (`latest`, `*`, …) that its `overrides` do not pin: it fails naming the package.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot, tmpRoot } from "./paths.js";

interface LockfileCheck {
  checkLockfile(dir: string): string[];
}

/** An exact version, as `dependencies` values must be here. */
const EXACT = /^\d+\.\d+\.\d+$/;

/** The directory of an npm install of exactly `dependencies` (name → version), with `overrides`. */
export async function installPinned(
  label: string,
  dependencies: Record<string, string>,
  overrides: Record<string, string> = {},
): Promise<string> {
  for (const [name, version] of Object.entries(dependencies)) {
    if (!EXACT.test(version)) throw new Error(`${label}: ${name}@${version} is not an exact version`);
  }
  const manifest = { private: true, type: "module", dependencies, overrides };
  const key = createHash("sha256").update(JSON.stringify(manifest)).digest("hex").slice(0, 12);
  const dir = path.join(tmpRoot, `${label}-${key}`);
  if (!fs.existsSync(path.join(dir, ".installed"))) {
    const staging = `${dir}.partial-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, "package.json"), JSON.stringify(manifest, null, 2));
    const r = spawnSync("npm", ["install", "--prefix", staging, "--no-audit", "--no-fund", "--loglevel=error"], {
      encoding: "utf8",
      timeout: 170_000,
    });
    if (r.status !== 0) throw new Error(`${label}: npm install failed: ${r.error ?? r.stderr}`);
    const { checkLockfile } = (await import(pathToFileURL(path.join(repoRoot, "scripts/lockfile-check.js")).href)) as LockfileCheck;
    const moving = checkLockfile(staging);
    if (moving.length > 0) throw new Error(`${label}: the install resolves through moving specs:\n${moving.join("\n")}`);
    fs.writeFileSync(path.join(staging, ".installed"), new Date().toISOString());
    try {
      fs.renameSync(staging, dir);
    } catch {
      // Another run finished first: use its install.
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return dir;
}

/** The exact version of `name` in the repo's package.json (dependencies or devDependencies). */
export function repoPin(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  return (pkg.devDependencies[name] ?? pkg.dependencies[name]).replace(/^[\^~]/, "");
}
