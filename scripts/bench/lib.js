/**
 * The bench's measurement library: the clock, the rounds (configs alternated, file by file), the
 * statistics (medians of per-round differences, the verdict against a target within this run's margin,
 * the known-work calibration) and the Markdown output. The scenarios in this folder measure with
 * it; none of them has a clock or a statistic of its own.
 *
 * Every figure is a ratio or a difference of configurations measured alternately in the same
 * process, so machine speed and load cancel out as far as they can. Nothing here asserts a time.
 */
import { spawnSync } from "node:child_process";
import v8 from "node:v8";
import vm from "node:vm";

// ---------------------------------------------------------------------------------------------
// The process: V8 on one thread

/**
 * Runs the script at `entry` (a file path) again under `node --single-threaded` unless it already
 * is, or BENCH_THREADS=v8 asks for V8's helper threads; exits with the child's status. On one
 * thread, the process's CPU time is exactly the work of linting (see `now`).
 */
export function relaunchSingleThreaded(entry) {
  if (process.execArgv.includes("--single-threaded") || process.env.BENCH_THREADS === "v8") return;
  const run = spawnSync(process.execPath, ["--single-threaded", ...process.execArgv, entry, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(run.status ?? 1);
}
export const SINGLE_THREADED = process.execArgv.includes("--single-threaded");

// ---------------------------------------------------------------------------------------------
// The clock and the garbage collector

/**
 * The clock: CPU time of this process (`process.cpuUsage()`, microseconds), with V8 kept on this
 * one thread: then it is the time of all the work linting does, garbage collection and compilation
 * included, and nothing else. With V8's helper threads on, their work lands on whichever file is
 * being linted when it happens; Linux's per-thread counter (`/proc/…/schedstat`) only moves at
 * scheduler ticks, 4 ms apart here, too coarse for one file. BENCH_CLOCK=wall uses the wall clock.
 */
export const CLOCK = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";
export const now =
  CLOCK === "wall"
    ? () => performance.now()
    : () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };

/** A full GC: before each sample, so one configuration's garbage is not collected in the next one's time. */
export let gc = () => {};
/** A scavenge of the young generation only: a few ms, so it can run before every timed verify. */
export let minorGc = () => {};
export let gcAvailable = false;
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

// ---------------------------------------------------------------------------------------------
// Statistics

export const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs });

/** Median of per-round differences `a[i] - b[i]` (the rounds were measured side by side). */
export const pairedDiff = (a, b) => median(a.map((x, i) => x - b[i]));

/** Exponent k in time ∝ size^k between two sizes (NaN when a time is not positive). */
export const growth = (t1, t2, n1, n2) => (t1 > 0 && t2 > 0 ? Math.log(t2 / t1) / Math.log(n2 / n1) : NaN);

/**
 * The verdict on an overhead `ratio` against `target` (0.05 for 5 %), given this run's own error,
 * measured in the same rounds: `noiseRatio`, what the same no-rules config measured twice differed
 * by, and `knownRatio`, how far the known-work rule's measured cost landed from its true cost (both
 * as fractions of the no-rules time). The margin is the larger of the two; "met" or "not met" only
 * when the margin, added or taken away, cannot flip it.
 */
export function verdict(ratio, { noiseRatio, knownRatio = 0 }, target) {
  const noise = Math.abs(noiseRatio);
  const known = Math.abs(knownRatio);
  const margin = Math.max(noise, known);
  const met = ratio + margin <= target ? true : ratio - margin > target ? false : undefined;
  const by = known > noise ? "the known-work check" : "the no-rules-again row";
  return {
    met,
    margin,
    marginFrom: by,
    text:
      met === true
        ? "met"
        : met === false
          ? "not met"
          : `not settled by this run (within its margin of ±${(margin * 100).toFixed(1)} points, from ${by})`,
  };
}

// ---------------------------------------------------------------------------------------------
// Known work: a calibration of the method

let knownSink = 0;
/** A loop of `iterations` multiply-adds, kept alive through a module variable. */
export function knownWork(iterations) {
  let x = knownSink;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  knownSink = x;
}
/** Iterations of `knownWork` per character of a linted file. */
export const KNOWN_PER_CHAR = 40;
/**
 * A plugin with one rule doing known work on each file. Run as one more configuration of the
 * overhead comparison, what the comparison says it adds against what it costs alone (`knownAlone`)
 * shows how far the run's figures can be trusted.
 */
export const knownPlugin = {
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
/**
 * The floor under the rules' cost: what ESLint's calling them costs with nothing in them.
 * `record` is `plugin` with each rule noting, per file and rule, the names of the listeners it
 * returns; `hollow` has the same rules (same names and `meta`), whose `create` returns, for the
 * file being linted, a fresh empty function under each name its real rule returned there. Linted
 * with `hollow` after one pass with `record`, a file gets the same listeners ESLint dispatches to,
 * the same per-rule contexts, and none of the work.
 */
export function listenersOnlyPlugins(plugin) {
  /** filename → rule name → listener names */
  const seen = new Map();
  const record = { ...plugin, rules: {} };
  const hollow = { meta: plugin.meta, rules: {} };
  for (const [name, rule] of Object.entries(plugin.rules)) {
    record.rules[name] = {
      ...rule,
      create(context) {
        const listeners = rule.create(context);
        const names = Object.keys(listeners);
        if (names.length > 0) {
          let byRule = seen.get(context.filename);
          if (!byRule) seen.set(context.filename, (byRule = new Map()));
          byRule.set(name, names);
        }
        return listeners;
      },
    };
    hollow.rules[name] = {
      meta: rule.meta,
      create(context) {
        const listeners = {};
        for (const key of seen.get(context.filename)?.get(name) ?? []) listeners[key] = function listener() {};
        return listeners;
      },
    };
  }
  return { record, hollow };
}
/** What the known work costs alone on `files`: the median of three timed runs. */
export function knownAlone(files) {
  return summary(
    [0, 1, 2].map(() => {
      gc();
      const t0 = now();
      for (const f of files) knownWork(f.text.length * KNOWN_PER_CHAR);
      return now() - t0;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Rounds

/**
 * Runs each of `runs` (name → () => ms) once per round, in alternating order: with two configs
 * A, B, A, B, …; with more, each round rotates the order by one so no config always goes first.
 * Warm-up rounds are run and dropped.
 */
export function alternate(runs, { warmup, rounds }) {
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

/**
 * Like `alternate`, but interleaved file by file: each file is linted with every config in turn
 * (order rotated per file and round) before the next file, and a round's time per config is the
 * sum over the files. The configs of one comparison then run milliseconds apart, so a change in
 * machine load hits them alike instead of landing on whichever config had the round. A full GC
 * starts each round and a young-generation GC precedes every timed verify, so that one config's
 * garbage is not collected on another's time (each still pays for the collections its own
 * allocations cause). A config is a config, or a key of each file's own (`f.configs`), such as
 * "none" or "all".
 *
 * Returns `samples` (config → per-round totals) and `added(a, b)`: the sum over files of the median
 * over rounds of (a − b), which one disturbed measurement of one file cannot move much.
 */
export function interleave(linter, configs, files, { warmup, rounds }) {
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
  const added = (a, b) => perFile[a].reduce((sum, ts, i) => sum + median(ts.map((t, k) => t - perFile[b][i][k])), 0);
  return { samples, added };
}

// ---------------------------------------------------------------------------------------------
// Output

export { exponent, lineCount, ms, pct, range, ratio, table } from "./format.js";

/** What the bench prints, kept for the JSON (`markdown`). */
export function createReport() {
  const started = performance.now();
  const out = [];
  const print = (text = "") => {
    console.log(text);
    out.push(text);
  };
  return {
    started,
    out,
    print,
    section(title) {
      print();
      print(`## ${title}`);
      print();
    },
    elapsed: () => `${((performance.now() - started) / 1000).toFixed(1)} s`,
  };
}

/**
 * The floor under the application corpus's overhead row: our rules with their listeners and nothing
 * in them (config "listeners", see `listenersOnlyPlugins`, after one lint of each file with config
 * "record" to note its listeners) against no rules, in rounds of their own, so that the overhead
 * rows keep their configs and the order they follow one another in (which changes what a lint costs).
 */
export function floorOf(linter, files, { warmup, rounds }) {
  // The "listeners" config gives each file the listeners its "record" lint noted there.
  for (const f of files) linter.verify(f.text, f.configs.record, f.filename);
  const p = interleave(linter, { none: "none", listeners: "listeners" }, files, { warmup, rounds });
  const addedMs = p.added("listeners", "none");
  return { addedMs, ratio: addedMs / median(p.samples.none) };
}
