/**
 * oxlint with this plugin vs. ESLint with this plugin, on the same Durable Object corpus, as a
 * user runs them: each CLI as a process (start-up included), alternating rounds, medians and
 * min–max. Run by `npm run bench` after scripts/bench.js (needs dist/). Never asserts a time.
 *
 * Both run the 13 rules of `configs.all` and nothing else: ESLint with @typescript-eslint/parser,
 * oxlint with the plugin as a JS plugin (no type information in either). The findings are counted
 * on both sides, so a run where they disagree says so instead of comparing unlike work.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateDurableObjectFile } from "./bench-corpus.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist/src/index.js");
// Outside the repo: oxlint honours .gitignore, and .cache/ is ignored.
const work = path.join(os.tmpdir(), "eslint-plugin-durable-objects-bench-oxlint");
const ROUNDS = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 5));

const plugin = (await import(pathToFileURL(dist).href)).default;
const rules = plugin.configs.all.rules;

// The corpus: generated Durable Object files (as in scripts/bench.js) and the example's sources.
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, "src"), { recursive: true });
const sizes = [40, 60, 80, 100, 120];
sizes.forEach((methods, i) => fs.writeFileSync(path.join(work, "src", `generated-${i}.ts`), generateDurableObjectFile(methods, 1000 + i)));
const example = path.join(root, "examples/worker/src");
for (const f of fs.readdirSync(example))
  if (f.endsWith(".ts")) fs.copyFileSync(path.join(example, f), path.join(work, "src", `example-${f}`));
const files = fs.readdirSync(path.join(work, "src"));
const lines = files.reduce((n, f) => n + fs.readFileSync(path.join(work, "src", f), "utf8").split("\n").length, 0);

fs.writeFileSync(
  path.join(work, "eslint.config.mjs"),
  `import plugin from ${JSON.stringify(pathToFileURL(dist).href)};
import tsParser from ${JSON.stringify(pathToFileURL(path.join(root, "node_modules/@typescript-eslint/parser/dist/index.js")).href)};
export default [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, plugins: { "durable-objects": plugin }, rules: ${JSON.stringify(rules)} }];
`,
);
fs.writeFileSync(
  path.join(work, ".oxlintrc.json"),
  JSON.stringify({ plugins: [], categories: { correctness: "off" }, jsPlugins: [dist], rules }, null, 2),
);

const tools = {
  "ESLint 10 + plugin": () =>
    spawnSync(
      process.execPath,
      [path.join(root, "node_modules/eslint/bin/eslint.js"), "-c", "eslint.config.mjs", "--format", "json", "src"],
      { cwd: work, encoding: "utf8", maxBuffer: 64 << 20 },
    ),
  "oxlint + plugin (JS plugin)": () =>
    spawnSync(path.join(root, "node_modules/.bin/oxlint"), ["-c", ".oxlintrc.json", "--format", "json", "src"], {
      cwd: work,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    }),
};
const findings = {
  "ESLint 10 + plugin": (out) =>
    JSON.parse(out).reduce((n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith("durable-objects/")).length, 0),
  "oxlint + plugin (JS plugin)": (out) => JSON.parse(out).diagnostics.filter((d) => d.code?.startsWith("durable-objects(")).length,
};

const samples = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
const counts = {};
for (let round = -1; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(tools)) {
    const t = performance.now();
    const r = run();
    const ms = performance.now() - t;
    if (r.status !== 0 && r.status !== 1) {
      console.error(`${name} exited with ${r.status}:\n${r.stderr}`);
      process.exit(1);
    }
    counts[name] = findings[name](r.stdout);
    if (round >= 0) samples[name].push(ms); // round -1 warms the disk cache and the JIT of neither process: start-up is part of the cost
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const eslintMedian = median(samples["ESLint 10 + plugin"]);
console.log(
  `\n## oxlint vs ESLint, both with this plugin (${files.length} files, ${lines} lines; ${ROUNDS} alternating rounds after a warm-up; wall clock, process start-up included)\n`,
);
console.log("| tool | median ms | min–max ms | vs ESLint | findings |");
console.log("| :-- | --: | --: | --: | --: |");
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(
    `| ${name} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} | ${(m / eslintMedian).toFixed(2)}× | ${counts[name]} |`,
  );
}
if (counts["ESLint 10 + plugin"] !== counts["oxlint + plugin (JS plugin)"]) {
  console.log("\nThe two found a different number of findings: the times above are not of the same work.");
}
fs.mkdirSync(path.join(root, ".cache"), { recursive: true });
fs.writeFileSync(
  path.join(root, ".cache/bench-oxlint.json"),
  JSON.stringify({ files: files.length, lines, rounds: ROUNDS, samples, counts }, null, 2),
);
