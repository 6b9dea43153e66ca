/** The shipped flat configs: names, files, rule sets from `meta.docs`, and what type information adds. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { rules } from "../src/rules.js";

const typedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/typed");
const SOURCE_FILES = ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"];

describe("configs", () => {
  it("are named flat configs for JS/TS sources, generated from each rule's meta.docs", () => {
    for (const name of ["recommended", "strict", "all"] as const) {
      const config = plugin.configs[name];
      expect(config.name).toBe(`durable-objects/${name}`);
      expect(config.files).toEqual(SOURCE_FILES);
      expect(config.plugins?.["durable-objects"]).toBe(plugin);
    }
    const recommended = Object.entries(rules)
      .filter(([, r]) => r.meta.docs?.recommended)
      .map(([n, r]) => [`durable-objects/${n}`, r.meta.docs?.recommended]);
    expect(Object.entries(plugin.configs.recommended.rules ?? {})).toEqual(recommended);
    expect(Object.keys(plugin.configs.all.rules ?? {})).toHaveLength(Object.keys(rules).length);
    expect(plugin.configs.strict.rules?.["durable-objects/no-unbounded-list"]).toBe("warn");
    expect(plugin.configs.recommended.rules?.["durable-objects/no-unbounded-list"]).toBeUndefined();
  });

  it("recommended-type-checked: recommended's rules for every source file, type information for TypeScript files only", () => {
    const [rulesPart, typesPart, ...rest] = plugin.configs["recommended-type-checked"];
    expect(rest).toEqual([]);
    expect(rulesPart).toEqual({ ...plugin.configs.recommended, name: "durable-objects/recommended-type-checked" });
    expect(typesPart).toEqual({
      name: "durable-objects/recommended-type-checked/type-information",
      files: ["**/*.{ts,mts,cts,tsx}"],
      languageOptions: { parserOptions: { projectService: true } },
    });
  });

  /** `line:rule` of each message (a parsing error shows as its text), linting `code` as `filename` in tests/fixtures/typed. */
  const lint = (config: Linter.Config | Linter.Config[], filename: string, code: string): string[] =>
    new Linter({ configType: "flat" })
      // The parser for every file, as typescript-eslint's `base` config sets it: the `.js` file
      // gets type information only if a config asks for it.
      .verify(
        code,
        [{ languageOptions: { parser: tsParser as Linter.Parser, parserOptions: { tsconfigRootDir: typedDir } } }, config].flat(),
        {
          filename: path.join(typedDir, filename),
        },
      )
      .map((m) => `${m.line}:${m.ruleId ?? m.message}`);

  it("recommended-type-checked turns type information on, so storage known only by its type is seen", () => {
    const code = `declare function getStorage(): DurableObjectStorage;
export async function save(a: number, b: number) {
  const s = getStorage();
  await s.put("a", a);
  await s.put("b", b);
}
`;
    expect(lint(plugin.configs.recommended, "file.ts", code)).toEqual([]);
    expect(lint(plugin.configs["recommended-type-checked"], "file.ts", code)).toEqual(["4:durable-objects/prefer-coalesced-writes"]);
  });

  it("recommended-type-checked lints a .js file outside every tsconfig as recommended does, without a parsing error", () => {
    const code = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async bump() {
    const n = (await this.ctx.storage.get("n")) ?? 0;
    await fetch("https://example.com");
    await this.ctx.storage.put("n", n + 1);
  }
}
`;
    const expected = ["4:durable-objects/no-unsafe-read-modify-write"];
    expect(lint(plugin.configs.recommended, "worker.js", code)).toEqual(expected);
    expect(lint(plugin.configs["recommended-type-checked"], "worker.js", code)).toEqual(expected);
    // What a type-information config for every file would do to the same file.
    const everywhere = { languageOptions: { parserOptions: { projectService: true } } };
    expect(lint([plugin.configs.recommended, everywhere], "worker.js", code)).toEqual([
      `undefined:Parsing error: ${path.join(typedDir, "worker.js")} was not found by the project service. ` +
        "Consider either including it in the tsconfig.json or including it in allowDefaultProject.",
    ]);
  });
});

describe("meta.languages", () => {
  // The smallest language ESLint accepts in a config: enough for ESLint to check which languages
  // the configured rules support, which it does before it parses anything.
  const text = {
    fileType: "text",
    lineStart: 1,
    columnStart: 0,
    nodeTypeKey: "type",
    validateLanguageOptions: () => undefined,
    parse: () => ({
      ok: true,
      ast: { type: "Document", range: [0, 0], loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } } },
    }),
    createSourceCode: () => {
      throw new Error("not reached");
    },
  };

  it("every rule declares JavaScript only: ESLint refuses a rule turned on for another language, naming it", () => {
    for (const rule of Object.values(rules)) expect(rule.meta.languages).toEqual(["js/js"]);
    const verify = () =>
      new Linter({ configType: "flat" }).verify(
        "# notes",
        [
          { plugins: { notes: { languages: { text } } as never } },
          { files: ["**/*.md"], language: "notes/text", rules: { "durable-objects/no-unbounded-list": "error" } },
          { plugins: { "durable-objects": plugin } },
        ],
        { filename: "README.md" },
      );
    expect(verify).toThrow(
      'Key "rules": The following rules do not support the language "notes/text":\n\t- "durable-objects/no-unbounded-list"',
    );
  });
});
