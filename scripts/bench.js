/**
 * Benchmark of eslint-plugin-durable-objects: lint time with our rules against lint time without,
 * measured side by side in one run with ESLint's in-process `Linter` (no process start-up in the
 * numbers). Run with `npm run bench` (builds first). Prints Markdown tables and writes
 * `.cache/bench.json`.
 *
 * This is a benchmark, not a test: it never asserts a time. Every figure that matters is a ratio
 * or a difference of configurations measured alternately (A, B, A, B, …) in the same process, so
 * machine speed and load cancel out as far as they can.
 *
 * Environment knobs (all optional): BENCH_ROUNDS (rounds of the main comparison, default and
 * minimum 7), BENCH_BASE_METHODS (methods of the 1× scaling file, default 10), BENCH_CLOCK=wall
 * (wall clock instead of process CPU time), BENCH_THREADS=v8 (leave V8's helper threads on; by
 * default the script runs itself again under `node --single-threaded`), BENCH_QUICK=1 (fewer files and rounds everywhere, for
 * trying the script out; below the documented minimums), BENCH_ONLY=overhead (stop after the
 * overhead section: for checking a change against the target).
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Linter } from "eslint";
import tsParser from "@typescript-eslint/parser";
import plugin from "../dist/src/index.js";
import { generateLongMethodFile, generateWithManifest } from "./bench-corpus.js";
import { PACKAGES, candidates, configWith, fallbackWith, pkgDirOf } from "./smoke-corpus.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// V8 on one thread: the process's CPU time is then exactly the work of linting (see `now`).
if (!process.execArgv.includes("--single-threaded") && process.env.BENCH_THREADS !== "v8") {
  const run = spawnSync(
    process.execPath,
    ["--single-threaded", ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  process.exit(run.status ?? 1);
}
const SINGLE_THREADED = process.execArgv.includes("--single-threaded");
const require = createRequire(import.meta.url);
const QUICK = process.env.BENCH_QUICK === "1";
const ONLY_OVERHEAD = process.env.BENCH_ONLY === "overhead";
const MAIN_ROUNDS = Math.max(QUICK ? 3 : 7, Number(process.env.BENCH_ROUNDS) || 0);
const WARMUP = 2;
const started = performance.now();

// ---------------------------------------------------------------------------------------------
// Measurement helpers

/** A full GC before each sample keeps one configuration's garbage from being collected in the next one's time. */
let gc = () => {};
/** A scavenge of the young generation only: a few ms, so it can run before every timed verify. */
let minorGc = () => {};
let gcAvailable = false;
try {
  v8.setFlagsFromString("--expose-gc");
  const fn = vm.runInNewContext("gc");
  if (typeof fn === "function") {
    gc = () => fn();
    minorGc = () => fn({ type: "minor" });
    gcAvailable = true;
  }
} catch {
  // No explicit GC: samples are noisier, nothing else changes.
}

/**
 * The clock: CPU time of this process (`process.cpuUsage()`, microseconds), with V8 kept on this
 * one thread (see the re-run under `--single-threaded` above): then it is the time of all the work
 * linting does, garbage collection and compilation included, and nothing else. With V8's helper
 * threads on, a third of the process's CPU time here is theirs, and it lands on whichever file is
 * being linted when it happens; Linux's per-thread counter (`/proc/…/schedstat`) only moves at
 * scheduler ticks, 4 ms apart here, too coarse for one file. BENCH_CLOCK=wall uses the wall clock.
 */
const CLOCK = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";
const now =
  CLOCK === "wall"
    ? () => performance.now()
    : () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };

/**
 * Known work: a loop whose cost is measured alone, run as a rule in one more configuration of the
 * overhead comparison. What the comparison says that rule adds, against what it costs alone, shows
 * how far this run's figures can be trusted.
 */
let knownSink = 0;
function knownWork(iterations) {
  let x = knownSink;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  knownSink = x;
}
/** Iterations of `knownWork` per character of a linted file. */
const KNOWN_PER_CHAR = 40;
const knownPlugin = {
  rules: {
    work: {
      meta: { type: "suggestion", schema: [] },
      create(context) {
        return {
          Program() {
            knownWork(context.sourceCode.text.length * KNOWN_PER_CHAR);
          },
        };
      },
    },
  },
};

const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs });

/**
 * Runs each of `runs` (name → () => ms) once per round, in alternating order: with two configs
 * A, B, A, B, …; with more, each round rotates the order by one so no config always goes first.
 * Warm-up rounds are run and dropped.
 */
function alternate(runs, { warmup, rounds }) {
  const names = Object.keys(runs);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    const order = names.length > 2 ? names.map((_, i) => names[(i + r) % names.length]) : names;
    for (const name of order) {
      gc();
      const t = runs[name]();
      if (r >= warmup) samples[name].push(t);
    }
  }
  return samples;
}

/** Median of per-round differences `a[i] - b[i]` (the rounds were measured side by side). */
const pairedDiff = (a, b) => median(a.map((x, i) => x - b[i]));

/**
 * Like `alternate`, but interleaved file by file: each file is linted with every config in turn
 * (order rotated per file and round) before the next file, and a round's time per config is the
 * sum over the files. The configs of one comparison then run milliseconds apart, so a change in
 * machine load hits them alike instead of landing on whichever config had the round. A full GC
 * starts each round and a young-generation GC precedes every timed verify, so that one config's
 * garbage is not collected on another's time (each still pays for the collections its own
 * allocations cause). A config is a config, or "none" / "all" for each file's own (`f.configs`).
 */
function interleave(configs, files, { warmup, rounds }) {
  const names = Object.keys(configs);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  /** perFile[name][file][round] */
  const perFile = Object.fromEntries(names.map((n) => [n, files.map(() => [])]));
  for (let r = 0; r < warmup + rounds; r++) {
    const acc = Object.fromEntries(names.map((n) => [n, 0]));
    gc();
    files.forEach((f, i) => {
      for (let j = 0; j < names.length; j++) {
        const name = names[(j + r + i) % names.length];
        const config = typeof configs[name] === "string" ? f.configs[configs[name]] : configs[name];
        minorGc();
        const t0 = now();
        linter.verify(f.text, config, f.filename);
        const t = now() - t0;
        acc[name] += t;
        if (r >= warmup) perFile[name][i].push(t);
      }
    });
    if (r >= warmup) for (const n of names) samples[n].push(acc[n]);
  }
  /** Σ over files of the median over rounds of (a − b): one disturbed measurement of one file cannot move it much. */
  const added = (a, b) => perFile[a].reduce((sum, ts, i) => sum + median(ts.map((t, r) => t - perFile[b][i][r])), 0);
  return { samples, added };
}

// ---------------------------------------------------------------------------------------------
// Formatting

const ms = (x) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)) : "n/a");
const pct = (x) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%` : "n/a");
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "n/a");
const range = (s) => `${ms(s.min)}–${ms(s.max)}`;
const exponent = (x) => (Number.isFinite(x) ? x.toFixed(2) : "n/a");

function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const sep = `| ${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w - 1)}` : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join("\n");
}

const out = [];
function print(text = "") {
  console.log(text);
  out.push(text);
}
function section(title) {
  print();
  print(`## ${title}`);
  print();
}
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Corpus

const lineCount = (text) => text.split("\n").length;
const VIRTUAL = path.join(ROOT, "__bench__"); // never written: generated sources are linted from memory

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

// (i) generated: deterministic sizes and seeds.
const GENERATED_FILES = QUICK ? 3 : 5;
const generated = [];
const planted = {};
let plantedMethods = 0;
let generatedMethods = 0;
for (let k = 0; k < GENERATED_FILES; k++) {
  const seed = 1000 + k;
  const methods = 6 + ((seed * 7919) % 25); // 6..30 methods, fixed by the seed
  const classes = 1 + (k % 3);
  const g = generateWithManifest(methods, seed, { classes });
  generated.push({ filename: path.join(VIRTUAL, `generated-${String(k).padStart(2, "0")}.ts`), text: g.text });
  for (const [rule, n] of Object.entries(g.expected)) planted[rule] = (planted[rule] ?? 0) + n;
  plantedMethods += g.dirty;
  generatedMethods += methods;
}

// (0) the smoke corpus: the Durable Object code of the pinned npm packages, as `npm run smoke`
// lints it (its parsers, its files). The overhead target of the issue is measured on this set.
// Downloaded by `npm run smoke`; when it is not there yet, the set is skipped with a note.
const smokeFiles = [];
const smokePackages = [];
for (const p of PACKAGES) {
  const dir = pkgDirOf(p);
  if (!fs.existsSync(path.join(dir, ".unpacked"))) continue;
  const { files } = candidates(p);
  if (files.length === 0) continue;
  smokePackages.push(p);
  for (const f of files)
    smokeFiles.push({
      filename: path.join(VIRTUAL, "smoke", `${p.name.replace("/", "+")}@${p.version}`, f.rel),
      text: f.text,
      smoke: true,
    });
}
const SMOKE_NAME = `smoke corpus (${smokePackages.length} packages)`;

// (ii) the example worker, if someone has written it by now.
const EXAMPLE_DIR = path.join(ROOT, "examples", "worker");
const exampleFiles = readFiles(listTs(path.join(EXAMPLE_DIR, "src")));

// (iii) the plugin's own sources: TypeScript that is not a Durable Object.
const ownFiles = readFiles([...listTs(path.join(ROOT, "src")), ...listTs(path.join(ROOT, "rules"))]);

const SETS = [
  { name: SMOKE_NAME, files: smokeFiles },
  { name: "generated DO code", files: generated },
  { name: "examples/worker/src", files: exampleFiles },
  { name: "plugin src/ + rules/", files: ownFiles },
].filter((s) => s.files.length > 0);
const CORPUS = SETS.flatMap((s) => s.files);
/** The Durable Object part of the corpus, for the per-rule runs (one config per rule × rounds must stay affordable). */
const DO_CORPUS = [...generated, ...exampleFiles];

// Scaling inputs: 1×, 10×, 100× the methods in one class, and 100× spread over 10 classes.
const BASE_METHODS = Number(process.env.BENCH_BASE_METHODS) || 10;
function scalingCase(shape, factor, classes) {
  const methods = BASE_METHODS * factor;
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
const scaleCases = [
  scalingCase("one class", 1, 1),
  scalingCase("one class", 10, 1),
  scalingCase("one class", 100, 1),
  scalingCase("10 classes", 100, 10),
];
// One long method: `blocks` small read/await/write blocks in a single async function.
const LONG = QUICK ? [60, 600] : [100, 1000];
const LONG_CONFIRM = QUICK ? 1200 : 1500; // suspects only: a quadratic term needs size to stand out
function longCase(blocks) {
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
const longCases = LONG.map(longCase);

// ---------------------------------------------------------------------------------------------
// Configurations: (a) parser only, (b) parser + all our rules; same everything else.

const PLUGIN_NAME = "durable-objects";
const shortName = (id) => id.slice(PLUGIN_NAME.length + 1);

/** A normalised FlatConfigArray when ESLint's internal module can be reached (as the CLI has); else the plain array. */
let FlatConfigArray;
try {
  ({ FlatConfigArray } = require(path.join(path.dirname(require.resolve("eslint/package.json")), "lib/config/flat-config-array.js")));
} catch {
  FlatConfigArray = undefined;
}
const configMode = FlatConfigArray
  ? "pre-normalised FlatConfigArray (config built once, as the CLI does)"
  : "plain config array (ESLint rebuilds it on every verify, in both configs alike)";

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

function makeConfig(rules, parserOptions = {}) {
  const config = [
    {
      files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.tsx"],
      languageOptions: { parser: tsParser, ecmaVersion: "latest", sourceType: "module", parserOptions },
      linterOptions: { reportUnusedDisableDirectives: "off" },
      plugins: { [PLUGIN_NAME]: plugin },
      rules,
    },
  ];
  return normalise(config);
}

const linter = new Linter({ configType: "flat", cwd: ROOT });

// Other people edit the rules while this runs: a rule that throws is left out (and reported), so
// the numbers for the others still come.
const broken = {};
{
  const every = plugin.configs.all.rules;
  const preflight = [...CORPUS.filter((f) => !f.smoke), scaleCases[1], scalingCase("preflight", 2, 2), longCases[0]];
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
}
const ALL_RULES = Object.fromEntries(Object.entries(plugin.configs.all.rules).filter(([id]) => !broken[id]));
const RULE_IDS = Object.keys(ALL_RULES);
const NONE = makeConfig({});
const ALL = makeConfig(ALL_RULES);
const pluginWith = (rules) => ({ plugins: { [PLUGIN_NAME]: plugin }, rules });
/** No rules of ours, and the known work of `knownPlugin` instead. */
const KNOWN = { plugins: { [PLUGIN_NAME]: plugin, "bench-known": knownPlugin }, rules: { "bench-known/work": "error" } };
const SMOKE = {
  none: normalise(configWith(pluginWith({}))),
  all: normalise(configWith(pluginWith(ALL_RULES))),
  known: normalise(configWith(KNOWN)),
};
const SMOKE_FALLBACK = {
  none: normalise(fallbackWith(pluginWith({}))),
  all: normalise(fallbackWith(pluginWith(ALL_RULES))),
  known: normalise(fallbackWith(KNOWN)),
};
// Each file knows its configs: the smoke corpus lints JS with espree (and, like the smoke run,
// falls back to @typescript-eslint/parser for the few JS files espree cannot parse).
for (const f of CORPUS) {
  if (!f.smoke) {
    f.configs = { none: NONE, all: ALL };
    continue;
  }
  const fatal = linter.verify(f.text, SMOKE.none, f.filename).some((m) => m.fatal);
  f.configs = fatal ? SMOKE_FALLBACK : SMOKE;
}
const ALONE = Object.fromEntries(RULE_IDS.map((id) => [id, makeConfig({ [id]: ALL_RULES[id] })]));

/**
 * Lints every file once; returns ms, and counts messages by rule into `counts` if given. `config`
 * is a config, or "none" / "all" for each corpus file's own (see `f.configs`).
 */
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
    linter.verifyAndFix(f.text, typeof config === "string" ? f.configs[config] : config, { filename: f.filename, fix: false, stats: true });
    for (const pass of linter.getTimes().passes ?? []) {
      acc.parse += pass.parse?.total ?? 0;
      acc.total += pass.total ?? 0;
      for (const [id, t] of Object.entries(pass.rules ?? {})) acc.rules[id] = (acc.rules[id] ?? 0) + t.total;
    }
  }
  return acc;
}

const repeat = (c) => Array.from({ length: c.reps ?? 1 }, () => c);

// ---------------------------------------------------------------------------------------------
// Header

let tsVersion = "n/a";
try {
  tsVersion = require("typescript").version;
} catch {
  // only reported
}
const meta = {
  command:
    process.env.npm_lifecycle_event === "bench"
      ? `npm run bench  (${process.env.npm_lifecycle_script ?? "node scripts/bench.js"})`
      : `node ${path.relative(ROOT, fileURLToPath(import.meta.url))}`,
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
  config: configMode,
  date: new Date().toISOString(),
};

print("# eslint-plugin-durable-objects benchmark");
print();
print(`- command: \`${meta.command}\``);
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

// ---------------------------------------------------------------------------------------------
// 1. Corpus, with a sanity check of what the rules find

section("Corpus");
const findings = {};
const corpusRows = [];
for (const s of SETS) {
  const counts = {};
  lintFiles("all", s.files, counts);
  findings[s.name] = counts;
  const lines = s.files.reduce((a, f) => a + lineCount(f.text), 0);
  const bytes = s.files.reduce((a, f) => a + Buffer.byteLength(f.text), 0);
  const total = RULE_IDS.reduce((a, id) => a + (counts[id] ?? 0), 0);
  corpusRows.push([s.name, s.files.length, lines, (bytes / 1024).toFixed(1), total, counts.fatal ?? 0]);
  json.corpus[s.name] = { files: s.files.length, lines, bytes, findings: counts };
}
if (exampleFiles.length === 0) print("examples/worker/src is absent (or has no .ts files): that part of the corpus is skipped.\n");
if (smokeFiles.length === 0)
  print(
    "The smoke corpus is not downloaded: run `npm run smoke` once (it caches the packages in .cache/smoke), then this again. The overhead target is defined on that corpus.\n",
  );
print(table(["set", "files", "lines", "KiB", "findings (all rules)", "parse errors"], corpusRows));
print();
const plantedHere = RULE_IDS.reduce((a, id) => a + (planted[shortName(id)] ?? 0), 0);
print(
  `Generated: ${GENERATED_FILES} files, ${generatedMethods} methods; ${plantedMethods} (${((100 * plantedMethods) / generatedMethods).toFixed(0)}%) hold a planted pattern ` +
    `(${plantedHere} for rules measured here), the rest are clean look-alikes. Findings per rule ("planted" = generated methods written to trigger it):`,
);
print();
const corpusNotes = [];
print(
  table(
    ["rule", "planted", ...SETS.map((s) => s.name)],
    RULE_IDS.map((id) => {
      const p = planted[shortName(id)] ?? 0;
      const got = findings["generated DO code"]?.[id] ?? 0;
      if (p > 0 && got === 0) corpusNotes.push(`generated corpus: ${shortName(id)} reports none of the ${p} method(s) planted for it`);
      if (p === 0 && got > 0)
        corpusNotes.push(
          `generated corpus: ${shortName(id)} reports ${got} time(s) with no pattern planted for it (a clean look-alike reported?)`,
        );
      return [shortName(id), p, ...SETS.map((s) => findings[s.name]?.[id] ?? 0)];
    }),
  ),
);
for (const [rule, n] of Object.entries(planted)) {
  const id = `${PLUGIN_NAME}/${rule}`;
  if (!RULE_IDS.includes(id) && !broken[id])
    corpusNotes.push(`generated corpus: ${n} method(s) planted for ${rule}, which this build does not register`);
}
const fatal = Object.values(findings).reduce((a, c) => a + (c.fatal ?? 0), 0);
if (fatal > 0) corpusNotes.push(`${fatal} file(s) of the corpus do not parse`);
print();
for (const n of corpusNotes) print(`- note: ${n}`);
json.corpus.planted = { methods: generatedMethods, plantedMethods, byRule: planted, notes: corpusNotes };

// ---------------------------------------------------------------------------------------------
// 2. Overhead of all rules on the whole corpus

section(`Overhead: all rules vs no rules (each set interleaved file by file, ${WARMUP} warm-up + ${MAIN_ROUNDS} rounds)`);
{
  const perSet = {};
  let smokeOverhead;
  // `none2` is the no-rules config measured a second time: what it "adds" is this run's noise.
  // On the smoke corpus, `known` runs known work instead of our rules (see `knownWork`).
  for (const set of SETS) {
    const configs = { none: "none", none2: "none", all: "all", ...(set.name === SMOKE_NAME ? { known: "known" } : {}) };
    perSet[set.name] = interleave(configs, set.files, { warmup: WARMUP, rounds: MAIN_ROUNDS });
  }
  const sumRounds = (key) =>
    Array.from({ length: MAIN_ROUNDS }, (_, r) => SETS.reduce((a, set) => a + perSet[set.name].samples[key][r], 0));
  const none = summary(sumRounds("none"));
  const all = summary(sumRounds("all"));
  const overhead = all.median / none.median - 1;
  const paired = SETS.reduce((a, set) => a + perSet[set.name].added("all", "none"), 0);
  print(
    table(
      ["config", "median ms", "min–max ms", "vs no rules"],
      [
        ["(a) parser only, no rules", ms(none.median), range(none), ""],
        ["(b) parser + all our rules", ms(all.median), range(all), pct(overhead)],
      ],
    ),
  );
  print();
  print(
    `Whole corpus: median(all rules) / median(no rules) − 1 = **${pct(overhead)}**; summed per file (median over rounds of all − none, file by file): ${ms(paired)} ms, ${pct(paired / none.median)}.`,
  );
  print();
  const rows = SETS.map((set) => {
    const n = median(perSet[set.name].samples.none);
    const a = median(perSet[set.name].samples.all);
    const d = perSet[set.name].added("all", "none");
    return [set.name, ms(n), ms(a), ms(d), pct(d / n), pct(perSet[set.name].added("none2", "none") / n)];
  });
  print(table(["set", "no rules ms", "all rules ms", "rule time ms (per file, paired)", "overhead", "no rules again (noise)"], rows));
  if (smokeFiles.length > 0) {
    const n = median(perSet[SMOKE_NAME].samples.none);
    const d = perSet[SMOKE_NAME].added("all", "none");
    const noise = perSet[SMOKE_NAME].added("none2", "none");
    // The known work alone, on the same characters, three times: its median is what `known` should add.
    const chars = smokeFiles.reduce((a, f) => a + f.text.length, 0);
    const alone = summary(
      [0, 1, 2].map(() => {
        gc();
        const t0 = now();
        for (const f of smokeFiles) knownWork(f.text.length * KNOWN_PER_CHAR);
        return now() - t0;
      }),
    );
    const knownAdded = perSet[SMOKE_NAME].added("known", "none");
    // A verdict only where this run's noise cannot flip it.
    const margin = Math.abs(noise / n);
    const verdict =
      d / n + margin <= 0.05
        ? "met"
        : d / n - margin > 0.05
          ? "not met"
          : `not settled by this run (within its noise of ±${(margin * 100).toFixed(1)} points)`;
    print();
    print(
      `**Target: all rules add at most 5 % to the lint time of the smoke corpus** (${smokeFiles.length} files that mention Durable Objects, from ${smokePackages.length} packages, linted as \`npm run smoke\` lints them): ` +
        `${pct(d / n)} (${ms(d)} ms of ${ms(n)} ms), **${verdict}**; the same no-rules config measured again in this run differs by ${pct(noise / n)}, the size of this run's noise. ` +
        "The generated set is a stress test, every method a planted pattern or its look-alike; the plugin's own sources are TypeScript that is not a Durable Object.",
    );
    print();
    print(
      `**How far this run can be trusted:** a rule that does known work (a loop of ${KNOWN_PER_CHAR} steps per character, ${chars.toLocaleString("en-US")} characters) costs ${ms(alone.median)} ms alone ` +
        `(${pct(alone.median / n)} of the no-rules time); measured in the same rounds and the same way as our rules, it adds ${ms(knownAdded)} ms (${pct(knownAdded / n)}), ` +
        `${pct(knownAdded / alone.median - 1)} off what it costs. Together with the no-rules-again row, that is the margin of the figure above.`,
    );
    smokeOverhead = {
      files: smokeFiles.length,
      packages: smokePackages.length,
      noneMs: n,
      addedMs: d,
      ratio: d / n,
      verdict,
      noiseMs: noise,
      noiseRatio: noise / n,
      known: { aloneMs: alone.median, addedMs: knownAdded, error: knownAdded / alone.median - 1 },
    };
  }
  json.overhead = {
    rounds: MAIN_ROUNDS,
    warmup: WARMUP,
    none,
    all,
    overheadRatio: overhead,
    pairedDiffMs: paired,
    perSet: Object.fromEntries(
      SETS.map((set) => [
        set.name,
        {
          none: summary(perSet[set.name].samples.none),
          all: summary(perSet[set.name].samples.all),
          addedMs: perSet[set.name].added("all", "none"),
        },
      ]),
    ),
    smoke: smokeOverhead,
  };
}
if (ONLY_OVERHEAD) {
  print();
  print(`_elapsed: ${elapsed()}; BENCH_ONLY=overhead: the other sections are skipped._`);
  finish();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// 3. Per-rule share: each rule alone vs no rules; and ESLint's `stats`

const PER_RULE_ROUNDS = QUICK ? 2 : 3;
const STATS_ROUNDS = QUICK ? 2 : 3;
section(
  `Per-rule share (each rule alone vs no rules, ${PER_RULE_ROUNDS} rounds, interleaved file by file; the code is warm from the overhead runs)`,
);
{
  const doLines = DO_CORPUS.reduce((a, f) => a + lineCount(f.text), 0);
  // `none2` is the same config as `none` again: its "added" time is a measurement of the noise.
  const configs = { none: NONE, none2: makeConfig({}), all: ALL };
  for (const id of RULE_IDS) configs[id] = ALONE[id];
  const { samples, added: addedOf } = interleave(configs, DO_CORPUS, { warmup: 0, rounds: PER_RULE_ROUNDS });
  const none = summary(samples.none);

  // ESLint's `stats` option works in-process: `Linter#verifyAndFix(…, { stats: true })` + `getTimes()`.
  const statRuns = [];
  for (let r = 0; r < STATS_ROUNDS + 1; r++) {
    gc();
    const s = lintFilesWithStats("all", CORPUS);
    if (r > 0) statRuns.push(s);
  }
  const statsTotal = median(statRuns.map((s) => s.total));
  const statsParse = median(statRuns.map((s) => s.parse));

  const rows = [];
  let sum = 0;
  let statsSum = 0;
  for (const id of RULE_IDS) {
    const added = addedOf(id, "none");
    const st = median(statRuns.map((s) => s.rules[id] ?? 0));
    sum += added;
    statsSum += st;
    rows.push([shortName(id), ms(median(samples[id])), ms(added), pct(added / none.median), ms(st), pct(st / statsTotal)]);
    json.perRule[id] = { alone: summary(samples[id]), addedMs: added, shareOfNoRules: added / none.median, statsMs: st };
  }
  const allAdded = addedOf("all", "none");
  const nullAdded = addedOf("none2", "none");
  rows.push(["(sum of the rules)", "", ms(sum), pct(sum / none.median), ms(statsSum), pct(statsSum / statsTotal)]);
  rows.push(["all rules together", ms(median(samples.all)), ms(allAdded), pct(allAdded / none.median), "", ""]);
  rows.push(["(no rules again: noise)", ms(median(samples.none2)), ms(nullAdded), pct(nullAdded / none.median), "", ""]);
  rows.push(["(parse, per stats)", "", "", "", ms(statsParse), pct(statsParse / statsTotal)]);
  print(table(["rule", "alone: median ms", "added ms", "% of no-rules time", "stats ms (whole corpus)", "stats: % of total"], rows));
  print();
  print(
    `Rule alone = parser + that one rule, on the Durable Object part of the corpus (generated + examples/worker: ${DO_CORPUS.length} files, ${doLines} lines); ` +
      `no rules there: median ${ms(none.median)} ms (min–max ${range(none)}). Each file is linted with no rules and with every rule alone in turn (rotating the order) before the next file; ` +
      '"added ms" = the sum over files of the median over rounds of (rule alone − no rules) for that file. ' +
      "ESLint's `TIMING` env var only works in the CLI, hence one rule at a time. Each rule alone also pays for the per-file Durable Object model (storage resolution, class facts) " +
      "that the rules share when run together, so the sum exceeds what all rules add together. " +
      '"No rules again" measures the same no-rules config a second time: its "added ms" is pure noise, and differences of that size mean nothing.',
  );
  print();
  print(
    `"stats" = ESLint's \`stats\` option, which the in-process Linter supports: \`linter.verifyAndFix(text, config, { filename, fix: false, stats: true })\`, then \`linter.getTimes()\` ` +
      `(all rules on, whole corpus, median of ${STATS_ROUNDS} passes after 1 warm-up; total ${ms(statsTotal)} ms). It wraps every listener call in hrtime (a wall clock, its overhead included) ` +
      "and charges the shared model to whichever rule builds it first.",
  );
  json.perRule.none = none;
  json.perRule.sumAddedMs = sum;
  json.perRule.all = { samples: samples.all, addedMs: allAdded };
  json.perRule.noiseMs = nullAdded;
  json.perRule.corpus = { files: DO_CORPUS.length, lines: doLines };
  json.stats = {
    total: statsTotal,
    parse: statsParse,
    rounds: STATS_ROUNDS,
    rules: Object.fromEntries(RULE_IDS.map((id) => [id, json.perRule[id].statsMs])),
  };
}
print();
print(`_elapsed: ${elapsed()}_`);

// ---------------------------------------------------------------------------------------------
// 4–5. Scaling. Per rule: ESLint `stats` with all rules on at each size; rules whose time grows
// faster than the code are timed again alone (`stats` of that one rule), which decides.

const SCALE_ROUNDS = QUICK ? 2 : 4;
const STATS_PASSES = QUICK ? 1 : 2;
const SUSPECT = 1.2; // exponent k in time ∝ size^k: over a 10× step, 1.2 means the cost per unit grew 1.6×
const SUPERLINEAR = 1.3;
const CONFIRM_PASSES = QUICK ? 1 : 3;
const growth = (t1, t2, n1, n2) => (t1 > 0 && t2 > 0 ? Math.log(t2 / t1) / Math.log(n2 / n1) : NaN);

/**
 * No rules vs all rules, alternately, then all rules with `stats`; `reps` copies per sample so that
 * small files give samples of a useful size; ms per file.
 */
function measureCase(c, { rounds, warmup, stats = true }) {
  const files = repeat(c);
  const samples = alternate(
    { none: () => lintFiles(NONE, files) / files.length, all: () => lintFiles(ALL, files) / files.length },
    { warmup, rounds },
  );
  const perRule = stats ? statsPerRule(ALL, c, STATS_PASSES, RULE_IDS) : undefined;
  return {
    stats: perRule,
    statsSum: perRule ? Object.values(perRule).reduce((a, b) => a + b, 0) : undefined,
    shape: c.shape,
    size: c.size,
    methods: c.methods,
    classes: c.classes,
    lines: c.lines,
    reps: files.length,
    none: summary(samples.none),
    all: summary(samples.all),
    ruleMs: pairedDiff(samples.all, samples.none),
  };
}

/** The table cells of a `measureCase` result: no rules and all rules (median, range), the rules' time and its share. */
const timingCells = (e) => [ms(e.none.median), range(e.none), ms(e.all.median), range(e.all), ms(e.ruleMs), pct(e.ruleMs / e.none.median)];

/** Per-rule `stats` times (ms per file) for `config`, the minimum over `passes` (noise only adds). */
function statsPerRule(config, c, passes, ids) {
  const files = repeat(c);
  const best = Object.fromEntries(ids.map((id) => [id, Infinity]));
  for (let k = 0; k < passes; k++) {
    gc();
    const st = lintFilesWithStats(config, files);
    for (const id of ids) best[id] = Math.min(best[id], (st.rules[id] ?? 0) / files.length);
  }
  return best;
}

/**
 * Growth of each rule's time over measured cases (`results`, growing sizes, with their `cases`),
 * from their `stats` (all rules on); the exponent is taken over the last step. Suspects (k above
 * SUSPECT and more than 2% of the no-rules time) are timed again alone — `stats` of that one rule —
 * from the second-largest case to `confirm` (a larger case, when given, so that a quadratic term
 * stands out of the noise); that decides the verdict.
 */
function perRuleGrowth(results, cases, unit, confirm = cases.at(-1)) {
  const s = results.at(-2);
  const l = results.at(-1);
  const noneLarge = l.none.median;
  const smallCase = cases.at(-2);
  const largeCase = cases.at(-1);
  const cs = { ...smallCase, reps: Math.max(1, Math.round(largeCase.lines / smallCase.lines)) };
  const cl = { ...confirm, reps: 1 };
  const noneConfirm = (noneLarge * confirm.lines) / largeCase.lines;
  const verdicts = {};
  const rows = [];
  for (const id of RULE_IDS) {
    const kAll = growth(s.stats[id], l.stats[id], s.size, l.size);
    const suspect = kAll > SUSPECT && l.stats[id] > 0.02 * noneLarge;
    let aloneSmall;
    let aloneLarge;
    let kAlone;
    if (suspect) {
      aloneSmall = statsPerRule(ALONE[id], cs, CONFIRM_PASSES, [id])[id];
      aloneLarge = statsPerRule(ALONE[id], cl, CONFIRM_PASSES, [id])[id];
      kAlone = growth(aloneSmall, aloneLarge, cs.size, cl.size);
    }
    const superlinear = suspect && kAlone > SUPERLINEAR && aloneLarge > 0.05 * noneConfirm;
    verdicts[id] = {
      sizes: results.map((r) => r.size),
      statsAll: results.map((r) => r.stats[id]),
      exponentAll: kAll,
      suspect,
      aloneSizes: [cs.size, cl.size],
      statsAlone: suspect ? [aloneSmall, aloneLarge] : undefined,
      exponentAlone: kAlone,
      superlinear,
    };
    rows.push([
      shortName(id),
      ...results.map((r) => ms(r.stats[id])),
      ratio(l.stats[id] / s.stats[id]),
      exponent(kAll),
      suspect ? `${ms(aloneSmall)} → ${ms(aloneLarge)}` : "",
      suspect ? exponent(kAlone) : "",
      superlinear
        ? "**superlinear**"
        : suspect
          ? "linear when alone"
          : !Number.isFinite(kAll)
            ? "too small to tell"
            : kAll > SUSPECT
              ? "too small to matter"
              : "linear",
    ]);
  }
  print(
    table(
      [
        "rule",
        ...results.map((r) => `ms @ ${r.size}`),
        `${s.size} → ${l.size}`,
        "k",
        `alone: ms ${cs.size} → ${cl.size}`,
        "k (alone)",
        "verdict",
      ],
      rows,
    ),
  );
  print();
  print(
    `Per file, ${unit}; ms = the rule's ESLint \`stats\` time (all rules on, minimum of ${STATS_PASSES} pass(es) over the samples above). ` +
      `k = exponent in time ∝ size^k from ${s.size} to ${l.size} (1 linear, 2 quadratic${results.length > 2 ? "; the smallest size is shown but not used: a rule may have nothing to do there, since not every pattern fits in it" : ""}). ` +
      `Rules with k > ${SUSPECT} and over 2% of the no-rules time are timed again alone from ${cs.size} to ${cl.size} (\`stats\` of that rule only, minimum of ${CONFIRM_PASSES} passes, the ${cs.size} file repeated ${cs.reps}×); ` +
      `"superlinear" = k (alone) > ${SUPERLINEAR} and over 5% of the no-rules time at ${cl.size}.`,
  );
  return verdicts;
}

section(
  `Scaling with file size (all rules vs no rules, alternating; ${SCALE_ROUNDS} rounds after a warm-up; the 100× files ${Math.max(2, SCALE_ROUNDS - 1)} and 2 rounds, code already warm)`,
);
const scaling = [];
{
  const target = scaleCases[1].lines; // small files are repeated up to about the 10× file's size
  for (const c of scaleCases) {
    c.reps = Math.max(1, Math.round(target / c.lines));
    const rounds = c.factor < 100 ? SCALE_ROUNDS : c.classes === 1 ? Math.max(2, SCALE_ROUNDS - 1) : 2;
    scaling.push(measureCase(c, { rounds, warmup: c.factor >= 100 ? 0 : 1, stats: c.classes === 1 }));
  }
  const base = scaling[0];
  const rows = [];
  for (const e of scaling) {
    const prev =
      e.classes > 1
        ? scaling.find((x) => x.shape === "one class" && x.methods === e.methods)
        : scaling.filter((x) => x.shape === e.shape && x.methods < e.methods).at(-1);
    e.ruleRatioVs1x = e.ruleMs / base.ruleMs;
    e.ruleRatioVsPrev = prev ? e.ruleMs / prev.ruleMs : undefined;
    e.sizeRatioVsPrev = prev ? e.methods / prev.methods : undefined;
    rows.push([
      e.shape,
      `${e.methods} (${e.methods / base.methods}×)`,
      e.lines,
      e.reps,
      ...timingCells(e),
      ratio(e.ruleRatioVs1x),
      prev ? (e.classes > 1 ? `${ratio(e.ruleRatioVsPrev)} vs one class` : `${ratio(e.ruleRatioVsPrev)} for ${e.sizeRatioVsPrev}×`) : "",
      ((1000 * e.ruleMs) / e.methods).toFixed(0),
      e.statsSum === undefined ? "" : ms(e.statsSum),
      e.statsSum === undefined ? "" : ratio(e.statsSum / base.statsSum),
    ]);
  }
  print(
    table(
      [
        "shape",
        "methods",
        "lines",
        "reps",
        "no rules ms",
        "min–max",
        "all rules ms",
        "min–max",
        "rule time ms",
        "overhead",
        "rule time vs 1×",
        "step",
        "rule µs/method",
        "stats: rules ms",
        "stats vs 1×",
      ],
      rows,
    ),
  );
  print();
  print(
    `Per file (a sample lints the file \`reps\` times and divides). 1× = ${BASE_METHODS} generated methods in one class (BENCH_BASE_METHODS changes it); the last row spreads the 100× methods over 10 classes. ` +
      'Rule time = median of per-round (all − none); "stats: rules ms" = the sum of the rules\' ESLint `stats` times in the same files (minimum of the passes), a second estimate that parse noise does not reach. ' +
      "Linear: ≈ 10× per 10× step (target ≤ ~11×), a flat µs/method; the 1× file also carries a fixed part (imports, constructor, `fetch`, `alarm`, helpers, plain code) that does not grow with the method count.",
  );
  print();
  for (const e of scaling) {
    if (e.classes === 1 && e.ruleRatioVsPrev !== undefined && e.ruleRatioVsPrev > e.sizeRatioVsPrev * 1.1 + 0.5) {
      json.anomalies.push(
        `${e.shape}: all-rules time grows ${ratio(e.ruleRatioVsPrev)} for ${e.sizeRatioVsPrev}× the methods (→ ${e.methods} methods, ${ms(e.ruleMs)} ms per file)`,
      );
    }
  }
  print(`**Per rule, ${scaleCases[0].size}, ${scaleCases[1].size} and ${scaleCases[2].size} methods in one class:**`);
  print();
  const verdicts = perRuleGrowth(scaling.slice(0, 3), scaleCases.slice(0, 3), "methods in one class");
  json.scaling = scaling;
  json.perRuleScaling = verdicts;
  for (const [id, v] of Object.entries(verdicts)) {
    if (v.superlinear) {
      json.anomalies.push(
        `${shortName(id)}: superlinear in methods per class — alone ${ms(v.statsAlone[0])} → ${ms(v.statsAlone[1])} ms per file for ${v.aloneSizes[0]} → ${v.aloneSizes[1]} methods (k=${exponent(v.exponentAlone)}; with all rules k=${exponent(v.exponentAll)})`,
      );
    }
  }
}
print();
print(`_elapsed: ${elapsed()}_`);

const LONG_ROUNDS = Math.max(2, SCALE_ROUNDS - 1);
section(`Scaling with the length of one function (${LONG.join(" → ")} blocks in one async method, ${LONG_ROUNDS} rounds after a warm-up)`);
{
  const target = longCases.at(-1).lines;
  for (const c of longCases) c.reps = Math.max(1, Math.round(target / c.lines));
  const results = longCases.map((c) => measureCase(c, { rounds: LONG_ROUNDS, warmup: 1 }));
  const rows = results.map((e, i) => [
    `${e.size} blocks`,
    e.lines,
    e.reps,
    ...timingCells(e),
    i > 0 ? `${ratio(e.ruleMs / results[i - 1].ruleMs)} for ${e.size / results[i - 1].size}×` : "",
    ((1000 * e.ruleMs) / e.size).toFixed(0),
    ms(e.statsSum),
    i > 0 ? `${ratio(e.statsSum / results[i - 1].statsSum)} for ${e.size / results[i - 1].size}×` : "",
  ]);
  print(
    table(
      [
        "method body",
        "lines",
        "reps",
        "no rules ms",
        "min–max",
        "all rules ms",
        "min–max",
        "rule time ms",
        "overhead",
        "step",
        "rule µs/block",
        "stats: rules ms",
        "stats step",
      ],
      rows,
    ),
  );
  print();
  print(
    "Each block, picked at random (seeded): read → await fetch → write back; a branch that reads; a SQL update; an awaited fetch; two awaited puts in a row.",
  );
  print();
  const grow = results.at(-1).ruleMs / results[0].ruleMs;
  const sizeStep = LONG.at(-1) / LONG[0];
  if (grow > sizeStep * 1.1 + 0.5) {
    json.anomalies.push(
      `one long function: all-rules time grows ${ratio(grow)} for ${sizeStep}× the blocks (${ms(results[0].ruleMs)} → ${ms(results.at(-1).ruleMs)} ms per file)`,
    );
  }
  print(`**Per rule, ${LONG[0]} → ${LONG.at(-1)} blocks in one method:**`);
  print();
  const verdicts = perRuleGrowth(results, longCases, "blocks in one method", longCase(LONG_CONFIRM));
  json.longMethod = { results, verdicts };
  for (const [id, v] of Object.entries(verdicts)) {
    if (v.superlinear) {
      json.anomalies.push(
        `${shortName(id)}: superlinear in the length of one function — alone ${ms(v.statsAlone[0])} → ${ms(v.statsAlone[1])} ms per file for ${v.aloneSizes[0]} → ${v.aloneSizes[1]} blocks ` +
          `(${ratio(v.statsAlone[1] / v.statsAlone[0])} for ${v.aloneSizes[1] / v.aloneSizes[0]}×, k=${exponent(v.exponentAlone)}; with all rules ${ms(v.statsAll[0])} → ${ms(v.statsAll.at(-1))} ms for ${v.sizes[0]} → ${v.sizes.at(-1)}, k=${exponent(v.exponentAll)})`,
      );
    }
  }
}
print();
print(`_elapsed: ${elapsed()}_`);

// ---------------------------------------------------------------------------------------------
// 6. Type information

const TYPED_ROUNDS = 3;
section(`Type information (untyped vs typed, all rules and none, 1 warm-up + ${TYPED_ROUNDS} rounds, interleaved file by file)`);
{
  let dir;
  let files;
  let source;
  if (exampleFiles.length > 0 && fs.existsSync(path.join(EXAMPLE_DIR, "tsconfig.json"))) {
    dir = EXAMPLE_DIR;
    files = exampleFiles;
    source = "examples/worker/src";
  } else {
    // No example worker (yet): a temporary project typed against @cloudflare/workers-types.
    dir = path.join(ROOT, ".cache", "bench-typed");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "src"), { recursive: true });
    const compilerOptions = {
      target: "ES2022",
      module: "ES2022",
      moduleResolution: "Bundler",
      lib: ["ES2023"],
      types: ["@cloudflare/workers-types"],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify({ compilerOptions, include: ["src"] }, null, 2)}\n`);
    files = [0, 1, 2].map((k) => {
      const filename = path.join(dir, "src", `object-${k}.ts`);
      const text = generateWithManifest(25, 9000 + k, { classes: 1 + k }).text;
      fs.writeFileSync(filename, text);
      return { filename, text };
    });
    source = `a generated temp project in .cache/bench-typed (${exampleFiles.length > 0 ? "examples/worker has no tsconfig.json" : "examples/worker is absent"})`;
  }
  const typedOptions = { projectService: true, tsconfigRootDir: dir };
  const TYPED_NONE = makeConfig({}, typedOptions);
  const TYPED_ALL = makeConfig(ALL_RULES, typedOptions);
  const untypedCounts = {};
  const typedCounts = {};
  const wall0 = performance.now();
  lintFiles(TYPED_ALL, files, typedCounts); // creates the project service and the TypeScript program
  const firstTyped = performance.now() - wall0;
  lintFiles(ALL, files, untypedCounts);
  const lines = files.reduce((a, f) => a + lineCount(f.text), 0);
  print(
    `Files: ${source}, ${files.length} files, ${lines} lines. Typed = \`parserOptions: { projectService: true, tsconfigRootDir: "${path.relative(ROOT, dir)}" }\`. ` +
      `The first typed pass, which creates the TypeScript program, took ${ms(firstTyped)} ms wall-clock (not in the medians).`,
  );
  print();
  if (typedCounts.fatal) {
    print(`**Typed parsing failed** for ${typedCounts.fatal} file(s); the typed numbers below are not meaningful.`);
    json.anomalies.push(`typed linting: ${typedCounts.fatal} parse error(s) in ${source}`);
  }
  const { samples, added: addedOf } = interleave({ untypedNone: NONE, untyped: ALL, typedNone: TYPED_NONE, typed: TYPED_ALL }, files, {
    warmup: 1,
    rounds: TYPED_ROUNDS,
  });
  const un = summary(samples.untypedNone);
  const u = summary(samples.untyped);
  const tn = summary(samples.typedNone);
  const t = summary(samples.typed);
  print(
    table(
      ["config", "median ms", "min–max ms", "vs all rules, untyped"],
      [
        ["no rules, untyped", ms(un.median), range(un), ratio(un.median / u.median)],
        ["all rules, untyped", ms(u.median), range(u), ratio(1)],
        ["no rules, typed", ms(tn.median), range(tn), ratio(tn.median / u.median)],
        ["all rules, typed", ms(t.median), range(t), ratio(t.median / u.median)],
      ],
    ),
  );
  print();
  const untypedRule = addedOf("untyped", "untypedNone");
  const typedRule = addedOf("typed", "typedNone");
  const typedCost = addedOf("typed", "untyped");
  print(
    `Typed / untyped, all rules on: **${ratio(t.median / u.median)}** (file-interleaved estimate of typed − untyped: ${ms(typedCost)} ms). ` +
      `Our rules' own time (all − none, file-interleaved): ${ms(untypedRule)} ms untyped, ${ms(typedRule)} ms typed ` +
      "(with a program, the storage model asks the type checker about every receiver the syntax cannot resolve).",
  );
  print(
    "With `projectService`, typescript-eslint reuses the program's already-parsed source file while the text is unchanged, so a repeated typed verify can parse about as fast as an untyped one; " +
      "the cost of types is mostly the first pass above.",
  );
  const diff = RULE_IDS.filter((id) => (untypedCounts[id] ?? 0) !== (typedCounts[id] ?? 0));
  print(
    diff.length === 0
      ? `Findings are the same with and without types (${RULE_IDS.reduce((a, id) => a + (typedCounts[id] ?? 0), 0)}).`
      : `Findings that differ: ${diff.map((id) => `${shortName(id)} ${untypedCounts[id] ?? 0} untyped / ${typedCounts[id] ?? 0} typed`).join(", ")}.`,
  );
  json.typed = {
    source,
    files: files.length,
    lines,
    firstTypedWallMs: firstTyped,
    untypedNone: un,
    untyped: u,
    typedNone: tn,
    typed: t,
    ratio: t.median / u.median,
    untypedRuleMs: untypedRule,
    typedRuleMs: typedRule,
    typedMinusUntypedMs: typedCost,
    findings: { untyped: untypedCounts, typed: typedCounts },
  };
}
print();
print(`_elapsed: ${elapsed()}_`);

// ---------------------------------------------------------------------------------------------
// 7. Anomalies, JSON

section("Anomalies");
for (const n of corpusNotes) json.anomalies.push(n);
if (json.anomalies.length === 0) print("None.");
for (const a of json.anomalies) print(`- ${a}`);

finish();

/** Prints the totals and writes `.cache/bench.json`. */
function finish() {
  const cpu = process.cpuUsage();
  json.cpuMs = (cpu.user + cpu.system) / 1000;
  json.elapsedMs = performance.now() - started;
  print();
  print(
    `Total: ${elapsed()} wall-clock, ${(json.cpuMs / 1000).toFixed(1)} s CPU (load average now ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}). JSON: .cache/bench.json`,
  );
  json.markdown = out.join("\n");
  fs.mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, ".cache", "bench.json"), `${JSON.stringify(json, null, 2)}\n`);
}
