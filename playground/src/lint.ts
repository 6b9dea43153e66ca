/**
 * The playground's linting, without the page: ESLint's browser-safe `Linter` with
 * @typescript-eslint/parser and the plugin's own configs, bundled from src/. The build
 * (scripts/playground-build.js) runs this module's bundle in Node to print the first-lint time.
 */
import type { Linter as LinterTypes, Rule } from "eslint";
import { Linter } from "eslint/universal";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "../../src/index.js";
import { isCalendarDate } from "../../src/analysis/wrangler.js";

export const CONFIG_NAMES = ["recommended", "strict", "all"] as const;
export type ConfigName = (typeof CONFIG_NAMES)[number];

/** What the page's settings give: the shipped config, and what a wrangler config would say. */
export interface Settings {
  config: ConfigName;
  /** "YYYY-MM-DD", or "" for none (then the rules judge as they do with no wrangler config). */
  compatibilityDate: string;
  compatibilityFlags: string[];
}

export interface Suggestion {
  desc: string;
  /** Offsets into the linted text (UTF-16 code units, as CodeMirror counts). */
  from: number;
  to: number;
  text: string;
}

export interface Finding {
  /** `durable-objects/<rule>`, or undefined for a parsing error. */
  ruleId: string | undefined;
  severity: "error" | "warning";
  message: string;
  line: number;
  column: number;
  from: number;
  to: number;
  docsUrl: string | undefined;
  suggestions: Suggestion[];
}

/** The one file the playground lints. A name with no wrangler config above it (there are no files). */
export const FILENAME = "/playground.ts";

const PREFIX = "durable-objects/";
const linter = new Linter({ configType: "flat", cwd: "/" });
const rules = plugin.rules as Record<string, Rule.RuleModule>;

/** The rule's docs page (meta.docs.url: the page of this version's tag). */
export function docsUrl(ruleId: string | undefined): string | undefined {
  return ruleId?.startsWith(PREFIX) ? rules[ruleId.slice(PREFIX.length)]?.meta?.docs?.url : undefined;
}

/** The names of the rules the config turns on, without the `durable-objects/` prefix. */
export function rulesOf(config: ConfigName): string[] {
  return Object.keys(plugin.configs[config].rules ?? {}).map((id) => id.slice(PREFIX.length));
}

/** Whether a rule takes the wrangler-config overrides `compatibilityDate` / `compatibilityFlags` as options. */
function takesCompatibility(rule: Rule.RuleModule | undefined): boolean {
  const schema = rule?.meta?.schema;
  const first = (Array.isArray(schema) ? schema[0] : undefined) as { properties?: Record<string, unknown> } | undefined;
  return first?.properties?.compatibilityDate !== undefined && first.properties.compatibilityFlags !== undefined;
}

/**
 * The flat config for `settings`: the parser for TypeScript, the chosen shipped config, and the
 * compatibility date and flags as the options of every rule that takes them (as a user writes them
 * in eslint.config.js when the rule should not read wrangler.toml).
 */
export function configFor(settings: Settings): LinterTypes.Config[] {
  const shipped = plugin.configs[settings.config];
  const options: { compatibilityDate?: string; compatibilityFlags?: string[] } = {};
  if (settings.compatibilityDate !== "") options.compatibilityDate = settings.compatibilityDate;
  if (settings.compatibilityFlags.length > 0) options.compatibilityFlags = [...new Set(settings.compatibilityFlags)];
  const withOptions: LinterTypes.RulesRecord = {};
  if (Object.keys(options).length > 0) {
    for (const [id, severity] of Object.entries(shipped.rules ?? {})) {
      if (takesCompatibility(rules[id.slice(PREFIX.length)])) withOptions[id] = [severity as LinterTypes.RuleSeverity, options];
    }
  }
  return [
    { files: ["**/*.ts"], languageOptions: { parser: tsParser as LinterTypes.Parser } },
    shipped,
    { files: ["**/*.ts"], rules: withOptions },
  ];
}

/** Offset of a 1-based line and column in `text`. */
function offsetAt(lineStarts: number[], line: number, column: number, length: number): number {
  const start = lineStarts[Math.min(line, lineStarts.length) - 1] ?? 0;
  return Math.min(start + column - 1, length);
}

/**
 * Lints `code` under `settings`. Throws when the settings are not ones a rule takes: a compatibility
 * date that is not a day of the calendar (the rules' schema rejects it too), or any configuration
 * ESLint rejects, with ESLint's message.
 */
export function lint(code: string, settings: Settings): Finding[] {
  if (settings.compatibilityDate !== "" && !isCalendarDate(settings.compatibilityDate)) {
    throw new Error(`The compatibility date "${settings.compatibilityDate}" is not a day of the calendar: write it YYYY-MM-DD.`);
  }
  const messages = linter.verify(code, configFor(settings), FILENAME);
  const lineStarts = [0];
  for (let i = code.indexOf("\n"); i >= 0; i = code.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return messages.map((m) => {
    const from = offsetAt(lineStarts, m.line, m.column, code.length);
    const to = m.endLine === undefined ? from : Math.max(from, offsetAt(lineStarts, m.endLine, m.endColumn ?? m.column, code.length));
    return {
      ruleId: m.ruleId ?? undefined,
      severity: m.severity === 2 ? "error" : "warning",
      message: m.message,
      line: m.line,
      column: m.column,
      from,
      to,
      docsUrl: docsUrl(m.ruleId ?? undefined),
      suggestions: (m.suggestions ?? []).map((s) => ({ desc: s.desc, from: s.fix.range[0], to: s.fix.range[1], text: s.fix.text })),
    };
  });
}
