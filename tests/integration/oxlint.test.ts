/**
 * The plugin as an oxlint JS plugin (`jsPlugins` in .oxlintrc.json), compared with ESLint 10 on
 * the same files and the same rule settings:
 *
 * - the example: the same findings (rule, start, end, severity, message);
 * - the rules' own test cases (tests/rules/*.test.ts, collected, not run) plus ~350 files of
 *   unrelated code: no crash, and the same findings as ESLint without type information. Against
 *   what RuleTester expects, only the cases that need type information differ (listed below);
 * - `settings["durable-objects"]` reaches the rules;
 * - `oxlint --fix-suggestions` (and `--fix-dangerously`) applies the first suggestion of every
 *   finding, unreviewed; `--fix` applies nothing.
 *
 * docs/oxlint.md describes these differences for users.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testedBlock } from "./helpers/docs.js";
import { eslintCli, findings, rel, type Finding } from "./helpers/findings.js";
import { oxFindings, oxlint, oxlintConfig, writeConfig, type OxFinding } from "./helpers/oxlint.js";
import { EXAMPLE_FILES, bin, distEntry, distEntryUrl, exampleDir, repoRoot } from "./helpers/paths.js";
import { collectRuleCases, type RuleCase } from "./helpers/rule-cases.js";
import { exampleConfigImports, removeScratch, scratchExample } from "./helpers/scratch.js";

// The rule test files are imported only to collect their cases.
vi.mock("../helpers/rule-tester.js", async () => (await import("./helpers/rule-cases.js")).captureRunner);
vi.mock("@typescript-eslint/rule-tester", async () => ({ RuleTester: (await import("./helpers/rule-cases.js")).CaptureRuleTester }));

/**
 * The rule test cases whose expected findings need type information: oxlint gives rules no
 * parser services, so (like ESLint without `parserOptions.projectService`) it reports nothing
 * where storage is known only by its TypeScript type.
 */
const NEED_TYPES = [
  "no-async-transaction-sync invalid: with type information: storage known only by its type",
  "no-unawaited-storage-read invalid: with type information: storage known only by its type",
  "no-unsupported-pragma invalid: with type information: a handle known only by its type",
];

interface Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: Record<string, unknown>;
  configs: Record<string, { rules: Record<string, string> }>;
}

let plugin: Plugin;
/** ESLint 10 on the example (its own config). */
let exampleResults: ESLint.LintResult[];
let allRules: Record<string, string>;
let tmp: string;
const scratch: string[] = [];

/** What both tools report, without ESLint's extras (suggestions). */
const strip = (f: Finding | OxFinding) => ({
  file: f.file,
  line: f.line,
  column: f.column,
  endLine: f.endLine,
  endColumn: f.endColumn,
  ruleId: f.ruleId,
  severity: f.severity,
  message: f.message,
});

beforeAll(async () => {
  plugin = ((await import(distEntryUrl)) as { default: Plugin }).default;
  allRules = Object.fromEntries(Object.keys(plugin.rules).map((r) => [`durable-objects/${r}`, "error"]));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "do-oxlint-"));
  exampleResults = eslintCli(bin("eslint"), ["src"], exampleDir).results;
});

afterAll(() => {
  removeScratch(tmp);
  for (const dir of scratch) removeScratch(dir);
});

describe("oxlint on examples/worker, configured as docs/oxlint.md says", () => {
  let ox: OxFinding[];
  let fromTs: OxFinding[];
  let es: Finding[];
  let oxMs: number;
  let linted: number;
  let oxlintrc: { jsPlugins: string[]; rules: Record<string, string> };

  beforeAll(() => {
    // The docs' .oxlintrc.json, with the plugin by path (no package install here) and oxlint's own
    // rules off, so that only this plugin reports.
    oxlintrc = JSON.parse(testedBlock("oxlint.md", "oxlintrc")) as typeof oxlintrc;
    const r = oxlint(writeConfig(tmp, oxlintConfig(oxlintrc.rules)), ["src"], exampleDir);
    ox = oxFindings(exampleDir, r.diagnostics);
    oxMs = r.run.ms;
    linted = (JSON.parse(r.run.stdout) as { number_of_files: number }).number_of_files;
    // The docs' oxlint.config.ts (types-free, so it runs as .mjs on Node 20), the same way.
    const ts = testedBlock("oxlint.md", "oxlint-config-ts");
    const mjs = ts
      .replace('from "oxlint";', `from ${JSON.stringify(pathToFileURL(path.join(repoRoot, "node_modules/oxlint/dist/index.js")).href)};`)
      .replace('from "eslint-plugin-durable-objects";', `from ${JSON.stringify(distEntryUrl)};`)
      .replace(
        'jsPlugins: ["eslint-plugin-durable-objects"],',
        `plugins: [], categories: { correctness: "off" }, jsPlugins: [${JSON.stringify(distEntry)}],`,
      );
    expect(mjs).not.toContain('"eslint-plugin-durable-objects"');
    fs.writeFileSync(path.join(tmp, "oxlint.config.mjs"), mjs);
    fromTs = oxFindings(exampleDir, oxlint(path.join(tmp, "oxlint.config.mjs"), ["src"], exampleDir).diagnostics);
    es = findings(exampleDir, exampleResults);
  });

  it("the docs' .oxlintrc.json loads the plugin by package name and lists exactly configs.recommended", () => {
    expect(oxlintrc.jsPlugins).toEqual(["eslint-plugin-durable-objects"]);
    expect(oxlintrc.rules).toEqual(plugin.configs.recommended.rules);
  });

  it("loads the plugin (meta.name, rules under its namespace) and lints every source file", () => {
    expect(plugin.meta).toMatchObject({ name: "eslint-plugin-durable-objects", namespace: "durable-objects" });
    expect(linted).toBe(EXAMPLE_FILES.length);
    expect(ox.filter((f) => f.ruleId === null)).toEqual([]);
  });

  it("reports exactly what ESLint reports: rule, start and end, severity, message", () => {
    expect(es.length).toBeGreaterThan(0);
    expect(ox.map(strip)).toEqual(es.map(strip));
    expect(oxMs).toBeLessThan(30_000);
  });

  it("the docs' oxlint.config.ts (rules from configs.recommended) reports the same", () => {
    expect(fromTs.map(strip)).toEqual(ox.map(strip));
  });
});

/** The wrangler config the plugin would read for a file in `dir` (the nearest, below the repo root). */
function nearestWrangler(dir: string): string | undefined {
  for (let d = dir; d.startsWith(repoRoot) && d !== repoRoot; d = path.dirname(d)) {
    for (const name of ["wrangler.json", "wrangler.jsonc", "wrangler.toml"]) {
      if (fs.existsSync(path.join(d, name))) return path.join(d, name);
    }
  }
  return undefined;
}

/** Up to `limit` files under `dir` (sorted walk) ending in one of `exts`, as crash.test.ts picks them. */
function someFiles(dir: string, exts: string[], limit: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= limit) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.some((x) => e.name.endsWith(x)) && fs.statSync(p).size < 400_000) out.push(p);
    }
  };
  walk(dir);
  return out;
}

type Report = Omit<ReturnType<typeof strip>, "file">;
const caseKey = (c: RuleCase): string => `${c.rule} ${c.kind}: ${c.name}`;

describe("oxlint on the rules' own test cases and on unrelated code", () => {
  let cases: RuleCase[];
  let corpus: string;
  let ox: OxFinding[];
  let es: Finding[];
  let eslintResults: ESLint.LintResult[];
  /** Corpus-relative file of each rule case. */
  const caseOf = new Map<string, RuleCase>();
  let foreign = 0;
  let ownFiles = 0;

  beforeAll(async () => {
    cases = await collectRuleCases();
    corpus = path.join(tmp, "corpus");
    // Each case runs its own rule (with its options, if any); the other code runs every rule. Both
    // tools get the same settings.
    const overrides: { files: string[]; rules: Record<string, unknown> }[] = [
      { files: ["foreign/**"], rules: allRules },
      ...Object.keys(plugin.rules).map((r) => ({ files: [`cases/${r}/**`], rules: { [`durable-objects/${r}`]: "error" } })),
    ];
    for (const c of cases) {
      const dir = path.join(corpus, "cases", c.rule, `${c.kind}-${c.index}`);
      // A case whose file lies under a fixture's wrangler config gets a copy of that config, at
      // the same place relative to the file.
      const wrangler = c.filename && path.isAbsolute(c.filename) ? nearestWrangler(path.dirname(c.filename)) : undefined;
      const file = path.join(dir, wrangler ? path.relative(path.dirname(wrangler), c.filename!) : path.basename(c.filename ?? "file.ts"));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, c.code);
      if (wrangler) fs.copyFileSync(wrangler, path.join(dir, path.basename(wrangler)));
      const relFile = rel(corpus, file);
      caseOf.set(relFile, c);
      if (c.options.length > 0) overrides.push({ files: [relFile], rules: { [`durable-objects/${c.rule}`]: ["error", ...c.options] } });
    }
    // Code the rules were not written for, as tests/crash.test.ts lints it: copied, as oxlint
    // skips node_modules
    const sources = [
      ...someFiles(path.join(repoRoot, "node_modules/eslint/lib"), [".js"], 250),
      ...someFiles(path.join(repoRoot, "node_modules/@typescript-eslint/utils/dist"), [".js", ".d.ts"], 80),
      ...someFiles(path.join(repoRoot, "src"), [".ts"], 100),
      ...someFiles(path.join(repoRoot, "rules"), [".ts"], 100),
      path.join(repoRoot, "tests/fixtures/typed/odd.ts"),
      path.join(repoRoot, "tests/fixtures/odd.tsx"),
    ];
    for (const src of sources) {
      // (and not under a node_modules/ directory, which ESLint ignores)
      const dest = path.join(corpus, "foreign", path.relative(repoRoot, src).replace(/^node_modules\//, "deps/"));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(src, dest);
    }
    foreign = sources.length;
    ownFiles = sources.filter((f) => !path.relative(repoRoot, f).startsWith("node_modules")).length;

    const config = writeConfig(corpus, {
      ...oxlintConfig({}, { overrides }),
      ignorePatterns: ["eslint.config.mjs", ".oxlintrc.json"],
    });
    ox = oxFindings(corpus, oxlint(config, ["."], corpus, 60_000).diagnostics);
    fs.writeFileSync(
      path.join(corpus, "eslint.config.mjs"),
      `${exampleConfigImports()}

export default [
  {
    files: ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"],
    linterOptions: { reportUnusedDisableDirectives: "off" },
    languageOptions: { parser: tsParser },
    plugins: { "durable-objects": durableObjects },
  },
  ...${JSON.stringify(overrides)},
];
`,
    );
    // ESLint on the cases and on this repo's code; third-party code only under oxlint (its inline
    // directives name rules that ESLint would need the plugins of).
    eslintResults = eslintCli(
      bin("eslint"),
      ["--no-warn-ignored", "cases", "foreign/src", "foreign/rules", "foreign/tests"],
      corpus,
    ).results;
    es = findings(corpus, eslintResults);
  }, 120_000);

  it("collects every rule's cases", () => {
    expect([...new Set(cases.map((c) => c.rule))].sort()).toEqual(Object.keys(plugin.rules).sort());
    expect(cases.length).toBeGreaterThan(300);
    expect(foreign).toBeGreaterThan(300);
  });

  it("never crashes (no 'Error running JS plugin'), and neither does ESLint", () => {
    expect(ox.filter((f) => f.ruleId === null)).toEqual([]);
    expect(eslintResults.flatMap((r) => r.messages.filter((m) => m.fatal || m.ruleId === null))).toEqual([]);
    expect(eslintResults.length).toBe(cases.length + ownFiles);
  });

  it("reports exactly what ESLint reports without type information, on every file", () => {
    expect(ox.length).toBeGreaterThan(200);
    const compared = ox.filter((f) => !f.file.startsWith("foreign/deps/"));
    expect(compared.map(strip)).toEqual(es.map(strip));
  });

  it("misses, of what RuleTester expects with type information, exactly the findings that need it", () => {
    // Without types oxlint equals ESLint (above); whether those results are right is the rule
    // tests' business. Here: which typed cases lose their expected findings under oxlint.
    const byCase = new Map<RuleCase, Report[]>();
    for (const f of ox) {
      const c = caseOf.get(f.file);
      if (!c || f.ruleId !== `durable-objects/${c.rule}`) continue;
      const { file: _file, ...report } = strip(f);
      byCase.set(c, [...(byCase.get(c) ?? []), report]);
    }
    const typed = cases.filter((c) => c.typed);
    expect(typed.length).toBeGreaterThanOrEqual(NEED_TYPES.length);
    const differ = typed
      .filter((c) => {
        const got = byCase.get(c) ?? [];
        const want = c.kind === "invalid" ? c.errors : [];
        return !(
          got.length === want.length &&
          want.every((e, i) => (e.line === undefined || e.line === got[i].line) && (e.column === undefined || e.column === got[i].column))
        );
      })
      .map(caseKey);
    expect(differ).toEqual(NEED_TYPES);
    // …and they lose all of them: no partial or different report.
    for (const name of NEED_TYPES) expect(byCase.get(typed.find((c) => caseKey(c) === name)!) ?? []).toEqual([]);
  });
});

describe("oxlint settings and suggestions", () => {
  it('passes settings["durable-objects"] (baseClasses) to the rules, as ESLint does', () => {
    const dir = fs.mkdtempSync(path.join(tmp, "settings-"));
    fs.writeFileSync(
      path.join(dir, "kit.ts"),
      `import { BaseObject } from "@acme/do-kit";\nexport class X extends BaseObject {\n  async m() {\n    await this.ctx.storage.put("a", 1);\n    await this.ctx.storage.put("b", 2);\n  }\n}\n`,
    );
    const settings = { "durable-objects": { baseClasses: { "@acme/do-kit": ["BaseObject"] } } };
    const rules = { "durable-objects/prefer-coalesced-writes": "warn" };
    const lint = (extra: Record<string, unknown>) =>
      oxFindings(dir, oxlint(writeConfig(dir, oxlintConfig(rules, extra)), ["kit.ts"], dir).diagnostics).map(
        (f) => `${f.line}:${f.column} ${f.ruleId}`,
      );
    expect(lint({ settings })).toEqual(["4:5 durable-objects/prefer-coalesced-writes"]);
    expect(lint({})).toEqual([]);
  });

  it("--fix-suggestions and --fix-dangerously apply the first suggestion of every finding at once; --fix applies none (no rule has an autofix)", () => {
    const dir = scratchExample("oxlint-fix");
    const dangerous = scratchExample("oxlint-fix-dangerously");
    scratch.push(dir, dangerous);
    const config = writeConfig(dir, oxlintConfig(plugin.configs.recommended.rules));
    const before = new Map(EXAMPLE_FILES.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

    oxlint(config, ["--fix", "src"], dir);
    for (const f of EXAMPLE_FILES) expect(fs.readFileSync(path.join(dir, f), "utf8"), f).toBe(before.get(f));

    // What ESLint's suggestions give when the first one of each finding is applied.
    const expected = new Map(before);
    for (const r of exampleResults) {
      const file = rel(exampleDir, r.filePath);
      const fixes = r.messages.map((m) => m.suggestions?.[0]?.fix).filter((x) => x !== undefined);
      fixes.sort((a, b) => b.range[0] - a.range[0]);
      let text = expected.get(file)!;
      let limit = Infinity;
      for (const fix of fixes) {
        if (fix.range[1] > limit) continue; // overlapping: not applicable in the same pass
        text = text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
        limit = fix.range[0];
      }
      expected.set(file, text);
    }
    expect([...expected].filter(([f, t]) => t !== before.get(f)).length).toBeGreaterThan(0);

    const fixed = oxlint(config, ["--fix-suggestions", "src"], dir);
    expect(fixed.diagnostics).toEqual([]); // every finding was "fixed"
    for (const f of EXAMPLE_FILES) expect(fs.readFileSync(path.join(dir, f), "utf8"), f).toBe(expected.get(f));

    expect(oxlint(config, ["--fix-dangerously", "src"], dangerous).diagnostics).toEqual([]);
    for (const f of EXAMPLE_FILES) expect(fs.readFileSync(path.join(dangerous, f), "utf8"), f).toBe(expected.get(f));
  });
});
