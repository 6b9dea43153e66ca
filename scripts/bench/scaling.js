/**
 * Scenario "scaling": lint time against file size (1×, 10×, 100× the methods in one class, and the
 * 100× over 10 classes) and against the length of one function (blocks in one async method), all
 * rules vs none, alternated; per rule, ESLint `stats` at each size, and rules whose time grows
 * faster than the code timed again alone, which decides whether a rule is superlinear.
 */
import { longCase, shortName } from "./context.js";
import { alternate, exponent, gc, growth, ms, pairedDiff, pct, range, ratio, summary, table } from "./lib.js";

export function scaling(ctx) {
  const { report, json, env, NONE, ALL, ALONE, RULE_IDS, lintFiles, lintFilesWithStats, scaleCases, longCases } = ctx;
  const { print, section, elapsed } = report;
  const QUICK = env.quick;
  const BASE_METHODS = env.baseMethods;
  const LONG = ctx.longSizes;
  const LONG_CONFIRM = QUICK ? 1200 : 1500; // suspects only: a quadratic term needs size to stand out
  const repeat = (c) => Array.from({ length: c.reps ?? 1 }, () => c);

  const SCALE_ROUNDS = QUICK ? 2 : 4;
  const STATS_PASSES = QUICK ? 1 : 2;
  const SUSPECT = 1.2; // exponent k in time ∝ size^k: over a 10× step, 1.2 means the cost per unit grew 1.6×
  const SUPERLINEAR = 1.3;
  const CONFIRM_PASSES = QUICK ? 1 : 3;

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
  /** The headers of `timingCells`' columns. */
  const TIMING_HEADERS = ["no rules ms", "min–max", "all rules ms", "min–max", "rule time ms", "overhead"];
  const timingCells = (e) => [
    ms(e.none.median),
    range(e.none),
    ms(e.all.median),
    range(e.all),
    ms(e.ruleMs),
    pct(e.ruleMs / e.none.median),
  ];

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
      const verdict = superlinear
        ? "superlinear"
        : suspect
          ? "linear when alone"
          : !Number.isFinite(kAll)
            ? "too small to tell"
            : kAll > SUSPECT
              ? "too small to matter"
              : "linear";
      verdicts[id] = {
        sizes: results.map((r) => r.size),
        statsAll: results.map((r) => r.stats[id]),
        exponentAll: kAll,
        suspect,
        aloneSizes: [cs.size, cl.size],
        statsAlone: suspect ? [aloneSmall, aloneLarge] : undefined,
        exponentAlone: kAlone,
        superlinear,
        verdict,
      };
      rows.push([
        shortName(id),
        ...results.map((r) => ms(r.stats[id])),
        ratio(l.stats[id] / s.stats[id]),
        exponent(kAll),
        suspect ? `${ms(aloneSmall)} → ${ms(aloneLarge)}` : "",
        suspect ? exponent(kAlone) : "",
        superlinear ? `**${verdict}**` : verdict,
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
          ...TIMING_HEADERS,
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
  section(
    `Scaling with the length of one function (${LONG.join(" → ")} blocks in one async method, ${LONG_ROUNDS} rounds after a warm-up)`,
  );
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
    print(table(["method body", "lines", "reps", ...TIMING_HEADERS, "step", "rule µs/block", "stats: rules ms", "stats step"], rows));
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
}
