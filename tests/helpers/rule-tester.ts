/**
 * RuleTester wired to vitest, plus one check RuleTester does not make: every suggestion's output
 * parses and no longer has the report it was offered for (it has exactly one report fewer).
 */
import tsParser from "@typescript-eslint/parser";
import { RuleTester, type InvalidTestCase, type RunTests } from "@typescript-eslint/rule-tester";
import type { TSESLint } from "@typescript-eslint/utils";
import { Linter } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

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

export function runRuleTests<M extends string, O extends readonly unknown[]>(
  ruleName: string,
  rule: TSESLint.RuleModule<M, O>,
  tests: RunTests<M, O>,
): void {
  new RuleTester().run(ruleName, rule, tests);
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
