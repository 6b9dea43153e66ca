/**
 * The smoke corpus: the pinned npm packages that hold Durable Object code, where `npm run smoke`
 * caches them (.cache/smoke/), which of their files are linted, with which parser, and how a
 * target's files are linted into findings. Shared by scripts/smoke.js (which downloads, lints and
 * compares with the reviewed findings), scripts/smoke-apps.js (which lints pinned applications with
 * the same configuration) and scripts/bench.js (which times the plugin on the same files).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import plugin from "../dist/src/index.js";
import { contextHash, normalise, numberFindings, shortRule } from "./smoke-review.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CACHE = path.join(ROOT, ".cache", "smoke");
/**
 * Published packages that hold Durable Object code, pinned to exact versions. Bumping a version is
 * a change to review: new findings fail the run until they are in reviewed.tsv.
 */
export const PACKAGES = [
  // Frameworks built on Durable Objects
  ["agents", "0.32.0"],
  ["@cloudflare/actors", "0.0.1-beta.6"],
  ["@cloudflare/containers", "0.3.7"],
  ["@cloudflare/sandbox", "0.12.10"],
  ["@cloudflare/ai-chat", "0.12.2"],
  ["partyserver", "0.5.10"],
  ["partykit", "0.0.115"],
  ["y-partyserver", "2.2.0"],
  ["rwsdk", "1.7.3"],
  ["@cloudflare/realtime-agents", "0.0.6"],
  ["@cloudflare/agents", "0.0.16"],
  ["@tldraw/sync-core", "5.4.2"],
  // Utilities and storage layers for Durable Objects
  ["durable-utils", "0.3.5"],
  ["dofs", "0.1.0"],
  ["itty-durable", "2.4.1"],
  ["kysely-do", "0.0.1-rc.1"],
  ["@outerbase/browsable-durable-object", "0.1.1"],
  ["@orpc/experimental-publisher-durable-object", "1.14.1"],
  ["@concavejs/docstore-cf-do", "0.0.1-alpha.19"],
  ["@livestore/sync-cf", "0.4.0"],
  ["tinybase", "10.0.1"],
  ["workers-qb", "1.14.0"],
  ["cojson", "0.20.19"],
  ["@effect/sql-sqlite-do", "0.29.0"],
  ["@canvas-js/modeldb-durable-objects", "0.13.14"],
  ["@uploadista/kv-store-cloudflare-do", "1.0.0"],
  ["cloudly-storage", "0.10.16"],
  ["@cloudflare/codemode", "0.5.6"],
].map(([name, version]) => ({ name, version }));

/** Files larger than this are minified bundles (or generated data), not code anyone reviews. */
export const MAX_BYTES = 1024 * 1024;
export const MENTIONS_DO = /DurableObject|ctx\.storage|state\.storage|SqlStorage|DurableObjectStorage/;
export const LINTED_EXT = /\.(?:js|jsx|mjs|cjs|ts|tsx|mts|cts)$/;
export const DECLARATION = /\.d\.(?:ts|mts|cts)$|\.d\.[^/]+\.ts$/;
export const NOINLINE_NOTICE = /has no effect because you have 'noInlineConfig' setting/;
export const SOURCE_FILES = "**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}";

export const pkgDirOf = (p) => path.join(CACHE, `${p.name.replace("/", "+")}@${p.version}`);
export const toPosix = (p) => p.split(path.sep).join("/");

export function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") walk(full, out);
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lint

const common = [
  {
    // Third-party code: its eslint-disable comments must not hide our findings, and its
    // configuration comments name rules we do not load.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off", reportUnusedInlineConfigs: "off" },
  },
];
const tsFiles = { files: ["**/*.{ts,tsx,mts,cts}"], languageOptions: { parser: tsParser } };

/**
 * The smoke run's config with `rules` (a config object with `plugins` and `rules`, such as
 * `plugin.configs.all`): JS with ESLint's default parser (espree), TS with @typescript-eslint/parser.
 */
export const configWith = (rules) => [
  ...common,
  { files: ["**/*.{js,mjs}"], languageOptions: { ecmaVersion: "latest", sourceType: "module" } },
  { files: ["**/*.cjs"], languageOptions: { ecmaVersion: "latest", sourceType: "commonjs" } },
  { files: ["**/*.jsx"], languageOptions: { ecmaVersion: "latest", sourceType: "module", parserOptions: { ecmaFeatures: { jsx: true } } } },
  tsFiles,
  rules,
];
/** For JS files espree cannot parse (JSX or TypeScript in a .js file, or a script-only construct). */
export const fallbackWith = (rules) => [
  ...common,
  { files: [SOURCE_FILES], languageOptions: { parser: tsParser, sourceType: "module" } },
  rules,
];

export const CONFIG = configWith(plugin.configs.all);
export const FALLBACK = fallbackWith(plugin.configs.all);

/** The JS/TS files of a package to lint, shipped files first, with what was skipped. */
export function candidates(p) {
  const dir = pkgDirOf(p);
  const skipped = { declaration: 0, large: [], noMention: 0, duplicate: 0 };
  const files = [];
  const seen = new Set();
  for (const root of ["package", "__sources__"]) {
    const abs = path.join(dir, root);
    if (!fs.existsSync(abs)) continue;
    for (const file of walk(abs).sort()) {
      const rel = toPosix(path.relative(dir, file));
      if (!LINTED_EXT.test(rel)) continue;
      if (DECLARATION.test(rel)) {
        skipped.declaration++;
        continue;
      }
      const size = fs.statSync(file).size;
      if (size > MAX_BYTES) {
        const head = fs.readFileSync(file, "utf8");
        if (MENTIONS_DO.test(head)) skipped.large.push(`${rel} (${(size / 1024 / 1024).toFixed(1)} MB)`);
        continue;
      }
      const text = fs.readFileSync(file, "utf8");
      if (!MENTIONS_DO.test(text)) {
        skipped.noMention++;
        continue;
      }
      const digest = crypto.createHash("sha1").update(text).digest("hex");
      if (seen.has(digest)) {
        skipped.duplicate++;
        continue;
      }
      seen.add(digest);
      files.push({ rel, text });
    }
  }
  return { files, skipped };
}

/**
 * Lint the files ({ rel, text }, `rel` relative to `dir`) of one target, named `name` at `version`
 * in its findings, with every rule. Findings (sorted and numbered), errors (parse / config /
 * crash), notes, and how many inline eslint comments were ignored.
 */
export function lintFiles({ dir, files, name, version }) {
  const linter = new Linter({ configType: "flat", cwd: dir });
  const findings = [];
  const errors = [];
  const notes = [];
  let ignoredInline = 0;
  // The wrangler lookup of require-delete-alarm-with-delete-all resolves relative file names
  // against the process's directory: make that the target's folder.
  const previousCwd = process.cwd();
  process.chdir(dir);
  try {
    for (const { rel, text } of files) {
      let messages;
      let parser = /\.(?:ts|tsx|mts|cts)$/.test(rel) ? "typescript-eslint" : "espree";
      try {
        messages = linter.verify(text, CONFIG, rel);
        const fatal = messages.find((m) => m.fatal);
        if (fatal && parser === "espree") {
          messages = linter.verify(text, FALLBACK, rel);
          parser = "typescript-eslint (fallback)";
          notes.push(
            `${name}: ${rel}: espree could not parse it (${fatal.message}, line ${fatal.line}); linted with @typescript-eslint/parser`,
          );
        }
      } catch (err) {
        errors.push({ kind: "crash", file: rel, detail: err.stack ?? String(err) });
        continue;
      }
      const lines = text.split(/\r\n|\r|\n/);
      for (const m of messages) {
        if (m.fatal) {
          errors.push({ kind: "parse", file: rel, detail: `${parser}: ${m.message} (line ${m.line})` });
        } else if (m.ruleId === null) {
          if (NOINLINE_NOTICE.test(m.message)) ignoredInline++;
          else errors.push({ kind: "config", file: rel, detail: `${m.message} (line ${m.line})` });
        } else if (!m.ruleId.startsWith("durable-objects/")) {
          errors.push({ kind: "config", file: rel, detail: `unexpected rule ${m.ruleId}: ${m.message}` });
        } else {
          const source = lines[m.line - 1] ?? "";
          findings.push({
            package: name,
            version,
            file: rel,
            line: m.line,
            column: m.column,
            rule: shortRule(m.ruleId),
            message: m.message.replace(/\s+/g, " "),
            context: contextHash(source),
            source: normalise(source),
          });
        }
      }
    }
  } finally {
    process.chdir(previousCwd);
  }
  return { findings: numberFindings(findings), errors, notes, ignoredInline };
}
