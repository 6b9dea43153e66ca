import { createRequire } from "node:module";
import { ESLintUtils, type TSESLint } from "@typescript-eslint/utils";

/** Extra `meta.docs` fields every rule of this plugin declares; configs are generated from them. */
export interface DurableObjectsRuleDocs {
  description: string;
  /** Which shipped config turns the rule on, and at what severity. */
  recommended: "error" | "warn" | false;
  /** In `strict` (everything in `recommended`, plus rules whose precision on real code is not yet proven). */
  strict?: "error" | "warn";
  /** Whether the rule can use type information when the parser provides it. */
  requiresTypeChecking?: false;
}

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
export const PACKAGE = ownPackage();

export const REPO_URL = "https://github.com/eslint-plugin-durable-objects/eslint-plugin-durable-objects";

/**
 * A rule's docs page for the installed version: the page at the release's tag (`v<version>`), so
 * that an editor's link or a SARIF `helpUri` shows the rule as this version has it, not as `main`
 * has it now. The same page ships in the package (`docs/rules/<name>.md`) for reading offline.
 */
export const docsUrl = (name: string): string => `${REPO_URL}/blob/v${PACKAGE.version}/docs/rules/${name}.md`;

/**
 * The languages every rule lints (ESLint 10.2's `meta.languages`): JavaScript, which includes
 * TypeScript through its parser. A rule turned on for Markdown, JSON or CSS then gets ESLint's
 * configuration error ("The following rules do not support the language …") instead of running on
 * an AST it does not know. Older ESLint versions and oxlint ignore the field.
 */
export const RULE_LANGUAGES = ["js/js"];

const ruleCreator = ESLintUtils.RuleCreator<DurableObjectsRuleDocs>(docsUrl);

/** typescript-eslint's `RuleCreator`, with the docs URL above and `meta.languages` on every rule. */
export const createRule: typeof ruleCreator = (rule) => ruleCreator({ ...rule, meta: { languages: RULE_LANGUAGES, ...rule.meta } });

/** The context a rule's `create` gets: the type a rule's per-file class keeps it as. */
export type RuleContext<MessageIds extends string, Options extends readonly unknown[] = []> = Readonly<
  TSESLint.RuleContext<MessageIds, Options>
>;
