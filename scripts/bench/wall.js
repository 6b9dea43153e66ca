/**
 * The overhead row as an `eslint` run waits for it: the application and library corpora, all rules
 * vs no rules, interleaved file by file exactly as the overhead scenario does, but timed by the
 * wall clock with V8's helper threads on (concurrent and parallel garbage collection, compilation
 * off the main thread), as a plain `node` runs ESLint. The overhead scenario runs this file in a
 * child process (the main run is under `node --single-threaded`) and reports it beside its own
 * rows, without a verdict: the target is judged on the CPU clock, which counts all the work.
 *
 * Run as `BENCH_CLOCK=wall BENCH_THREADS=v8 node scripts/bench/wall.js`; prints one JSON line.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createContext } from "./context.js";
import { floorOf, interleave, median } from "./lib.js";

const WARMUP = 2;

function wallRows(ctx, rounds) {
  const out = {};
  for (const kind of ["apps", "library"]) {
    const set = ctx.setOf(kind);
    if (!set) continue;
    const p = interleave(ctx.linter, { none: "none", none2: "none", all: "all" }, set.files, { warmup: WARMUP, rounds });
    const noneMs = median(p.samples.none);
    const addedMs = p.added("all", "none");
    const noiseMs = p.added("none2", "none");
    out[kind] = { set: set.name, files: set.files.length, noneMs, addedMs, ratio: addedMs / noneMs, noiseMs, noiseRatio: noiseMs / noneMs };
    if (kind === "apps") out[kind].listenersOnly = floorOf(ctx.linter, set.files, { warmup: WARMUP, rounds });
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ctx = createContext({ print() {}, section() {} });
  const rounds = Math.max(ctx.env.quick ? 3 : 7, ctx.env.rounds);
  process.stdout.write(`${JSON.stringify({ rounds, warmup: WARMUP, rows: wallRows(ctx, rounds) })}\n`);
}
