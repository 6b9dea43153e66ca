/**
 * Never crash: every rule of the plugin on code it was not written for — ESLint's and
 * typescript-eslint's own sources, Cloudflare's type declarations, this repo, odd-but-valid
 * Durable Object code and JSX — without and with type information.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const allRules = Object.fromEntries(Object.keys(plugin.rules).map((r) => [`durable-objects/${r}`, "error" as const]));

function files(dir: string, exts: string[], limit: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (out.length >= limit) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.some((x) => e.name.endsWith(x)) && fs.statSync(p).size < 400_000) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function lint(file: string, parserOptions: Record<string, unknown> = {}): Linter.LintMessage[] {
  const linter = new Linter({ configType: "flat" });
  return linter.verify(
    fs.readFileSync(file, "utf8"),
    [
      {
        files: ["**/*.{js,jsx,ts,tsx,mts,cts}"],
        linterOptions: { reportUnusedDisableDirectives: "off" },
        languageOptions: {
          parser: tsParser as Linter.Parser,
          parserOptions: { ecmaFeatures: { jsx: file.endsWith("x") }, ...parserOptions },
          sourceType: "module",
        },
        plugins: { "durable-objects": plugin as never },
        rules: allRules,
      },
    ],
    // Untyped linting needs no real path (and flat config would ignore one under node_modules/).
    { filename: Object.keys(parserOptions).length > 0 ? file : path.basename(file) },
  );
}

/** Lint problems that mean the rule (or the parse) blew up, rather than a finding. */
const crashes = (messages: Linter.LintMessage[]) => messages.filter((m) => m.fatal || m.ruleId === null);

const corpus = [
  ...files(path.join(root, "node_modules/eslint/lib"), [".js"], 250),
  ...files(path.join(root, "node_modules/@typescript-eslint/utils/dist"), [".js", ".d.ts"], 80),
  ...files(path.join(root, "node_modules/@cloudflare/workers-types/experimental"), [".d.ts"], 2),
  ...files(path.join(root, "src"), [".ts"], 100),
  ...files(path.join(root, "rules"), [".ts"], 100),
  path.join(root, "tests/fixtures/typed/odd.ts"),
  path.join(root, "tests/fixtures/typed/cycles.ts"),
  path.join(root, "tests/fixtures/odd.tsx"),
];

describe("no rule throws, without type information", () => {
  it(`lints ${corpus.length} unrelated and odd files`, () => {
    expect(corpus.length).toBeGreaterThan(200);
    const problems = corpus.flatMap((f) => crashes(lint(f)).map((m) => `${path.relative(root, f)}: ${m.message}`));
    expect(problems).toEqual([]);
  });

  it("still reports in odd code (the analysis ran, it did not just bail out)", () => {
    const ids = lint(path.join(root, "tests/fixtures/typed/odd.ts")).map((m) => m.ruleId);
    expect(ids).toContain("durable-objects/prefer-coalesced-writes");
    expect(ids).toContain("durable-objects/no-pragma-user-version");
    const tsx = lint(path.join(root, "tests/fixtures/odd.tsx")).map((m) => `${m.line}:${m.ruleId}`);
    expect(tsx).toEqual([]);
  });
});

describe("no rule throws, with type information", () => {
  it("lints this repo's sources and the odd fixtures through the TypeScript program", () => {
    const typed = [
      ...files(path.join(root, "src"), [".ts"], 100).map(
        (f) => [f, { project: path.join(root, "tsconfig.json"), tsconfigRootDir: root }] as const,
      ),
      ...["odd.ts", "cycles.ts"].map(
        (f) =>
          [
            path.join(root, "tests/fixtures/typed", f),
            { projectService: true, tsconfigRootDir: path.join(root, "tests/fixtures/typed") },
          ] as const,
      ),
    ];
    const problems = typed.flatMap(([f, opts]) => crashes(lint(f, opts)).map((m) => `${path.relative(root, f)}: ${m.message}`));
    expect(problems).toEqual([]);
  });
});
