/**
 * Scenario "overhead": all rules vs no rules on every set of the corpus, each set interleaved file
 * by file, with two controls in the same rounds: the no-rules config measured a second time (what
 * it "adds" is this run's noise) and, on the library and application corpora, a rule doing known
 * work (what the method says it adds, against what it costs alone, is the method's error). The
 * target, at most 5 % on each of those two corpora, gets a verdict only where neither can flip it.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { KNOWN_PER_CHAR, floorOf, interleave, knownAlone, median, ms, pct, range, summary, table, verdict } from "./lib.js";

export const TARGET = 0.05;
const WARMUP = 2;

/** How each corpus with a target is described in the verdict's sentence. */
const DESCRIBE = {
  library: (ctx, set) =>
    `${set.files.length} files that mention Durable Objects, from ${ctx.library.packages} published packages, linted as \`npm run smoke\` lints them`,
  apps: (ctx, set) =>
    `${set.files.length} files of ${ctx.apps.apps} Durable Object applications, linted as \`npm run smoke:apps\` lints them`,
};

export function overhead(ctx) {
  const { report, json, sets, linter, env } = ctx;
  const { print, section } = report;
  const rounds = Math.max(env.quick ? 3 : 7, env.rounds);
  section(`Overhead: all rules vs no rules (each set interleaved file by file, ${WARMUP} warm-up + ${rounds} rounds)`);
  const perSet = {};
  for (const set of sets) {
    const target = set.kind === "library" || set.kind === "apps";
    const configs = { none: "none", none2: "none", all: "all", ...(target ? { known: "known" } : {}) };
    perSet[set.name] = interleave(linter, configs, set.files, { warmup: WARMUP, rounds });
  }
  const sumRounds = (key) => Array.from({ length: rounds }, (_, r) => sets.reduce((a, set) => a + perSet[set.name].samples[key][r], 0));
  const none = summary(sumRounds("none"));
  const all = summary(sumRounds("all"));
  const whole = all.median / none.median - 1;
  const paired = sets.reduce((a, set) => a + perSet[set.name].added("all", "none"), 0);
  print(
    table(
      ["config", "median ms", "min–max ms", "vs no rules"],
      [
        ["(a) parser only, no rules", ms(none.median), range(none), ""],
        ["(b) parser + all our rules", ms(all.median), range(all), pct(whole)],
      ],
    ),
  );
  print();
  print(
    `Whole corpus: median(all rules) / median(no rules) − 1 = **${pct(whole)}**; summed per file (median over rounds of all − none, file by file): ${ms(paired)} ms, ${pct(paired / none.median)}.`,
  );
  print();
  const bySet = {};
  const rows = sets.map((set) => {
    const p = perSet[set.name];
    const n = median(p.samples.none);
    const d = p.added("all", "none");
    const noise = p.added("none2", "none");
    bySet[set.name] = {
      kind: set.kind,
      files: set.files.length,
      none: summary(p.samples.none),
      all: summary(p.samples.all),
      noneMs: n,
      addedMs: d,
      ratio: d / n,
      noiseMs: noise,
      noiseRatio: noise / n,
    };
    return [set.name, ms(n), ms(median(p.samples.all)), ms(d), pct(d / n), pct(noise / n)];
  });
  print(table(["set", "no rules ms", "all rules ms", "rule time ms (per file, paired)", "overhead", "no rules again (noise)"], rows));

  const targets = {};
  for (const kind of ["library", "apps"]) {
    const set = ctx.setOf(kind);
    print();
    if (!set) {
      const why =
        kind === "library"
          ? "the library corpus is not downloaded (run `npm run smoke` once, which caches it in .cache/smoke)"
          : `the application sources are not available (no mirror of the ${ctx.apps.of} applications of tests/smoke/apps.json and nothing in .cache/apps; see tests/smoke/README.md)`;
      print(`**${kind === "library" ? "Library" : "Application"} corpus: skipped**, ${why}.`);
      targets[kind] = { skipped: why };
      continue;
    }
    const row = bySet[set.name];
    const p = perSet[set.name];
    const alone = knownAlone(set.files);
    const knownAdded = p.added("known", "none");
    const chars = set.files.reduce((a, f) => a + f.text.length, 0);
    // The known-work rule's error, in points of the no-rules time: how far the method itself is off in this run.
    const knownRatio = (knownAdded - alone.median) / row.noneMs;
    const v = verdict(row.ratio, { noiseRatio: row.noiseRatio, knownRatio }, TARGET);
    print(
      `**Target: all rules add at most 5 % to the lint time of the ${set.name}** (${DESCRIBE[kind](ctx, set)}): ` +
        `${pct(row.ratio)} (${ms(row.addedMs)} ms of ${ms(row.noneMs)} ms), **${v.text}**.`,
    );
    print();
    print(
      `**How far this row can be trusted:** the same no-rules config measured again in the same rounds differs by ${pct(row.noiseRatio)}. ` +
        `A rule that does known work (a loop of ${KNOWN_PER_CHAR} steps per character, ${chars.toLocaleString("en-US")} characters) costs ${ms(alone.median)} ms alone ` +
        `(${pct(alone.median / row.noneMs)} of the no-rules time); measured in the same rounds and the same way as our rules, it adds ${ms(knownAdded)} ms (${pct(knownAdded / row.noneMs)}), ` +
        `${ms(knownAdded - alone.median)} ms (${pct(knownRatio)} of the no-rules time) off what it costs. The larger of the two, ±${(v.margin * 100).toFixed(1)} points, is the margin of the verdict.`,
    );
    let listenersOnly;
    if (kind === "apps") {
      listenersOnly = floorOf(linter, set.files, { warmup: WARMUP, rounds });
      const { addedMs } = listenersOnly;
      print();
      print(
        `**The floor under it:** our rules with the same listeners on each file and nothing in them (ESLint creating the rules and calling every listener, no analysis) add ${ms(addedMs)} ms (${pct(listenersOnly.ratio)}), against no rules in rounds of their own.`,
      );
    }
    targets[kind] = {
      ...(listenersOnly ? { listenersOnly } : {}),
      set: set.name,
      files: set.files.length,
      ...(kind === "library" ? { packages: ctx.library.packages } : { apps: ctx.apps.apps, skippedApps: ctx.apps.skipped }),
      chars,
      noneMs: row.noneMs,
      addedMs: row.addedMs,
      ratio: row.ratio,
      noiseMs: row.noiseMs,
      noiseRatio: row.noiseRatio,
      verdict: v.text,
      met: v.met,
      margin: v.margin,
      marginFrom: v.marginFrom,
      known: { aloneMs: alone.median, addedMs: knownAdded, error: knownAdded / alone.median - 1, errorRatio: knownRatio },
    };
  }
  print();
  print(
    "The generated set is a stress test, every method a planted pattern or its look-alike; the plugin's own sources are TypeScript that is not a Durable Object.",
  );
  const typical = typicalOverhead(ctx, rounds);
  const wall = wallOverhead(ctx, rounds);
  json.overhead = {
    rounds,
    warmup: WARMUP,
    target: TARGET,
    none,
    all,
    overheadRatio: whole,
    pairedDiffMs: paired,
    perSet: bySet,
    targets,
    typical,
    wall,
  };
}

const WALL_SCRIPT = fileURLToPath(new URL("./wall.js", import.meta.url));
const WALL_LABEL = { apps: "application corpus", library: "library corpus" };

/**
 * The application and library rows again as an `eslint` run waits for them (scripts/bench/wall.js,
 * in a child process: wall clock, V8's helper threads on). No verdict: the CPU clock of the rows
 * above counts all the work, this one what a user waits for on this machine.
 */
function wallOverhead(ctx, rounds) {
  const { report } = ctx;
  if (!ctx.setOf("apps") && !ctx.setOf("library")) return undefined;
  const run = spawnSync(process.execPath, [WALL_SCRIPT], {
    env: { ...process.env, BENCH_CLOCK: "wall", BENCH_THREADS: "v8", BENCH_ROUNDS: String(rounds) },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = run.stdout?.trim().split("\n").at(-1);
  let out;
  try {
    out = run.status === 0 && last ? JSON.parse(last) : undefined;
  } catch {
    out = undefined;
  }
  report.print();
  if (!out) {
    const why = `scripts/bench/wall.js failed (status ${run.status}): ${(run.stderr ?? "").trim().split("\n").at(-1) ?? ""}`;
    report.print(`**What an \`eslint\` run waits for: not measured**, ${why}.`);
    return { skipped: why };
  }
  const parts = Object.entries(out.rows).map(
    ([kind, r]) => `${WALL_LABEL[kind]} ${pct(r.ratio)} (${ms(r.addedMs)} ms of ${ms(r.noneMs)} ms; no rules again ${pct(r.noiseRatio)})`,
  );
  report.print(
    `**What an \`eslint\` run waits for** (the same interleaving in a plain \`node\`, timed by the wall clock with V8's helper threads on, ${out.warmup} warm-up + ${out.rounds} rounds): ` +
      `${parts.join("; ")}. No verdict: the rows above count all the work on one thread, garbage collection and compilation included; here the helper threads do part of it beside the lint.`,
  );
  return out;
}

/**
 * What adding the plugin costs a typical project, on the application corpus: the recommended rules
 * of @eslint/js and typescript-eslint (no type information) with and without all our rules, and
 * that config again (the noise), interleaved in the same way. No verdict: the target is against no
 * rules; this says what a user's `eslint` run pays.
 */
function typicalOverhead(ctx, rounds) {
  const { report, linter } = ctx;
  const set = ctx.setOf("apps");
  if (!set) return undefined;
  const p = interleave(linter, { typical: "typical", typicalAll: "typicalAll", typical2: "typical" }, set.files, {
    warmup: WARMUP,
    rounds,
  });
  const baseMs = median(p.samples.typical);
  const addedMs = p.added("typicalAll", "typical");
  const noiseMs = p.added("typical2", "typical");
  const out = { set: set.name, files: set.files.length, baseMs, addedMs, ratio: addedMs / baseMs, noiseMs, noiseRatio: noiseMs / baseMs };
  report.print();
  report.print(
    `**On top of a typical config** (the recommended rules of \`@eslint/js\` and \`typescript-eslint\`, no type information), on the ${set.name}: all our rules add ${pct(out.ratio)} (${ms(addedMs)} ms of ${ms(baseMs)} ms); the same config again differs by ${pct(out.noiseRatio)}. No verdict: the target is against no rules.`,
  );
  return out;
}
