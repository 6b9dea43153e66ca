/**
 * ESLint 10's multithreaded linting and its cache, through the CLI (node_modules/.bin/eslint).
 *
 * `--concurrency 2` gives the single thread's findings. The rules keep per-process state — the
 * parsed wrangler configs (src/analysis/wrangler.ts) and the per-file model (a WeakMap keyed by the
 * AST) — in module scope: each worker thread imports the config, and so the plugin, on its own, so
 * each has its own copies; nothing is shared between threads, and each wrangler entry is checked
 * against the file's mtime and size on every lint.
 *
 * `--cache`: ESLint's cache key is ESLint's and Node's version plus the file's config (rules,
 * options, settings, `plugin@version`); it cannot know that a rule read wrangler.jsonc, so a
 * changed compatibility date is not seen until the cache is deleted — with `--cache-strategy
 * content` too. A hash of the wrangler config in `settings` (docs/ci.md) makes it part of the key.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import { testedBlock } from "./helpers/docs.js";
import { eslintCli, findings } from "./helpers/findings.js";
import { bin, exampleDir } from "./helpers/paths.js";
import { exampleConfig, exampleConfigImports, removeScratch, scratchExample } from "./helpers/scratch.js";

const DELETE_ALL = "durable-objects/require-delete-alarm-with-delete-all";
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) removeScratch(dir);
});

describe("--concurrency", () => {
  it("2 threads report exactly what one thread reports on the example, suggestions included", () => {
    const single = eslintCli(bin("eslint"), ["--concurrency", "off", "src"], exampleDir, { DEBUG: "eslint:eslint" });
    const multi = eslintCli(bin("eslint"), ["--concurrency", "2", "src"], exampleDir, { DEBUG: "eslint:eslint" });
    expect(single.run.stderr).toContain("Linting in single-thread mode.");
    expect(multi.run.stderr).toContain("Linting using 2 worker thread(s).");
    const one = findings(exampleDir, single.results);
    expect(one.length).toBeGreaterThan(0);
    expect(findings(exampleDir, multi.results)).toEqual(one);
    // The suggestions' edits too, not only their descriptions.
    const fixes = (rs: typeof single.results) => rs.flatMap((r) => r.messages.flatMap((m) => (m.suggestions ?? []).map((s) => s.fix)));
    expect(fixes(multi.results)).toEqual(fixes(single.results));
  });

  it("each thread reads the wrangler config of each file's own directory", () => {
    // Two Workers with different compatibility dates, four copies of the session each: the
    // threads take files in turn, so each is likely to lint files of both (either way, every file
    // must get its own directory's answer).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "do-threads-"));
    scratch.push(dir);
    fs.writeFileSync(path.join(dir, "eslint.config.mjs"), exampleConfig());
    const session = fs.readFileSync(path.join(exampleDir, "src/session.ts"), "utf8");
    fs.mkdirSync(path.join(dir, "old"));
    fs.mkdirSync(path.join(dir, "new"));
    fs.writeFileSync(path.join(dir, "old/wrangler.jsonc"), `{ // before 2026-02-24\n  "compatibility_date": "2025-09-01",\n}\n`);
    fs.writeFileSync(path.join(dir, "new/wrangler.toml"), `compatibility_date = "2026-03-01"\n`);
    for (let i = 0; i < 4; i++) {
      fs.writeFileSync(path.join(dir, `old/session${i}.ts`), session);
      fs.writeFileSync(path.join(dir, `new/session${i}.ts`), session);
    }
    const deleteAll = (args: string[]) =>
      findings(dir, eslintCli(bin("eslint"), [...args, "old", "new"], dir).results)
        .filter((f) => f.ruleId === DELETE_ALL)
        .map((f) => `${f.file}:${f.line}`);
    const expected = [0, 1, 2, 3].map((i) => `old/session${i}.ts:59`);
    expect(deleteAll(["--concurrency", "2"])).toEqual(expected);
  });
});

describe("--cache", () => {
  /** The deleteAll() finding of a scratch copy of the example, linted with `options`. */
  const deleteAllLines = async (dir: string, options: ESLint.Options): Promise<string[]> =>
    findings(dir, await new ESLint({ cwd: dir, ...options }).lintFiles(["src"]))
      .filter((f) => f.ruleId === DELETE_ALL)
      .map((f) => `${f.file}:${f.line}`);
  const moveDate = (dir: string): void => {
    const file = path.join(dir, "wrangler.jsonc");
    const text = fs.readFileSync(file, "utf8");
    expect(text).toContain(`"compatibility_date": "2025-09-01"`);
    fs.writeFileSync(file, text.replace(`"compatibility_date": "2025-09-01"`, `"compatibility_date": "2026-03-01"`));
  };

  // Through the Node API (what the CLI runs, without a process start per run).
  it("does not see a changed compatibility date (with either strategy) until the cache file is gone", async () => {
    const dir = scratchExample("cache");
    scratch.push(dir);
    const cache = path.join(dir, ".eslintcache");
    for (const strategy of ["metadata", "content"] as const) {
      fs.writeFileSync(path.join(dir, "wrangler.jsonc"), fs.readFileSync(path.join(exampleDir, "wrangler.jsonc")));
      fs.rmSync(cache, { force: true });
      const withCache = { cache: true, cacheLocation: cache, cacheStrategy: strategy } as const;
      expect(await deleteAllLines(dir, withCache), strategy).toEqual(["src/session.ts:59"]);
      expect(fs.existsSync(cache)).toBe(true);

      moveDate(dir); // from 2026-02-24 on, deleteAll() deletes the alarm too: nothing to report
      expect(await deleteAllLines(dir, withCache), `${strategy}, stale cache`).toEqual(["src/session.ts:59"]);

      if (strategy === "metadata") {
        // A run without --cache deletes the cache file (at --cache-location, or .eslintcache).
        expect(await deleteAllLines(dir, { cacheLocation: cache }), `${strategy}, without --cache`).toEqual([]);
        expect(fs.existsSync(cache)).toBe(false);
      } else {
        fs.rmSync(cache);
      }
      expect(await deleteAllLines(dir, withCache), `${strategy}, fresh cache`).toEqual([]);
    }
  });

  // Through the CLI: the config file must be evaluated afresh, as every `eslint` run does (in one
  // process, ESLint reuses the imported config module).
  it("sees it when eslint.config.js puts a hash of the wrangler config into settings (docs/ci.md)", () => {
    const dir = scratchExample("cache-key");
    scratch.push(dir);
    // The config of docs/ci.md as written, but for the imports of the plugin and the parser (the
    // copy is outside the repo, so it imports them by URL).
    const snippet = testedBlock("ci.md", "cache-key-config");
    const imports = 'import durableObjects from "eslint-plugin-durable-objects";\nimport tsParser from "@typescript-eslint/parser";\n';
    expect(snippet).toContain(imports);
    fs.writeFileSync(path.join(dir, "eslint.config.mjs"), snippet.replace(imports, `${exampleConfigImports()}\n`));
    const lint = (): string[] =>
      findings(dir, eslintCli(bin("eslint"), ["--cache", "src"], dir).results)
        .filter((f) => f.ruleId === DELETE_ALL)
        .map((f) => `${f.file}:${f.line}`);
    expect(lint()).toEqual(["src/session.ts:59"]);
    expect(fs.existsSync(path.join(dir, ".eslintcache"))).toBe(true);
    moveDate(dir);
    expect(lint()).toEqual([]);
  });
});
