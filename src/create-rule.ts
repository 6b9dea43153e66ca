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

export const REPO_URL = "https://github.com/eslint-plugin-durable-objects/eslint-plugin-durable-objects";

export const docsUrl = (name: string): string => `${REPO_URL}/blob/main/docs/rules/${name}.md`;

export const createRule = ESLintUtils.RuleCreator<DurableObjectsRuleDocs>(docsUrl);

/** The context a rule's `create` gets: the type a rule's per-file class keeps it as. */
export type RuleContext<MessageIds extends string, Options extends readonly unknown[] = []> = Readonly<
  TSESLint.RuleContext<MessageIds, Options>
>;
