/**
 * typescript-eslint's `no-floating-promises` against un-awaited storage writes (the style the
 * pattern docs teach, as in the example's `CachedCounter`), with the configurations of
 * docs/no-floating-promises.md, typed-linting scratch copies of the example (examples/worker
 * itself is not changed):
 *
 * - without options it flags them (the conflict users hit);
 * - the marker file + the docs' config (`allowForKnownSafeCalls: [{ from: "file", … }]`, its path
 *   computed from the config's own directory) accepts exactly DurableObjectStorage's
 *   put/delete/setAlarm/deleteAlarm, whether the runtime types come from
 *   `@cloudflare/workers-types` or from a local file (what `wrangler types` writes), and whether
 *   ESLint runs in the project's folder, in `src/` or in the folder above;
 * - `{ from: "package", package: "@cloudflare/workers-types", … }` matches by method name in the
 *   whole package: it also accepts un-awaited KV, R2, Cache and transaction writes, and matches
 *   nothing when the types come from a local file.
 *
 * A genuinely floating `fetch()` is flagged in every configuration.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testedBlock } from "./helpers/docs.js";
import { eslintCli, rel, run } from "./helpers/findings.js";
import { bin, exampleDir, repoRoot } from "./helpers/paths.js";
import { removeScratch } from "./helpers/scratch.js";

// The declaration file, the config and the rule options of docs/no-floating-promises.md, as written there.
const evaluate = (js: string): unknown => new Function(`return (${js});`)() as unknown;
const MARKER = testedBlock("no-floating-promises.md", "marker-file");
/** The docs' eslint.config.js, written next to each project's own config as `recipe.mjs`, which imports it. */
const MARKER_CONFIG = testedBlock("no-floating-promises.md", "marker-config");
const RECIPE_FILE = "recipe.mjs";
const PACKAGE_OPTIONS = evaluate(`{${testedBlock("no-floating-promises.md", "package-options")}}`) as Record<string, unknown>;
const MARKER_FILE = "do-storage-writes.d.ts";

/** Scratch-only calls left floating, by line. */
const PROBE_LINES = {
  3: 'storage.put("k", 1);',
  4: 'storage.delete("k");',
  5: "storage.setAlarm(Date.now() + 1000);",
  6: "storage.deleteAlarm();",
  7: "storage.deleteAll();",
  8: 'fetch("https://example.com");',
  9: 'env.CACHE.put("k", "v");',
  10: 'env.CACHE.delete("k");',
  11: 'r2.put("k", "v");',
  12: 'r2.delete("k");',
  13: 'cache.put("https://example.com", new Response("x"));',
  14: 'cache.delete("https://example.com");',
  15: 'txn.put("k", 1);',
  16: 'txn.delete("k");',
} as const;
const PROBE = `// Scratch only: calls left floating, for no-floating-promises to judge.
export async function probe(env: Env, storage: DurableObjectStorage, txn: DurableObjectTransaction, r2: R2Bucket, cache: Cache): Promise<void> {
${Object.values(PROBE_LINES)
  .map((l) => `  ${l}`)
  .join("\n")}
}
`;
const probe = (...lines: (keyof typeof PROBE_LINES)[]): string[] => lines.map((l) => `src/probe.ts:${l}`);

/** The example's own un-awaited write (CachedCounter.increment), in the style the pattern docs teach. */
const EXAMPLE_UNAWAITED = ["src/counter.ts:46"];

/** The project's eslint.config.mjs: the rule with `options`, or, with `recipe`, configured by the docs' config. */
function config(options: Record<string, unknown> | undefined, recipe: boolean): string {
  return `import tsParser from "@typescript-eslint/parser";
import tseslint from "@typescript-eslint/eslint-plugin";
${recipe ? `import recipe from "./${RECIPE_FILE}";\n` : ""}
export default [
  { ignores: ["**/*.d.ts"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@typescript-eslint": tseslint },
    rules: { "@typescript-eslint/no-floating-promises": ${JSON.stringify(options ? ["error", options] : "error")} },
  },${recipe ? "\n  ...recipe," : ""}
];
`;
}

interface Variant {
  /** The rule's options; with `marker`, the docs' config (recipe.mjs) sets them. */
  options: Record<string, unknown> | undefined;
  /** With the declaration file of the docs. */
  marker?: boolean;
  /** Runtime types from a local file (as `wrangler types` writes them) instead of @cloudflare/workers-types. */
  local?: boolean;
}

const VARIANTS = {
  none: { options: undefined },
  marker: { options: undefined, marker: true },
  markerLocal: { options: undefined, marker: true, local: true },
  package: { options: PACKAGE_OPTIONS },
  packageLocal: { options: PACKAGE_OPTIONS, local: true },
} satisfies Record<string, Variant>;
type VariantName = keyof typeof VARIANTS;

let root: string;
/** `file:line` of each no-floating-promises finding, by variant (and, for `marker`, by where ESLint ran). */
const floating = new Map<VariantName | "markerFromSrc" | "markerFromParent", string[]>();

/** A copy of the example in `root/<name>`, with the probe and its own config. */
function project(name: VariantName, { options, marker = false, local = false }: Variant): string {
  const dir = path.join(root, name);
  fs.cpSync(exampleDir, dir, { recursive: true, filter: (src) => path.basename(src) !== "eslint.config.js" });
  fs.writeFileSync(path.join(dir, "eslint.config.mjs"), config(options, marker));
  if (marker) fs.writeFileSync(path.join(dir, RECIPE_FILE), MARKER_CONFIG);
  fs.writeFileSync(path.join(dir, "src/probe.ts"), PROBE);
  const tsconfigPath = path.join(dir, "tsconfig.json");
  const tsconfig = JSON.parse(fs.readFileSync(tsconfigPath, "utf8")) as { compilerOptions: { types: string[] }; include: string[] };
  if (marker) {
    fs.writeFileSync(path.join(dir, MARKER_FILE), MARKER);
    tsconfig.include.push(MARKER_FILE);
  }
  if (local) {
    fs.copyFileSync(path.join(repoRoot, "node_modules/@cloudflare/workers-types/index.d.ts"), path.join(dir, "runtime.d.ts"));
    tsconfig.compilerOptions.types = [];
    tsconfig.include.push("runtime.d.ts");
  }
  fs.writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2));
  return dir;
}

beforeAll(() => {
  // One project per variant, each typed-linted by ESLint run in its own directory, as a user runs
  // it: `from: "file"` paths are relative to that directory (typescript-eslint 8.74 resolves them
  // against the directory ESLint runs in, not the tsconfig's).
  root = fs.mkdtempSync(path.join(os.tmpdir(), "do-floating-"));
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  const lint = (dir: string, cwd: string, args: string[]): string[] => {
    const list: string[] = [];
    for (const r of eslintCli(bin("eslint"), args, cwd).results) {
      expect(r.messages.filter((m) => m.fatal || m.ruleId === null)).toEqual([]);
      for (const m of r.messages)
        if (m.ruleId === "@typescript-eslint/no-floating-promises") list.push(`${rel(dir, r.filePath)}:${m.line}`);
    }
    return list.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  };
  for (const [name, variant] of Object.entries(VARIANTS) as [VariantName, Variant][]) {
    const dir = project(name, variant);
    floating.set(name, lint(dir, dir, ["src"]));
  }
  // The docs' config, with ESLint run in src/ and in the folder above the project.
  const marker = path.join(root, "marker");
  floating.set("markerFromSrc", lint(marker, path.join(marker, "src"), ["."]));
  floating.set("markerFromParent", lint(marker, root, ["marker/src"]));
}, 240_000);

afterAll(() => {
  removeScratch(root);
});

describe("no-floating-promises and un-awaited storage writes", () => {
  it("takes the config and options of docs/no-floating-promises.md", async () => {
    const names = ["put", "delete", "setAlarm", "deleteAlarm"];
    // The docs' config names the declaration file next to it, relative to the current directory.
    const dir = path.join(root, "marker");
    const recipe = (await import(pathToFileURL(path.join(dir, RECIPE_FILE)).href)) as {
      default: { rules: Record<string, [string, Record<string, unknown>]> }[];
    };
    expect(recipe.default.map((c) => c.rules["@typescript-eslint/no-floating-promises"][1])).toEqual([
      { allowForKnownSafeCalls: [{ from: "file", path: path.relative(process.cwd(), path.join(dir, MARKER_FILE)), name: names }] },
    ]);
    expect(PACKAGE_OPTIONS).toEqual({ allowForKnownSafeCalls: [{ from: "package", package: "@cloudflare/workers-types", name: names }] });
    expect(MARKER).toMatch(/^interface DurableObjectStorage \{$/m);
  });

  it("the example leaves one storage write un-awaited", () => {
    const counter = fs.readFileSync(path.join(exampleDir, "src/counter.ts"), "utf8").split("\n");
    expect(counter[45].trim()).toMatch(/^this\.ctx\.storage\.put\("value", value\);/);
  });

  it("without options, flags them (and every other floating call)", () => {
    expect(floating.get("none")).toEqual([...EXAMPLE_UNAWAITED, ...probe(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)]);
  });

  it("marker file + { from: 'file' }: accepts exactly DurableObjectStorage's writes; fetch(), KV, R2, Cache, transaction writes and deleteAll() stay flagged", () => {
    const expected = probe(7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    expect(floating.get("marker")).toEqual(expected);
    // The marker's overloads take `never`: the project (probe included) still type-checks.
    const dir = path.join(root, "marker");
    const tsc = run(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", dir, "--noEmit"], dir);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
    // The same when the runtime types are a local file, as `wrangler types` writes them.
    expect(floating.get("markerLocal")).toEqual(expected);
  });

  it("marker file + { from: 'file' }: the same whether ESLint runs in the project's folder, in src/ or in the folder above", () => {
    const expected = probe(7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    expect(floating.get("marker")).toEqual(expected);
    expect(floating.get("markerFromSrc")).toEqual(expected);
    expect(floating.get("markerFromParent")).toEqual(expected);
  });

  it("{ from: 'package' }: accepts them, but also KV, R2, Cache and transaction writes; fetch() and deleteAll() stay flagged", () => {
    expect(floating.get("package")).toEqual(probe(7, 8));
  });

  it("{ from: 'package' } matches nothing when the runtime types come from a local file", () => {
    expect(floating.get("packageLocal")).toEqual([...EXAMPLE_UNAWAITED, ...probe(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)]);
  });
});
