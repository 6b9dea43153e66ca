/**
 * Scenario "per-rule": each rule alone vs no rules (interleaved file by file, on the generated code
 * and the example), and ESLint's own per-rule timing (`stats`, all rules on) on every set of the
 * corpus, the library and application corpora each in a column of their own.
 */
import { makeConfig, shortName } from "./context.js";
import { gc, interleave, lineCount, median, ms, pct, range, summary, table } from "./lib.js";

export function perRule(ctx) {
  const { report, json, env, linter, RULE_IDS, NONE, ALL, ALONE, sets, doCorpus, lintFilesWithStats } = ctx;
  const { print, section } = report;
  const rounds = env.quick ? 2 : 3;
  const statsRounds = env.quick ? 2 : 3;
  section(
    `Per-rule share (each rule alone vs no rules, ${rounds} rounds, interleaved file by file; the code is warm from the overhead runs)`,
  );
  const doLines = doCorpus.reduce((a, f) => a + lineCount(f.text), 0);
  // `none2` is the same config as `none` again: its "added" time is a measurement of the noise.
  const configs = { none: NONE, none2: makeConfig({}), all: ALL };
  for (const id of RULE_IDS) configs[id] = ALONE[id];
  const { samples, added: addedOf } = interleave(linter, configs, doCorpus, { warmup: 0, rounds });
  const none = summary(samples.none);

  // ESLint's `stats` option works in-process: `Linter#verifyAndFix(…, { stats: true })` + `getTimes()`.
  // One pass lints every set; each set's times are kept apart.
  const passes = [];
  for (let r = 0; r < statsRounds + 1; r++) {
    gc();
    const pass = Object.fromEntries(sets.map((s) => [s.name, lintFilesWithStats("all", s.files)]));
    if (r > 0) passes.push(pass);
  }
  const statOf = (setNames, pick) => median(passes.map((pass) => setNames.reduce((a, n) => a + pick(pass[n]), 0)));
  const allNames = sets.map((s) => s.name);
  const columns = [ctx.setOf("library"), ctx.setOf("apps")].filter(Boolean);
  const bySet = Object.fromEntries(
    sets.map((s) => [
      s.name,
      {
        kind: s.kind,
        total: statOf([s.name], (x) => x.total),
        parse: statOf([s.name], (x) => x.parse),
        rules: Object.fromEntries(RULE_IDS.map((id) => [id, statOf([s.name], (x) => x.rules[id] ?? 0)])),
      },
    ]),
  );
  const statsTotal = statOf(allNames, (x) => x.total);
  const statsParse = statOf(allNames, (x) => x.parse);

  const rows = [];
  let sum = 0;
  let statsSum = 0;
  const colSums = columns.map(() => 0);
  for (const id of RULE_IDS) {
    const added = addedOf(id, "none");
    const st = statOf(allNames, (x) => x.rules[id] ?? 0);
    sum += added;
    statsSum += st;
    columns.forEach((c, k) => (colSums[k] += bySet[c.name].rules[id]));
    rows.push([
      shortName(id),
      ms(median(samples[id])),
      ms(added),
      pct(added / none.median),
      ...columns.map((c) => ms(bySet[c.name].rules[id])),
      ms(st),
      pct(st / statsTotal),
    ]);
    json.perRule[id] = { alone: summary(samples[id]), addedMs: added, shareOfNoRules: added / none.median, statsMs: st };
  }
  const allAdded = addedOf("all", "none");
  const nullAdded = addedOf("none2", "none");
  const blank = columns.map(() => "");
  rows.push(["(sum of the rules)", "", ms(sum), pct(sum / none.median), ...colSums.map(ms), ms(statsSum), pct(statsSum / statsTotal)]);
  rows.push(["all rules together", ms(median(samples.all)), ms(allAdded), pct(allAdded / none.median), ...blank, "", ""]);
  rows.push(["(no rules again: noise)", ms(median(samples.none2)), ms(nullAdded), pct(nullAdded / none.median), ...blank, "", ""]);
  rows.push([
    "(parse, per stats)",
    "",
    "",
    "",
    ...columns.map((c) => ms(bySet[c.name].parse)),
    ms(statsParse),
    pct(statsParse / statsTotal),
  ]);
  print(
    table(
      [
        "rule",
        "alone: median ms",
        "added ms",
        "% of no-rules time",
        ...columns.map((c) => `stats ms: ${c.kind === "library" ? "library" : "applications"}`),
        "stats ms (whole corpus)",
        "stats: % of total",
      ],
      rows,
    ),
  );
  print();
  print(
    `Rule alone = parser + that one rule, on the generated code and examples/worker (${doCorpus.length} files, ${doLines} lines); ` +
      `no rules there: median ${ms(none.median)} ms (min–max ${range(none)}). Each file is linted with no rules and with every rule alone in turn (rotating the order) before the next file; ` +
      '"added ms" = the sum over files of the median over rounds of (rule alone − no rules) for that file. ' +
      "ESLint's `TIMING` env var only works in the CLI, hence one rule at a time. Each rule alone also pays for the per-file Durable Object model (storage resolution, class facts) " +
      "that the rules share when run together, so the sum exceeds what all rules add together. " +
      '"No rules again" measures the same no-rules config a second time: its "added ms" is pure noise, and differences of that size mean nothing.',
  );
  print();
  print(
    `"stats" = ESLint's \`stats\` option, which the in-process Linter supports: \`linter.verifyAndFix(text, config, { filename, fix: false, stats: true })\`, then \`linter.getTimes()\` ` +
      `(all rules on, every set, median of ${statsRounds} passes after 1 warm-up; total ${ms(statsTotal)} ms${columns.map((c) => `, ${ms(bySet[c.name].total)} ms on the ${c.name}`).join("")}). ` +
      "It wraps every listener call in hrtime (a wall clock, its overhead included) and charges the shared model to whichever rule builds it first.",
  );
  json.perRule.none = none;
  json.perRule.sumAddedMs = sum;
  json.perRule.all = { samples: samples.all, addedMs: allAdded };
  json.perRule.noiseMs = nullAdded;
  json.perRule.corpus = { files: doCorpus.length, lines: doLines };
  json.stats = {
    total: statsTotal,
    parse: statsParse,
    rounds: statsRounds,
    rules: Object.fromEntries(RULE_IDS.map((id) => [id, json.perRule[id].statsMs])),
    bySet,
  };
}
