/**
 * eslint-plugin-durable-objects: the plugin object and its flat configs.
 *
 * Configs are generated from each rule's own `meta.docs` (`recommended`, `strict`), never kept
 * by hand.
 */
import { createRequire } from "node:module";
import type { TSESLint } from "@typescript-eslint/utils";
import type { DurableObjectsRuleDocs } from "./create-rule.js";
import { rules } from "./rules.js";

const require = createRequire(import.meta.url);
/** The package's own package.json: two levels up from `dist/src/`, one from `src/` (tests run the sources). */
function ownPackage(): { name: string; version: string } {
  for (const rel of ["../../package.json", "../package.json"]) {
    try {
      const pkg = require(rel) as { name?: string; version?: string };
      if (pkg.name === "eslint-plugin-durable-objects" && pkg.version) return { name: pkg.name, version: pkg.version };
    } catch {
      // not at this level
    }
  }
  throw new Error("eslint-plugin-durable-objects: cannot find its package.json");
}
const { name, version } = ownPackage();

type Severity = "error" | "warn";
type RuleEntry = (typeof rules)[keyof typeof rules];

/** The files every shipped config applies to: JavaScript and TypeScript sources. */
const SOURCE_FILES = ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"];

function select(pick: (docs: DurableObjectsRuleDocs) => Severity | false | undefined): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  for (const [ruleName, rule] of Object.entries(rules) as [string, RuleEntry][]) {
    const severity = pick(rule.meta.docs as DurableObjectsRuleDocs);
    if (severity) out[`durable-objects/${ruleName}`] = severity;
  }
  return out;
}

const plugin = {
  meta: { name, version, namespace: "durable-objects" },
  rules: rules as unknown as Record<string, TSESLint.LooseRuleDefinition>,
  configs: {} as Record<"recommended" | "recommended-type-checked" | "strict" | "all", TSESLint.FlatConfig.Config>,
};

function config(configName: string, ruleSet: Record<string, Severity>): TSESLint.FlatConfig.Config {
  return {
    name: `durable-objects/${configName}`,
    files: SOURCE_FILES,
    plugins: { "durable-objects": plugin as unknown as TSESLint.FlatConfig.Plugin },
    rules: ruleSet,
  };
}

plugin.configs.recommended = config(
  "recommended",
  select((d) => d.recommended),
);
// The same rules with type information on for TypeScript files: storage is then also recognised by
// its type (`DurableObjectStorage`, `SqlStorage`, …) where the code does not show where it came from.
plugin.configs["recommended-type-checked"] = {
  ...config(
    "recommended-type-checked",
    select((d) => d.recommended),
  ),
  files: ["**/*.{ts,mts,cts,tsx}"],
  languageOptions: { parserOptions: { projectService: true } },
};
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
