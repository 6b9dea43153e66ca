/**
 * The rules' own test cases (tests/rules/*.test.ts), collected instead of run: a test file that
 * mocks `../helpers/rule-tester.js` and `@typescript-eslint/rule-tester` with {@link captureRunner}
 * and {@link CaptureRuleTester} and then imports the rule test files gets every case, valid and
 * invalid, with its options, file name and language options.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./paths.js";

export interface RuleCase {
  rule: string;
  kind: "valid" | "invalid";
  index: number;
  name: string;
  code: string;
  filename: string | undefined;
  options: unknown[];
  /** The case parses with `parserOptions.projectService`: the rule gets type information. */
  typed: boolean;
  /** For invalid cases: the reports RuleTester expects (with type information when `typed`). */
  errors: { line?: number; column?: number; messageId?: string }[];
}

type TestCase =
  | string
  | {
      name?: string;
      code: string;
      filename?: string;
      options?: unknown[];
      languageOptions?: { parserOptions?: Record<string, unknown> };
      errors?: RuleCase["errors"];
    };
interface Tests {
  valid: TestCase[];
  invalid: TestCase[];
}

export const captured: RuleCase[] = [];

/** Cases captured so far per rule and kind: a rule's cases may come from several test files, and `index` numbers them all. */
const counts = new Map<string, number>();

function capture(rule: string, tests: Tests): void {
  for (const kind of ["valid", "invalid"] as const) {
    tests[kind].forEach((t) => {
      const c = typeof t === "string" ? { code: t } : t;
      const key = `${rule}\0${kind}`;
      const index = counts.get(key) ?? 0;
      counts.set(key, index + 1);
      captured.push({
        rule,
        kind,
        index,
        name: c.name ?? c.code.slice(0, 60),
        code: c.code,
        filename: c.filename,
        options: c.options ?? [],
        typed: Boolean(c.languageOptions?.parserOptions?.projectService ?? c.languageOptions?.parserOptions?.project),
        errors: c.errors ?? [],
      });
    });
  }
}

/** Stands in for `@typescript-eslint/rule-tester`'s RuleTester. */
export class CaptureRuleTester {
  static afterAll: unknown;
  static describe: unknown;
  static it: unknown;
  static itOnly: unknown;
  run(rule: string, _module: unknown, tests: Tests): void {
    capture(rule, tests);
  }
}

/** Stands in for tests/helpers/rule-tester.js. */
export const captureRunner = { RuleTester: CaptureRuleTester, lintWith: (): never[] => [] };

/** Imports every tests/rules/*.test.ts (under the mocks) and returns what they would have run. */
export async function collectRuleCases(): Promise<RuleCase[]> {
  captured.length = 0;
  counts.clear();
  const dir = path.join(repoRoot, "tests/rules");
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts"))
    .sort()) {
    await import(pathToFileURL(path.join(dir, file)).href);
  }
  return [...captured];
}
