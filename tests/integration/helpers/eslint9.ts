/**
 * ESLint 9 (latest 9.x) and @typescript-eslint/parser installed once into os.tmpdir(), outside the
 * repo, and reused by later runs. The cache is keyed by the requested versions; delete the
 * directory to pick up a newer 9.x.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { tmpRoot } from "./paths.js";

export const ESLINT_SPEC = "eslint@9";
export const PARSER_SPEC = "@typescript-eslint/parser@8.72.0";

export interface Eslint9 {
  dir: string;
  version: string;
  /** ESLint 9's CLI entry (bin/eslint.js). */
  cli: string;
  /** The parser's entry inside the install, for a config to import. */
  parser: string;
}

export function installEslint9(): Eslint9 {
  const dir = path.join(tmpRoot, `${ESLINT_SPEC}+${PARSER_SPEC.replace("/", "__")}`);
  const marker = path.join(dir, ".installed");
  if (!fs.existsSync(marker)) {
    const staging = `${dir}.partial-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, "package.json"), JSON.stringify({ private: true, type: "module" }));
    const r = spawnSync("npm", ["install", "--prefix", staging, "--no-audit", "--no-fund", "--loglevel=error", ESLINT_SPEC, PARSER_SPEC], {
      encoding: "utf8",
      timeout: 170_000,
    });
    if (r.status !== 0) throw new Error(`npm install ${ESLINT_SPEC} ${PARSER_SPEC} failed: ${r.error ?? r.stderr}`);
    fs.writeFileSync(path.join(staging, ".installed"), new Date().toISOString());
    try {
      fs.renameSync(staging, dir);
    } catch {
      // Another run finished first: use its install.
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  const require = createRequire(path.join(dir, "package.json"));
  const pkg = require("eslint/package.json") as { version: string };
  return {
    dir,
    version: pkg.version,
    cli: path.join(path.dirname(require.resolve("eslint/package.json")), "bin/eslint.js"),
    parser: require.resolve("@typescript-eslint/parser"),
  };
}
