/**
 * eslint-plugin-durable-objects: the plugin object and its flat configs.
 *
 * Configs are generated from each rule's own `meta.docs` (`recommended`, `strict`), never kept
 * by hand. The public types are ESLint's own (`ESLint.Plugin`, `Linter.Config`), so the plugin and
 * its configs fit `defineConfig()` from `eslint/config`, a plain `Linter.Config[]`, and
 * typescript-eslint's `tseslint.config()` in an `eslint.config.ts` (tests/types/).
 */
import type { ESLint, Linter } from "eslint";
import { type DurableObjectsRuleDocs, PACKAGE } from "./create-rule.js";
import { rules } from "./rules.js";

type Severity = "error" | "warn";
type RuleEntry = (typeof rules)[keyof typeof rules];

/** The files every shipped config applies to: JavaScript and TypeScript sources. */
const SOURCE_FILES = ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"];
/** The TypeScript sources among them: where `recommended-type-checked` turns type information on. */
const TYPESCRIPT_FILES = ["**/*.{ts,mts,cts,tsx}"];

/**
 * The shipped configs. A type alias, not an interface, so that it fits `ESLint.Plugin["configs"]`'s
 * index signature. `recommended-type-checked` is an array (rules for every source file, type
 * information for TypeScript files only), as typescript-eslint's type-checked configs are.
 */
export type DurableObjectsConfigs = {
  recommended: Linter.Config;
  "recommended-type-checked": Linter.Config[];
  strict: Linter.Config;
  all: Linter.Config;
};

export interface DurableObjectsPlugin extends ESLint.Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: Record<string, NonNullable<ESLint.Plugin["rules"]>[string]>;
  configs: DurableObjectsConfigs;
}

function select(pick: (docs: DurableObjectsRuleDocs) => Severity | false | undefined): Linter.RulesRecord {
  const out: Linter.RulesRecord = {};
  for (const [ruleName, rule] of Object.entries(rules) as [string, RuleEntry][]) {
    const severity = pick(rule.meta.docs as DurableObjectsRuleDocs);
    if (severity) out[`durable-objects/${ruleName}`] = severity;
  }
  return out;
}

const plugin: DurableObjectsPlugin = {
  meta: { name: PACKAGE.name, version: PACKAGE.version, namespace: "durable-objects" },
  // typescript-eslint's rule types (RuleCreator) and ESLint's describe the same objects with
  // different context types; ESLint's are the ones a config is checked against.
  rules: rules as unknown as DurableObjectsPlugin["rules"],
  configs: {} as DurableObjectsConfigs,
};

function config(configName: string, ruleSet: Linter.RulesRecord): Linter.Config {
  return {
    name: `durable-objects/${configName}`,
    files: SOURCE_FILES,
    plugins: { "durable-objects": plugin },
    rules: ruleSet,
  };
}

plugin.configs.recommended = config(
  "recommended",
  select((d) => d.recommended),
);
// The same rules for every source file, and type information for TypeScript files only: storage is
// then also recognised by its type (`DurableObjectStorage`, `SqlStorage`, …) where the code does not
// show where it came from. JavaScript files are linted as `recommended` lints them: a `.js` file is
// usually not in a tsconfig, and `projectService` would make it a parsing error.
plugin.configs["recommended-type-checked"] = [
  config(
    "recommended-type-checked",
    select((d) => d.recommended),
  ),
  {
    name: "durable-objects/recommended-type-checked/type-information",
    files: TYPESCRIPT_FILES,
    languageOptions: { parserOptions: { projectService: true } },
  },
];
plugin.configs.strict = config(
  "strict",
  select((d) => d.strict ?? d.recommended),
);
plugin.configs.all = config(
  "all",
  select((d) => d.strict ?? (d.recommended || "warn")),
);

// Only a default export: tools that `require()` the ESM build (eslint-doc-generator) take the namespace.
export default plugin;
