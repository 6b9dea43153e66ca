/** The shipped flat configs: names, files, rule sets from `meta.docs`, and what type information adds. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { rules } from "../src/rules.js";

const typedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/typed");

describe("configs", () => {
  it("are named flat configs for JS/TS sources, generated from each rule's meta.docs", () => {
    for (const [name, config] of Object.entries(plugin.configs)) {
      expect(config.name).toBe(`durable-objects/${name}`);
      expect(config.files?.length).toBeGreaterThan(0);
      expect(config.plugins?.["durable-objects"]).toBe(plugin);
    }
    const recommended = Object.entries(rules)
      .filter(([, r]) => r.meta.docs?.recommended)
      .map(([n, r]) => [`durable-objects/${n}`, r.meta.docs?.recommended]);
    expect(Object.entries(plugin.configs.recommended.rules ?? {})).toEqual(recommended);
    expect(plugin.configs["recommended-type-checked"].rules).toEqual(plugin.configs.recommended.rules);
    expect(Object.keys(plugin.configs.all.rules ?? {})).toHaveLength(Object.keys(rules).length);
    expect(plugin.configs.strict.rules?.["durable-objects/no-unbounded-list"]).toBe("warn");
    expect(plugin.configs.recommended.rules?.["durable-objects/no-unbounded-list"]).toBeUndefined();
  });

  it("recommended-type-checked turns type information on, so storage known only by its type is seen", () => {
    const code = `declare function getStorage(): DurableObjectStorage;
export async function save(a: number, b: number) {
  const s = getStorage();
  await s.put("a", a);
  await s.put("b", b);
}
`;
    const lint = (config: Linter.Config) =>
      new Linter({ configType: "flat" })
        .verify(code, [{ languageOptions: { parser: tsParser as Linter.Parser, parserOptions: { tsconfigRootDir: typedDir } } }, config], {
          filename: path.join(typedDir, "file.ts"),
        })
        .map((m) => `${m.line}:${m.ruleId ?? m.message}`);
    expect(lint(plugin.configs.recommended as Linter.Config)).toEqual([]);
    expect(lint(plugin.configs["recommended-type-checked"] as Linter.Config)).toEqual(["4:durable-objects/prefer-coalesced-writes"]);
  });
});
