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
const { name, version } = require("../../package.json") as { name: string; version: string };

type Severity = "error" | "warn";
type RuleEntry = (typeof rules)[keyof typeof rules];

/** The files every shipped config applies to: JavaScript and TypeScript sources. */
export const SOURCE_FILES = ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"];

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
  configs: {} as Record<"recommended" | "strict" | "all", TSESLint.FlatConfig.Config>,
};

function config(configName: string, ruleSet: Record<string, Severity>): TSESLint.FlatConfig.Config {
  return {
    name: `durable-objects/${configName}`,
    files: SOURCE_FILES,
    plugins: { "durable-objects": plugin as unknown as TSESLint.FlatConfig.Plugin },
    rules: ruleSet,
  };
}

plugin.configs.recommended = config("recommended", select((d) => d.recommended));
plugin.configs.strict = config("strict", select((d) => d.strict ?? d.recommended));
plugin.configs.all = config(
  "all",
  select((d) => d.strict ?? (d.recommended || "warn")),
);

export default plugin;
export { rules };
