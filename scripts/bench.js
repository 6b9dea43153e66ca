/**
 * Benchmark of eslint-plugin-durable-objects: lint time with our rules against lint time without,
 * measured side by side in one run with ESLint's in-process `Linter` (no process start-up in the
 * numbers), then oxlint against ESLint as CLIs. Run with `npm run bench` (builds first). Prints
 * Markdown and writes .cache/bench.json, from which `npm run bench:page` renders docs/performance.md.
 *
 * This is a benchmark, not a test: it never asserts a time. The method (clock, rounds, statistics)
 * is in scripts/bench/lib.js, the corpora and configs in scripts/bench/context.js, and each
 * scenario in a file of its own in scripts/bench/. The overhead scenario also runs
 * scripts/bench/wall.js in a child process: the application and library rows again by the wall
 * clock with V8's helper threads on, as an `eslint` run waits for them (no verdict).
 *
 * Environment knobs (all optional): BENCH_ROUNDS (rounds of the overhead comparison, default and
 * minimum 7; of the oxlint comparison, minimum 5), BENCH_BASE_METHODS (methods of the 1× scaling
 * file, default 10), BENCH_CLOCK=wall (wall clock instead of process CPU time), BENCH_THREADS=v8
 * (leave V8's helper threads on; by default the script runs itself again under
 * `node --single-threaded`), BENCH_QUICK=1 (fewer files and rounds everywhere, for trying the
 * script out; below the documented minimums), BENCH_ONLY=overhead (stop after the overhead section:
 * for checking a change against the target), or BENCH_ONLY=<scenario>[,…] (only those of
 * corpus, overhead, per-rule, scaling, typed, oxlint).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { relaunchSingleThreaded } from "./bench/lib.js";

relaunchSingleThreaded(fileURLToPath(import.meta.url));

const { createReport } = await import("./bench/lib.js");
const { JSON_FILE, ROOT, createContext } = await import("./bench/context.js");
const { corpus } = await import("./bench/corpus.js");
const { overhead } = await import("./bench/overhead.js");
const { perRule } = await import("./bench/per-rule.js");
const { scaling } = await import("./bench/scaling.js");
const { typed } = await import("./bench/typed.js");
const { oxlint } = await import("./bench/oxlint.js");

const SCENARIOS = { corpus, overhead, "per-rule": perRule, scaling, typed, oxlint };
const only = process.env.BENCH_ONLY?.split(",").filter(Boolean);
for (const name of only ?? []) {
  if (!SCENARIOS[name]) {
    console.error(`bench: BENCH_ONLY names an unknown scenario "${name}"; the scenarios are ${Object.keys(SCENARIOS).join(", ")}`);
    process.exit(2);
  }
}
// BENCH_ONLY=overhead keeps its meaning of old: the corpus check and the overhead, then stop.
const selected = only?.length === 1 && only[0] === "overhead" ? ["corpus", "overhead"] : (only ?? Object.keys(SCENARIOS));

const report = createReport();
const ctx = createContext(report);
ctx.json.meta.scenarios = selected;
for (const name of Object.keys(SCENARIOS)) {
  if (!selected.includes(name)) continue;
  SCENARIOS[name](ctx);
  report.print();
  report.print(`_elapsed: ${report.elapsed()}_`);
}
const skipped = Object.keys(SCENARIOS).filter((n) => !selected.includes(n));
if (skipped.length > 0) {
  report.print();
  report.print(`BENCH_ONLY=${process.env.BENCH_ONLY}: skipped ${skipped.join(", ")}.`);
}

report.section("Anomalies");
if (ctx.json.anomalies.length === 0) report.print("None.");
for (const a of ctx.json.anomalies) report.print(`- ${a}`);

const cpu = process.cpuUsage();
ctx.json.cpuMs = (cpu.user + cpu.system) / 1000;
ctx.json.elapsedMs = performance.now() - report.started;
report.print();
report.print(
  `Total: ${report.elapsed()} wall-clock, ${(ctx.json.cpuMs / 1000).toFixed(1)} s CPU (load average now ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}). JSON: ${path.relative(ROOT, JSON_FILE)}; \`npm run bench:page\` renders docs/performance.md from it.`,
);
ctx.json.meta.loadavgEnd = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(" ");
ctx.json.markdown = report.out.join("\n");
fs.mkdirSync(path.dirname(JSON_FILE), { recursive: true });
fs.writeFileSync(JSON_FILE, `${JSON.stringify(ctx.json, null, 2)}\n`);
