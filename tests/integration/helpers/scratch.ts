/**
 * Scratch copies of the example, for runs that must change a file (a wrangler date, an applied
 * suggestion, an extra line) without touching examples/worker.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { distEntryUrl, exampleDir, repoRoot, resolveFromRepo } from "./paths.js";

/** The imports of a config file outside the repo: the parser and the build, by URL. */
export function exampleConfigImports(): string {
  return `import tsParser from ${JSON.stringify(resolveFromRepo("@typescript-eslint/parser"))};
import durableObjects from ${JSON.stringify(distEntryUrl)};`;
}

/** An eslint.config.mjs equivalent to the example's own, importing the build and the parser by URL. */
export function exampleConfig(): string {
  return `${exampleConfigImports()}

export default [
  { ignores: ["**/*.d.ts"] },
  { files: ["**/*.ts"], languageOptions: { parser: tsParser } },
  durableObjects.configs.recommended,
];
`;
}

/**
 * Copies examples/worker (sources, wrangler.jsonc, tsconfig.json, worker-configuration.d.ts) into
 * a new temporary directory (under `parent`) with `config` as its eslint.config.mjs, and a
 * `node_modules` link to the repo's, so that TypeScript finds `@cloudflare/workers-types` as it
 * does in the example. Packages that are not in the repo's node_modules resolve from `parent`'s.
 */
export function scratchExample(label: string, config = exampleConfig(), parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, `do-${label}-`));
  fs.cpSync(exampleDir, dir, { recursive: true, filter: (src) => path.basename(src) !== "eslint.config.js" });
  fs.writeFileSync(path.join(dir, "eslint.config.mjs"), config);
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

export function removeScratch(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
