/**
 * Scenario "typed": untyped vs typed linting (`parserOptions.projectService`), all rules and none,
 * interleaved file by file, on examples/worker (or a generated temporary project when it has no
 * tsconfig.json); also whether the findings are the same with and without types.
 */
import fs from "node:fs";
import path from "node:path";
import { generateWithManifest } from "../bench-corpus.js";
import { ROOT, makeConfig, shortName } from "./context.js";
import { interleave, lineCount, ms, range, ratio, summary, table } from "./lib.js";

export function typed(ctx) {
  const { report, json, linter, NONE, ALL, ALL_RULES, RULE_IDS, lintFiles, exampleFiles } = ctx;
  const { print, section } = report;
  const EXAMPLE_DIR = ctx.exampleDir;

  const TYPED_ROUNDS = 3;
  section(`Type information (untyped vs typed, all rules and none, 1 warm-up + ${TYPED_ROUNDS} rounds, interleaved file by file)`);
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
  const { samples, added: addedOf } = interleave(
    linter,
    { untypedNone: NONE, untyped: ALL, typedNone: TYPED_NONE, typed: TYPED_ALL },
    files,
    {
      warmup: 1,
      rounds: TYPED_ROUNDS,
    },
  );
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
