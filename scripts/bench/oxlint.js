/**
 * Scenario "oxlint": oxlint with this plugin vs ESLint with this plugin, on the same Durable Object
 * files, as a user runs them: each CLI as a process (start-up included), alternating rounds, wall
 * clock, medians and min–max.
 *
 * Both run the rules of `configs.all` and nothing else: ESLint with @typescript-eslint/parser,
 * oxlint with the plugin as a JS plugin (no type information in either). The findings are counted
 * on both sides, so a run where they disagree says so instead of comparing unlike work.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generateDurableObjectFile } from "../bench-corpus.js";
import { ROOT } from "./context.js";
import { median, ratio, summary } from "./lib.js";

const ESLINT = "ESLint + plugin";
const OXLINT = "oxlint + plugin (JS plugin)";

export function oxlint(ctx) {
  const { report, json, plugin, env } = ctx;
  const { print, section } = report;
  const dist = path.join(ROOT, "dist/src/index.js");
  // Outside the repo: oxlint honours .gitignore, and .cache/ is ignored.
  const work = path.join(os.tmpdir(), "eslint-plugin-durable-objects-bench-oxlint");
  const rounds = Math.max(5, env.rounds || 5);
  const rules = plugin.configs.all.rules;

  // The files: generated Durable Object code and the example's sources.
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(work, "src"), { recursive: true });
  [40, 60, 80, 100, 120].forEach((methods, i) =>
    fs.writeFileSync(path.join(work, "src", `generated-${i}.ts`), generateDurableObjectFile(methods, 1000 + i)),
  );
  const example = path.join(ROOT, "examples/worker/src");
  if (fs.existsSync(example))
    for (const f of fs.readdirSync(example))
      if (f.endsWith(".ts")) fs.copyFileSync(path.join(example, f), path.join(work, "src", `example-${f}`));
  const files = fs.readdirSync(path.join(work, "src"));
  const lines = files.reduce((n, f) => n + fs.readFileSync(path.join(work, "src", f), "utf8").split("\n").length, 0);

  fs.writeFileSync(
    path.join(work, "eslint.config.mjs"),
    `import plugin from ${JSON.stringify(pathToFileURL(dist).href)};
import tsParser from ${JSON.stringify(pathToFileURL(path.join(ROOT, "node_modules/@typescript-eslint/parser/dist/index.js")).href)};
export default [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, plugins: { "durable-objects": plugin }, rules: ${JSON.stringify(rules)} }];
`,
  );
  fs.writeFileSync(
    path.join(work, ".oxlintrc.json"),
    JSON.stringify({ plugins: [], categories: { correctness: "off" }, jsPlugins: [dist], rules }, null, 2),
  );

  const spawn = (command, args) => spawnSync(command, args, { cwd: work, encoding: "utf8", maxBuffer: 64 << 20 });
  const tools = {
    [ESLINT]: {
      run: () =>
        spawn(process.execPath, [
          path.join(ROOT, "node_modules/eslint/bin/eslint.js"),
          "-c",
          "eslint.config.mjs",
          "--format",
          "json",
          "src",
        ]),
      findings: (out) => JSON.parse(out).reduce((n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith("durable-objects/")).length, 0),
    },
    [OXLINT]: {
      run: () => spawn(path.join(ROOT, "node_modules/.bin/oxlint"), ["-c", ".oxlintrc.json", "--format", "json", "src"]),
      findings: (out) => JSON.parse(out).diagnostics.filter((d) => d.code?.startsWith("durable-objects(")).length,
    },
  };
  const samples = { [ESLINT]: [], [OXLINT]: [] };
  const counts = {};
  // Round -1 warms the disk cache, and the JIT of neither process: start-up is part of the cost.
  for (let round = -1; round < rounds; round++) {
    for (const [name, tool] of Object.entries(tools)) {
      const t = performance.now();
      const r = tool.run();
      const took = performance.now() - t;
      if (r.status !== 0 && r.status !== 1) throw new Error(`${name} exited with ${r.status}:\n${r.stderr}`);
      counts[name] = tool.findings(r.stdout);
      if (round >= 0) samples[name].push(took);
    }
  }

  section(
    `oxlint vs ESLint, both with this plugin (${files.length} files, ${lines} lines; ${rounds} alternating rounds after a warm-up; wall clock, process start-up included)`,
  );
  const eslintMedian = median(samples[ESLINT]);
  print("| tool | median ms | min–max ms | vs ESLint | findings |");
  print("| :-- | --: | --: | --: | --: |");
  for (const [name, xs] of Object.entries(samples)) {
    const m = median(xs);
    print(
      `| ${name} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} | ${ratio(m / eslintMedian)} | ${counts[name]} |`,
    );
  }
  const same = counts[ESLINT] === counts[OXLINT];
  if (!same) {
    print();
    print("The two found a different number of findings: the times above are not of the same work.");
    json.anomalies.push(`oxlint and ESLint disagree on the findings (${counts[OXLINT]} vs ${counts[ESLINT]})`);
  }
  json.oxlint = {
    files: files.length,
    lines,
    rounds,
    eslint: summary(samples[ESLINT]),
    oxlint: summary(samples[OXLINT]),
    ratio: median(samples[OXLINT]) / eslintMedian,
    findings: { eslint: counts[ESLINT], oxlint: counts[OXLINT] },
    sameFindings: same,
  };
}
