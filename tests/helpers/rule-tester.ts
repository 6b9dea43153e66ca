/**
 * RuleTester wired to vitest, with ESLint 10's stricter assertion options on, plus one check
 * RuleTester does not make: every suggestion's output parses and no longer has the report it was
 * offered for (it has exactly one report fewer).
 */
import tsParser from "@typescript-eslint/parser";
import { RuleTester as BaseRuleTester, type InvalidTestCase, type RunTests } from "@typescript-eslint/rule-tester";
import type { TSESLint } from "@typescript-eslint/utils";
import { Linter } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

BaseRuleTester.afterAll = afterAll;
BaseRuleTester.describe = describe;
BaseRuleTester.it = it;
BaseRuleTester.itOnly = it.only;

type AnyRule = TSESLint.RuleModule<string, readonly unknown[]>;

export function lintWith(
  ruleName: string,
  rule: AnyRule,
  code: string,
  options: readonly unknown[] = [],
  filename = "file.ts",
): Linter.LintMessage[] {
  const linter = new Linter({ configType: "flat" });
  return linter.verify(
    code,
    [
      {
        files: ["**/*.{ts,tsx,js,jsx}"],
        languageOptions: { parser: tsParser as Linter.Parser },
        plugins: { t: { rules: { [ruleName]: rule as never } } },
        rules: { [`t/${ruleName}`]: ["error", ...options] as Linter.RuleEntry },
      },
    ],
    { filename },
  );
}

/**
 * What every rule test asserts beyond RuleTester's defaults: each expected error gives the data of a
 * message with placeholders (so the whole message is checked, suggestions' too) and the report's full
 * range (line, column, endLine, endColumn). @typescript-eslint/rule-tester implements these options
 * itself, with the meaning ESLint 10's RuleTester gives them, whichever ESLint it runs on.
 */
const ASSERTION_OPTIONS = { requireData: true, requireLocation: true } as const;

/**
 * @typescript-eslint/rule-tester's RuleTester with {@link ASSERTION_OPTIONS} always on, plus one
 * suite per rule that has suggestions: each suggestion's output parses and drops exactly its own
 * report. Called as `new RuleTester().run(…)` so that eslint-plugin-eslint-plugin's test rules see
 * the cases.
 */
export class RuleTester extends BaseRuleTester {
  override run<M extends string, O extends readonly unknown[]>(
    ruleName: string,
    rule: TSESLint.RuleModule<M, O>,
    tests: RunTests<M, O>,
  ): void {
    super.run(ruleName, rule, { ...tests, assertionOptions: ASSERTION_OPTIONS });
    checkSuggestionsDropTheirReport(ruleName, rule, tests);
  }
}

function checkSuggestionsDropTheirReport<M extends string, O extends readonly unknown[]>(
  ruleName: string,
  rule: TSESLint.RuleModule<M, O>,
  tests: RunTests<M, O>,
): void {
  const suggests = tests.invalid.some((t) => t.errors.some((e) => (e.suggestions ?? []).some((s) => s && typeof s.output === "string")));
  if (!suggests) return; // a rule without suggestions: nothing more to check (and vitest rejects an empty suite)
  describe(`${ruleName}: each suggestion output parses and drops its report`, () => {
    tests.invalid.forEach((test: InvalidTestCase<M, O>, i) => {
      const errors = test.errors;
      errors.forEach((error, j) => {
        (error.suggestions ?? []).forEach((s, k) => {
          if (!s || typeof s.output !== "string") return;
          it(`invalid #${i} error #${j} suggestion #${k} (${String(s.messageId)})`, () => {
            const messages = lintWith(ruleName, rule as unknown as AnyRule, s.output!, test.options ?? [], test.filename);
            expect(messages.filter((m) => m.fatal)).toEqual([]);
            expect(messages.length).toBe(errors.length - 1);
          });
        });
      });
    });
  });
}
