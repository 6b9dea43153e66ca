/**
 * docs/performance.md is rendered by scripts/performance-page.js from the JSON of one `npm run bench`
 * run: the verdict rows, the skipped application corpus, the per-rule order and the warning on a run
 * that is not a reference; and the committed page comes from a full run.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const { renderPage } = (await import(pathToFileURL(path.join(root, "scripts/performance-page.js")).href)) as {
  renderPage(json: unknown): string;
};

const ALL_SCENARIOS = ["corpus", "overhead", "per-rule", "scaling", "typed", "oxlint"];
const A = "durable-objects/no-unsafe-read-modify-write";
const B = "durable-objects/valid-sql-exec";

/** The JSON of a run that measured the corpus, the overhead and the per-rule times only. */
function run(meta: Record<string, unknown> = {}, apps?: Record<string, unknown>) {
  const target = (ratio: number, verdict: string, margin: number) => ({
    files: 10,
    chars: 1000,
    noneMs: 1000,
    addedMs: ratio * 1000,
    ratio,
    noiseRatio: 0.01,
    verdict,
    margin,
    marginFrom: "the known-work check",
    known: { aloneMs: 30, addedMs: 45, error: 0.5, errorRatio: 0.015 },
  });
  return {
    meta: {
      command: "npm run bench",
      knobs: {},
      commit: "0123456789ab",
      dirty: false,
      quick: false,
      scenarios: ["corpus", "overhead", "per-rule"],
      date: "2026-12-03T06:00:00.000Z",
      node: "v20.20.2",
      eslint: "10.16.0",
      parser: "@typescript-eslint/parser 8.74.0",
      typescript: "5.9.3",
      plugin: "eslint-plugin-durable-objects 0.1.0",
      rules: [A, B],
      excludedRules: {},
      cpu: "CPU × 2",
      loadavg: "1.00 1.00 1.00",
      loadavgEnd: "2.00 2.00 2.00",
      clock: "cpu",
      singleThreaded: true,
      gc: "explicit GC before every sample",
      config: "pre-normalised FlatConfigArray",
      ...meta,
    },
    elapsedMs: 600_000,
    cpuMs: 590_000,
    overhead: {
      rounds: 7,
      warmup: 2,
      perSet: {},
      targets: {
        library: { ...target(0.021, "met", 0.015), packages: 3 },
        apps: apps ?? {
          ...target(0.062, "not settled by this run (within its margin of ±1.5 points, from the known-work check)", 0.015),
          apps: 2,
        },
      },
    },
    stats: {
      rounds: 3,
      total: 300,
      parse: 100,
      rules: { [A]: 20, [B]: 30 },
      bySet: {
        lib: { kind: "library", total: 200, parse: 80, rules: { [A]: 5, [B]: 25 } },
        apps: { kind: "apps", total: 100, parse: 20, rules: { [A]: 15, [B]: 5 } },
      },
    },
    perRule: {
      [A]: { addedMs: 12 },
      [B]: { addedMs: 4 },
      sumAddedMs: 16,
      all: { addedMs: 11 },
      noiseMs: 0.5,
      corpus: { files: 5, lines: 1200 },
    },
    anomalies: [],
  };
}

describe("scripts/performance-page.js", () => {
  it("gives each corpus its overhead, verdict and margin", () => {
    const page = renderPage(run());
    expect(page).toContain(
      "| All rules vs no rules, library corpus (10 files of 3 published packages) | +2.1% (21.0 ms of 1000 ms): **met**; margin ±1.5 points, from the known-work check |",
    );
    expect(page).toContain(
      "| All rules vs no rules, application corpus (10 files of 2 applications) | +6.2% (62.0 ms of 1000 ms): **not settled by this run (within its margin of ±1.5 points, from the known-work check)**; margin ±1.5 points, from the known-work check |",
    );
  });

  it("gives the cost on top of a typical config, with no verdict, when the run measured it", () => {
    const json = run();
    expect(renderPage(json)).not.toContain("typical config");
    Object.assign(json.overhead, {
      typical: {
        set: "application corpus (2 applications)",
        files: 10,
        baseMs: 2000,
        addedMs: 300,
        ratio: 0.15,
        noiseMs: -10,
        noiseRatio: -0.005,
      },
    });
    const page = renderPage(json);
    expect(page).toContain(
      "| All rules on top of `@eslint/js` + `typescript-eslint` recommended, application corpus | +15.0% (300 ms of 2000 ms); noise -0.5%; no target |",
    );
    expect(page).toContain(
      "**On top of a typical config: +15.0%.** What a project already running the recommended rules of `@eslint/js` and `typescript-eslint` (no type information) pays for adding all our rules, on the application corpus (2 applications): 300 ms of 2000 ms, measured the same way; that config measured again differs by -0.5%. No verdict: the 5 % target is against no rules at all.",
    );
  });

  it("gives the wall-clock rows (what an eslint run waits for) with no verdict, when the run measured them", () => {
    const json = run();
    expect(renderPage(json)).not.toContain("waits for");
    Object.assign(json.overhead, {
      wall: {
        rounds: 7,
        warmup: 2,
        rows: {
          apps: {
            set: "application corpus (2 applications)",
            files: 10,
            noneMs: 2000,
            addedMs: 240,
            ratio: 0.12,
            noiseMs: 20,
            noiseRatio: 0.01,
          },
          library: {
            set: "library corpus (3 packages)",
            files: 20,
            noneMs: 4000,
            addedMs: 200,
            ratio: 0.05,
            noiseMs: -40,
            noiseRatio: -0.01,
          },
        },
      },
    });
    const page = renderPage(json);
    expect(page).toContain(
      "| All rules vs no rules, application corpus, wall clock with V8's helper threads on (what an `eslint` run waits for) | +12.0% (240 ms of 2000 ms); noise +1.0%; no target |",
    );
    expect(page).toContain(
      "| All rules vs no rules, library corpus, wall clock with V8's helper threads on (what an `eslint` run waits for) | +5.0% (200 ms of 4000 ms); noise -1.0%; no target |",
    );
    expect(page).toContain(
      "**What an `eslint` run waits for:** the application corpus +12.0% (240 ms of 2000 ms; no rules again +1.0%), the library corpus +5.0% (200 ms of 4000 ms; no rules again -1.0%). The same interleaving, 2 warm-up + 7 rounds, in a plain `node` timed by the wall clock with V8's helper threads on, as ESLint runs.",
    );
  });

  it("takes the application corpus's added time apart when the run measured the floor under it", () => {
    const json = run();
    expect(renderPage(json)).not.toContain("go.**");
    Object.assign(json.overhead.targets.apps, { listenersOnly: { addedMs: 20, ratio: 0.02 } });
    Object.assign(json.overhead, {
      wall: {
        rounds: 7,
        warmup: 2,
        rows: { apps: { noneMs: 2000, addedMs: 240, ratio: 0.12, noiseRatio: 0.01, listenersOnly: { addedMs: 30, ratio: 0.015 } } },
      },
    });
    expect(renderPage(json)).toContain(
      "**Where the application corpus's 62.0 ms go.** Our rules with the same listeners on each file and nothing in them (ESLint creating our 2 rules for each file and calling their listeners, with no analysis at all) add 20.0 ms (+2.0%). Our listeners and `create` themselves take 20.0 ms by ESLint's `stats` (summed over the rules, see the per-rule table: a timer around each call, which also counts what compilation and garbage collection fall inside it). The rest, 22.0 ms, falls outside any listener: compilation and garbage collection that ours cause, which this clock counts on the one thread. With the wall clock and V8's helper threads on, the same floor is 30.0 ms (+1.5%).",
    );
  });

  it("counts a floor within the run's margin as nothing, and says so", () => {
    const json = run();
    Object.assign(json.overhead.targets.apps, { listenersOnly: { addedMs: -10, ratio: -0.01 } });
    expect(renderPage(json)).toContain(
      "with no analysis at all) add nothing this run can tell from noise: -10.0 ms (-1.0%), within the margin of ±1.5 points. Our listeners and `create` themselves take 20.0 ms by ESLint's `stats` (summed over the rules, see the per-rule table: a timer around each call, which also counts what compilation and garbage collection fall inside it). The rest, 42.0 ms, falls outside any listener",
    );
  });

  it("does not give the floor and our code more than the row they are part of", () => {
    const json = run();
    Object.assign(json.overhead.targets.apps, { addedMs: 30, listenersOnly: { addedMs: 20, ratio: 0.02 } });
    const page = renderPage(json);
    expect(page).toContain("**Where the application corpus's 30.0 ms go.**");
    expect(page).toContain(
      "Together they come to more than the row (they are measured in different runs), so this run leaves nothing to compilation and garbage collection.",
    );
    expect(page).not.toContain("The rest,");
  });

  it("says why the wall-clock rows are missing when the child run failed", () => {
    const json = run();
    Object.assign(json.overhead, { wall: { skipped: "scripts/bench/wall.js failed (status 1): out of memory" } });
    expect(renderPage(json)).toContain(
      "**What an `eslint` run waits for: not measured**, scripts/bench/wall.js failed (status 1): out of memory.",
    );
  });

  it("says so when the application corpus was skipped", () => {
    const page = renderPage(run({}, { skipped: "the application sources are not available" }));
    expect(page).toContain("| All rules vs no rules, application corpus | skipped: the application sources are not available |");
    expect(page).toContain("**Application corpus: skipped**, the application sources are not available.");
  });

  it("orders the per-rule table by the time on the application corpus", () => {
    const rows = renderPage(run())
      .split("\n")
      .filter((l) => l.startsWith("| `"));
    expect(rows.map((l) => l.split("|")[1].trim())).toEqual(["`no-unsafe-read-modify-write`", "`valid-sql-exec`"]);
  });

  it("warns at the top of a page from a quick or partial run", () => {
    const page = renderPage(run({ quick: true, knobs: { BENCH_QUICK: "1", BENCH_ONLY: "overhead" } }));
    expect(page).toContain(
      "> **Not a reference run:** a `BENCH_QUICK=1` run: fewer files and rounds everywhere, below the documented minimums; a partial run (`BENCH_ONLY=overhead`): scaling, typed, oxlint not measured.",
    );
    expect(renderPage(run({ scenarios: ALL_SCENARIOS }))).not.toContain("Not a reference run");
  });

  it("is committed from a full run", () => {
    const page = fs.readFileSync(path.join(root, "docs/performance.md"), "utf8");
    expect(page).toMatch(/^# Performance\n\n<!-- Generated by `npm run bench:page`/);
    expect(page).not.toContain("Not a reference run");
  });
});
