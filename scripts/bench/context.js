/**
 * What every scenario of the bench measures with: the corpora (library, application, generated,
 * the example, the plugin's own sources), the ESLint configurations (no rules, all rules, each rule
 * alone, known work), one in-process `Linter`, the header of the run and the JSON it writes.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Linter } from "eslint";
import js from "@eslint/js";
import tsParser from "@typescript-eslint/parser";
import tseslint from "typescript-eslint";
import plugin from "../../dist/src/index.js";
import { generateLongMethodFile, generateWithManifest } from "../bench-corpus.js";
import { PACKAGES, candidates, configWith, fallbackWith, pkgDirOf } from "../smoke-corpus.js";
import { appDirOf, materialise, readApps, shortCommit } from "../smoke-apps.js";
import { CLOCK, SINGLE_THREADED, gcAvailable, knownPlugin, lineCount, listenersOnlyPlugins, now } from "./lib.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const JSON_FILE = path.join(ROOT, ".cache", "bench.json");
const require = createRequire(import.meta.url);
const VIRTUAL = path.join(ROOT, "__bench__"); // never written: generated sources are linted from memory
export const PLUGIN_NAME = "durable-objects";
export const shortName = (id) => id.slice(PLUGIN_NAME.length + 1);

/** Names of the two corpora of real code; the overhead target is judged on each. */
export const LIBRARY = "library corpus";
export const APPS = "application corpus";

// ---------------------------------------------------------------------------------------------
// Corpora

function listTs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|cts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .filter((p) => !p.split(path.sep).includes("node_modules"))
    .sort();
}
const readFiles = (paths) => paths.map((p) => ({ filename: p, text: fs.readFileSync(p, "utf8") }));

/**
 * The library corpus: the Durable Object code of the pinned npm packages, as `npm run smoke` lints
 * it (its parsers, its files). Downloaded by `npm run smoke` into .cache/smoke; packages not there
 * are left out, and with none the set is empty (the overhead section says so).
 */
function libraryCorpus() {
  const files = [];
  const packages = [];
  for (const p of PACKAGES) {
    if (!fs.existsSync(path.join(pkgDirOf(p), ".unpacked"))) continue;
    const found = candidates(p).files;
    if (found.length === 0) continue;
    packages.push(p);
    for (const f of found)
      files.push({
        filename: path.join(VIRTUAL, "smoke", `${p.name.replace("/", "+")}@${p.version}`, f.rel),
        text: f.text,
        smoke: true,
      });
  }
  return { files, packages: packages.length, of: PACKAGES.length };
}

/**
 * The application corpus: the pinned files of the Durable Object applications of
 * tests/smoke/apps.json, taken as `npm run smoke:apps` takes them (scripts/smoke-apps.js: out of
 * the mirrors into .cache/apps, or from that cache). Linted at their real paths in the cache, with
 * the smoke run's parsers. Applications whose sources are not there are listed in `skipped`.
 */
function applicationCorpus() {
  const { apps, problems } = readApps();
  const files = [];
  const skipped = [...problems];
  let ready = 0;
  for (const a of apps) {
    const r = materialise(a);
    if (r.error || r.skipped) {
      skipped.push(`${a.repo}@${shortCommit(a.commit)}: ${r.error ?? r.skipped}`);
      continue;
    }
    ready++;
    const dir = appDirOf(a);
    for (const rel of a.files) {
      const filename = path.join(dir, ...rel.split("/"));
      files.push({ filename, text: fs.readFileSync(filename, "utf8"), smoke: true, app: a.repo });
    }
  }
  return { files, apps: ready, of: apps.length, skipped };
}

/** Generated Durable Object code (scripts/bench-corpus.js): deterministic sizes and seeds, a planted pattern in about half the methods. */
function generatedCorpus(count) {
  const files = [];
  const planted = {};
  let plantedMethods = 0;
  let methods = 0;
  for (let k = 0; k < count; k++) {
    const seed = 1000 + k;
    const m = 6 + ((seed * 7919) % 25); // 6..30 methods, fixed by the seed
    const g = generateWithManifest(m, seed, { classes: 1 + (k % 3) });
    files.push({ filename: path.join(VIRTUAL, `generated-${String(k).padStart(2, "0")}.ts`), text: g.text });
    for (const [rule, n] of Object.entries(g.expected)) planted[rule] = (planted[rule] ?? 0) + n;
    plantedMethods += g.dirty;
    methods += m;
  }
  return { files, planted, plantedMethods, methods };
}

/** Scaling inputs: `baseMethods` × 1, 10, 100 methods in one class, and the 100× spread over 10 classes. */
export function scalingCase(shape, factor, classes, baseMethods) {
  const methods = baseMethods * factor;
  const g = generateWithManifest(methods, 4242, { classes });
  return {
    shape,
    factor,
    size: methods,
    methods,
    classes,
    text: g.text,
    lines: lineCount(g.text),
    filename: path.join(VIRTUAL, `scale-${classes}-${methods}.ts`),
  };
}

/** One long method: `blocks` small read/await/write blocks in a single async function. */
export function longCase(blocks) {
  const text = generateLongMethodFile(blocks, 77);
  return {
    shape: "one method",
    size: blocks,
    methods: 1,
    classes: 1,
    text,
    lines: lineCount(text),
    filename: path.join(VIRTUAL, `long-${blocks}.ts`),
  };
}

// ---------------------------------------------------------------------------------------------
// Configurations

/** A normalised FlatConfigArray when ESLint's internal module can be reached (as the CLI has); else the plain array. */
let FlatConfigArray;
try {
  ({ FlatConfigArray } = require(path.join(path.dirname(require.resolve("eslint/package.json")), "lib/config/flat-config-array.js")));
} catch {
  FlatConfigArray = undefined;
}

/** `config` as ESLint's CLI holds it: a normalised FlatConfigArray (when ESLint's internal module can be reached). */
function normalise(config) {
  if (!FlatConfigArray) return config;
  try {
    const array = new FlatConfigArray(config, { basePath: ROOT });
    array.normalizeSync();
    return array;
  } catch {
    return config;
  }
}

export function makeConfig(rules, parserOptions = {}) {
  return normalise([
    {
      files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.tsx"],
      languageOptions: { parser: tsParser, ecmaVersion: "latest", sourceType: "module", parserOptions },
      linterOptions: { reportUnusedDisableDirectives: "off" },
      plugins: { [PLUGIN_NAME]: plugin },
      rules,
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// The context

/**
 * Builds the corpora and configs, prints the header, and returns what the scenarios use:
 * `{ env, report, json, linter, sets, corpus, … }`. `env` holds the knobs read from the environment.
 */
export function createContext(report) {
  const env = {
    quick: process.env.BENCH_QUICK === "1",
    rounds: Number(process.env.BENCH_ROUNDS) || 0,
    baseMethods: Number(process.env.BENCH_BASE_METHODS) || 10,
  };
  const linter = new Linter({ configType: "flat", cwd: ROOT });

  const generated = generatedCorpus(env.quick ? 3 : 5);
  const library = libraryCorpus();
  const apps = applicationCorpus();
  const exampleDir = path.join(ROOT, "examples", "worker");
  const exampleFiles = readFiles(listTs(path.join(exampleDir, "src")));
  const ownFiles = readFiles([...listTs(path.join(ROOT, "src")), ...listTs(path.join(ROOT, "rules"))]);
  const libraryName = `${LIBRARY} (${library.packages} packages)`;
  const appsName = `${APPS} (${apps.apps} applications)`;
  /** `kind` says what a set is for: "library" / "apps" carry the overhead target and the known-work row. */
  const sets = [
    { name: libraryName, kind: "library", files: library.files },
    { name: appsName, kind: "apps", files: apps.files },
    { name: "generated DO code", kind: "generated", files: generated.files },
    { name: "examples/worker/src", kind: "example", files: exampleFiles },
    { name: "plugin src/ + rules/", kind: "own", files: ownFiles },
  ].filter((s) => s.files.length > 0);
  const corpus = sets.flatMap((s) => s.files);

  const scaleCases = [1, 10, 100].map((factor) => scalingCase("one class", factor, 1, env.baseMethods));
  scaleCases.push(scalingCase("10 classes", 100, 10, env.baseMethods));
  const longSizes = env.quick ? [60, 600] : [100, 1000];
  const longCases = longSizes.map(longCase);

  // Other people edit the rules while this runs: a rule that throws is left out (and reported), so
  // the numbers for the others still come.
  const broken = {};
  const every = plugin.configs.all.rules;
  const preflight = [...corpus.filter((f) => !f.smoke), scaleCases[1], scalingCase("preflight", 2, 2, env.baseMethods), longCases[0]];
  for (const f of preflight) {
    for (;;) {
      const rules = Object.fromEntries(Object.entries(every).filter(([id]) => !broken[id]));
      try {
        linter.verify(f.text, makeConfig(rules), f.filename);
        break;
      } catch (e) {
        const id = e?.ruleId;
        if (!id || broken[id]) throw e;
        broken[id] = `${String(e.message).split("\n")[0]} (${path.relative(ROOT, f.filename)})`;
      }
    }
  }
  const ALL_RULES = Object.fromEntries(Object.entries(every).filter(([id]) => !broken[id]));
  const RULE_IDS = Object.keys(ALL_RULES);
  const NONE = makeConfig({});
  const ALL = makeConfig(ALL_RULES);
  const pluginWith = (rules) => ({ plugins: { [PLUGIN_NAME]: plugin }, rules });
  /** No rules of ours, and the known work of `knownPlugin` instead. */
  const KNOWN = { plugins: { [PLUGIN_NAME]: plugin, "bench-known": knownPlugin }, rules: { "bench-known/work": "error" } };
  // A typical project's config, for what adding the plugin costs there: the recommended rules of
  // @eslint/js and of typescript-eslint (no type information) first, then the smoke run's parsers.
  const TYPICAL = [js.configs.recommended, ...tseslint.configs.recommended];
  /** Our rules with their listeners and none of their work (`listenersOnlyPlugins`), and the run that notes those listeners. */
  const listenersOnly = listenersOnlyPlugins(plugin);
  /** The corpus configs around the smoke run's parsers (`configWith`, or `fallbackWith` for JS espree cannot parse). */
  const smokeConfigs = (withParsers) => ({
    none: normalise(withParsers(pluginWith({}))),
    all: normalise(withParsers(pluginWith(ALL_RULES))),
    known: normalise(withParsers(KNOWN)),
    typical: normalise([...TYPICAL, ...withParsers(pluginWith({}))]),
    typicalAll: normalise([...TYPICAL, ...withParsers(pluginWith(ALL_RULES))]),
    record: normalise(withParsers({ plugins: { [PLUGIN_NAME]: listenersOnly.record }, rules: ALL_RULES })),
    listeners: normalise(withParsers({ plugins: { [PLUGIN_NAME]: listenersOnly.hollow }, rules: ALL_RULES })),
  });
  const SMOKE = smokeConfigs(configWith);
  const SMOKE_FALLBACK = smokeConfigs(fallbackWith);
  // Each file knows its configs: the library and application corpora lint JS with espree (and,
  // like the smoke runs, fall back to @typescript-eslint/parser for JS files espree cannot parse).
  for (const f of corpus) {
    if (!f.smoke) {
      f.configs = { none: NONE, all: ALL };
      continue;
    }
    const fatal = linter.verify(f.text, SMOKE.none, f.filename).some((m) => m.fatal);
    f.configs = fatal ? SMOKE_FALLBACK : SMOKE;
  }
  const ALONE = Object.fromEntries(RULE_IDS.map((id) => [id, makeConfig({ [id]: ALL_RULES[id] })]));

  /** Lints every file once; returns ms, and counts messages by rule into `counts` if given. `config` is a config or a key of `f.configs`. */
  function lintFiles(config, files, counts) {
    let n = 0;
    const t0 = now();
    for (const f of files) {
      const messages = linter.verify(f.text, typeof config === "string" ? f.configs[config] : config, f.filename);
      n += messages.length;
      if (counts) {
        for (const m of messages) {
          const key = m.fatal ? "fatal" : (m.ruleId ?? "other");
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
    }
    const t = now() - t0;
    if (n < 0) throw new Error("unreachable"); // keeps the results alive
    return t;
  }

  /** Lints every file with ESLint's `stats` option; returns parse/rule/total times summed over files. */
  function lintFilesWithStats(config, files) {
    const acc = { total: 0, parse: 0, rules: {} };
    for (const f of files) {
      linter.verifyAndFix(f.text, typeof config === "string" ? f.configs[config] : config, {
        filename: f.filename,
        fix: false,
        stats: true,
      });
      for (const pass of linter.getTimes().passes ?? []) {
        acc.parse += pass.parse?.total ?? 0;
        acc.total += pass.total ?? 0;
        for (const [id, t] of Object.entries(pass.rules ?? {})) acc.rules[id] = (acc.rules[id] ?? 0) + t.total;
      }
    }
    return acc;
  }

  // The header
  let tsVersion = "n/a";
  try {
    tsVersion = require("typescript").version;
  } catch {
    // only reported
  }
  /** The commit measured, and whether the work tree differed from it (then the figures are of uncommitted code). */
  let commit = "unknown";
  let dirty = false;
  try {
    const git = (...args) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    commit = git("rev-parse", "--short=12", "HEAD");
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src", "rules", "scripts", "package.json").length > 0;
  } catch {
    // not a git checkout: only reported
  }
  const meta = {
    commit,
    dirty,
    command:
      process.env.npm_lifecycle_event === "bench"
        ? `npm run bench  (${process.env.npm_lifecycle_script ?? "node scripts/bench.js"})`
        : "node scripts/bench.js",
    knobs: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("BENCH_"))),
    quick: env.quick,
    node: process.version,
    eslint: Linter.version,
    parser: `@typescript-eslint/parser ${tsParser.version}`,
    typescript: tsVersion,
    plugin: `${plugin.meta.name} ${plugin.meta.version}`,
    rules: RULE_IDS,
    excludedRules: broken,
    cpu: `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}`,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
    gc: gcAvailable ? "explicit GC before every sample" : "no explicit GC",
    clock: CLOCK,
    singleThreaded: SINGLE_THREADED,
    config: FlatConfigArray
      ? "pre-normalised FlatConfigArray (config built once, as the CLI does)"
      : "plain config array (ESLint rebuilds it on every verify, in both configs alike)",
    date: new Date().toISOString(),
  };
  const { print } = report;
  print("# eslint-plugin-durable-objects benchmark");
  print();
  print(
    `- command: \`${meta.command}\`${
      Object.keys(meta.knobs).length
        ? `, with ${Object.entries(meta.knobs)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")}`
        : ""
    }`,
  );
  print(`- commit ${meta.commit}${meta.dirty ? " with uncommitted changes to src/, rules/, scripts/ or package.json" : ""}`);
  print(`- Node ${meta.node}, ESLint ${meta.eslint}, ${meta.parser}, TypeScript ${meta.typescript}`);
  print(`- plugin: ${meta.plugin}, ${RULE_IDS.length} rules in \`configs.all\`: ${RULE_IDS.map(shortName).join(", ")}`);
  for (const [id, why] of Object.entries(broken)) print(`- **left out: ${shortName(id)}** — it throws: ${why}`);
  print(`- machine: ${meta.cpu}; load average at start ${meta.loadavg}; ${meta.gc}`);
  print(`- config: ${meta.config}`);
  print(
    '- in-process `Linter#verify`, which parses on every call: "no rules" is parse + scope analysis + traversal (with code path analysis); "all rules" adds our rules on top',
  );
  print(
    CLOCK === "wall"
      ? "- clock: wall-clock (`performance.now()`); ratios compare configs measured alternately in the same run"
      : `- clock: CPU time of this process (user + system, \`process.cpuUsage()\`)${SINGLE_THREADED ? ", under `node --single-threaded`: V8 compiles and collects garbage on the main thread, so the clock counts all the work of linting and only that" : ", V8's helper threads included (BENCH_THREADS=v8)"}; ratios compare configs measured alternately in the same run`,
  );

  const json = {
    meta,
    corpus: {},
    overhead: {},
    perRule: {},
    stats: {},
    scaling: {},
    perRuleScaling: {},
    longMethod: {},
    typed: {},
    anomalies: [],
  };
  for (const [id, why] of Object.entries(broken))
    json.anomalies.push(`${shortName(id)} throws and was left out of every measurement: ${why}`);

  return {
    env,
    report,
    json,
    linter,
    plugin,
    sets,
    corpus,
    setOf: (kind) => sets.find((s) => s.kind === kind),
    library,
    apps,
    generated,
    exampleDir,
    exampleFiles,
    /** The Durable Object part of the corpus, for the per-rule runs (one config per rule × rounds must stay affordable). */
    doCorpus: [...generated.files, ...exampleFiles],
    scaleCases,
    longSizes,
    longCases,
    broken,
    ALL_RULES,
    RULE_IDS,
    NONE,
    ALL,
    ALONE,
    lintFiles,
    lintFilesWithStats,
  };
}
