/**
 * The plugin's types fit ESLint's config types: `tsc` on tests/fixtures/types/eslint.config.ts,
 * which uses every documented form (defineConfig() with the configs, `extends` by name and by
 * object, `plugins: { "durable-objects": … }`, a `Linter.Config[]`, `satisfies`, tseslint.config())
 * against the build's `dist/src/index.d.ts`, as a user's editor and CI check them. The file also
 * expects two errors (`@ts-expect-error`): a misspelt config name, and the type-checked config
 * nested unspread in a plain array, so the types cannot have widened to `any`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("the plugin's types", () => {
  it("pass tsc in an eslint.config.ts with every documented form", () => {
    expect(fs.existsSync(path.join(root, "dist/src/index.d.ts")), "run `npm run build` first (`npm test` does)").toBe(true);
    const tsc = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tests/fixtures/types"], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });
});
