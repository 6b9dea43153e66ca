/**
 * The rule docs are part of the product: every rule has a page, the page has the sections every
 * page has, its examples really pass or fail the rule, and the generated parts (header, README
 * rules table, options list) are up to date.
 *
 * The last check runs `eslint-doc-generator --check`, which loads the plugin from the package's
 * `exports`, i.e. from dist/. `npm test` runs `npm run build` first; when running this file on its
 * own, build first (`npm run build && npx vitest run tests/docs.test.ts`).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser from "@typescript-eslint/parser";
import { type ESLint, Linter } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { rules } from "../src/rules.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Sections every rule page has, in this order (eslint-doc-generator's `ruleDocSectionInclude` names them too). */
const SECTIONS = [
  "## Why: what goes wrong at run time",
  "## Examples",
  "## Options",
  "## What the rule cannot see",
  "## When not to use it",
];
const NO_OPTIONS = "This rule has no options.";

interface Example {
  kind: "incorrect" | "correct";
  code: string;
  /** 1-based line of the example's first code line in the page. */
  line: number;
}

/** Every `<!-- example: … -->` marker with the ```ts block on the next line. */
function examples(markdown: string): { found: Example[]; markers: number } {
  const markers = (markdown.match(/<!-- example: (?:incorrect|correct) -->/g) ?? []).length;
  const found: Example[] = [];
  const re = /<!-- example: (incorrect|correct) -->\n```ts\n([\s\S]*?)\n```\n/g;
  for (const m of markdown.matchAll(re)) {
    const line = markdown.slice(0, m.index).split("\n").length + 2;
    found.push({ kind: m[1] as Example["kind"], code: `${m[2]}\n`, line });
  }
  return { found, markers };
}

/**
 * Where a rule's examples are linted: `example.ts` in the repo's root (no wrangler config), or, for
 * a page with a `<!-- test: wrangler-config -->` block, a file in `src/` of a scratch folder (in
 * `.cache/`) that holds that block as its `wrangler.jsonc`: the page shows the config its examples
 * are linted with.
 */
const exampleFiles = new Map<string, string>();
function exampleFile(ruleName: string): string {
  let file = exampleFiles.get(ruleName);
  if (file) return file;
  const page = fs.readFileSync(path.join(root, "docs/rules", `${ruleName}.md`), "utf8");
  const block = /<!-- test: wrangler-config -->\n```jsonc\n([\s\S]*?)```/.exec(page);
  file = "example.ts";
  if (block) {
    // Inside the repo, where ESLint's `files` patterns match (a file outside its cwd matches no config).
    fs.mkdirSync(path.join(root, ".cache"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(root, ".cache", `docs-${ruleName}-`));
    fs.writeFileSync(path.join(dir, "wrangler.jsonc"), block[1]);
    file = path.join(dir, "src/example.ts");
  }
  exampleFiles.set(ruleName, file);
  return file;
}

afterAll(() => {
  for (const file of exampleFiles.values())
    if (file !== "example.ts") fs.rmSync(path.dirname(path.dirname(file)), { recursive: true, force: true });
});

function lint(ruleName: string, code: string): Linter.LintMessage[] {
  const linter = new Linter({ configType: "flat" });
  return linter.verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tsParser as Linter.Parser },
        plugins: { "durable-objects": plugin as unknown as ESLint.Plugin },
        rules: { [`durable-objects/${ruleName}`]: "error" },
      },
    ],
    exampleFile(ruleName),
  );
}

/** Names of the options a rule's schema declares (properties of its object options). */
function optionNames(schema: unknown): string[] {
  const items = Array.isArray(schema) ? schema : schema ? [schema] : [];
  const names: string[] = [];
  for (const item of items as { properties?: Record<string, unknown> }[]) {
    names.push(...Object.keys(item.properties ?? {}));
  }
  return names;
}

const ruleNames = Object.keys(rules) as (keyof typeof rules)[];

describe("rule docs", () => {
  it("covers every rule", () => {
    expect(ruleNames.length).toBeGreaterThan(0);
    const pages = fs.readdirSync(path.join(root, "docs/rules")).filter((f) => f.endsWith(".md"));
    expect(pages.sort()).toEqual(ruleNames.map((n) => `${n}.md`).sort());
  });

  describe.each(ruleNames)("%s", (name) => {
    const rule = rules[name];
    const page = path.join(root, "docs/rules", `${name}.md`);
    const read = (): string => fs.readFileSync(page, "utf8");

    it("has a page at docs/rules/<name>.md", () => {
      expect(fs.existsSync(page), `missing ${path.relative(root, page)}`).toBe(true);
    });

    it("has meta.docs.url pointing at its page", () => {
      const url = (rule.meta.docs as { url?: string }).url;
      expect(url).toBeDefined();
      expect(url!.endsWith(`docs/rules/${name}.md`)).toBe(true);
    });

    it("has the standard sections, in order", () => {
      const text = read();
      const lines = text.split("\n");
      const positions = SECTIONS.map((s) => lines.indexOf(s));
      for (const [i, s] of SECTIONS.entries()) expect(positions[i], `missing "${s}"`).toBeGreaterThanOrEqual(0);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      if (rule.meta.hasSuggestions) expect(lines).toContain("## Suggestions");
      expect(lines[0]).toMatch(/^# /);
    });

    it("documents its options", () => {
      const text = read();
      const options = text.slice(text.indexOf("\n## Options\n"), text.indexOf("\n## What the rule cannot see\n"));
      const names = optionNames(rule.meta.schema);
      if (names.length === 0) {
        expect(options).toContain(NO_OPTIONS);
      } else {
        expect(options).not.toContain(NO_OPTIONS);
        for (const option of names) expect(options, `option ${option}`).toContain(`\`${option}\``);
      }
    });

    it("has examples that really pass and fail the rule", () => {
      const { found, markers } = examples(read());
      expect(found.length, "every example marker is followed by a ```ts block").toBe(markers);
      expect(
        found.some((e) => e.kind === "incorrect"),
        "at least one incorrect example",
      ).toBe(true);
      expect(
        found.some((e) => e.kind === "correct"),
        "at least one correct example",
      ).toBe(true);
      for (const example of found) {
        const messages = lint(name, example.code);
        const where = `${example.kind} example at docs/rules/${name}.md:${example.line}`;
        const fatal = messages.filter((m) => m.fatal);
        expect(
          fatal.map((m) => `${m.line}:${m.column} ${m.message}`),
          `${where} parses`,
        ).toEqual([]);
        const reports = messages.filter((m) => m.ruleId === `durable-objects/${name}`);
        if (example.kind === "incorrect") {
          expect(reports.length, `${where} is reported`).toBeGreaterThan(0);
        } else {
          expect(
            reports.map((m) => `${m.line}:${m.column} ${m.message}`),
            `${where} is not reported`,
          ).toEqual([]);
        }
      }
    });
  });
});

describe("eslint-doc-generator", () => {
  it("finds the generated docs up to date (--check)", () => {
    const entry = path.join(root, "dist/src/index.js");
    if (!fs.existsSync(entry)) {
      throw new Error(
        "dist/src/index.js is missing: eslint-doc-generator loads the plugin from dist/. Run `npm run build` first (`npm test` does).",
      );
    }
    const bin = path.join(root, "node_modules/.bin/eslint-doc-generator");
    const result = spawnSync(bin, ["--check"], { cwd: root, encoding: "utf8" });
    expect(result.error).toBeUndefined();
    expect(result.status, `eslint-doc-generator --check failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
  });
});

/**
 * The versions the docs say the tests ran with are the versions they run with: the exact pins of
 * package.json, and the ESLint 9 that tests/integration installs. A version raised in package.json
 * without its docs fails here.
 */
describe("tested versions in the docs", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  const pin = (name: string) => pkg.devDependencies[name];
  const text = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
  const eslint9 = /export const ESLINT9_VERSION = "([\d.]+)";/.exec(text("tests/integration/helpers/eslint9.ts"))![1];

  it("pins every tool that a doc names a version of exactly", () => {
    for (const name of ["eslint", "oxlint", "@typescript-eslint/eslint-plugin", "@typescript-eslint/parser"]) {
      expect(pin(name), name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it.each([
    ["README.md", /tested with ESLint ([\d.]+) and ESLint 9 \(([\d.]+)\)/, () => [pin("eslint"), eslint9]],
    ["docs/oxlint.md", /Tested with oxlint ([\d.]+)\./, () => [pin("oxlint")]],
    ["docs/oxlint.md", /oxlint ([\d.]+) provides all of these/, () => [pin("oxlint")]],
    [
      "docs/no-floating-promises.md",
      /`no-floating-promises` \(typescript-eslint ([\d.]+)\)/,
      () => [pin("@typescript-eslint/eslint-plugin")],
    ],
  ] as const)("%s: %s", (file, pattern, expected) => {
    const match = pattern.exec(text(file));
    expect(match, `${file} no longer says ${pattern}`).not.toBeNull();
    expect(match!.slice(1)).toEqual(expected());
  });
});
