/**
 * The shared DO storage pattern docs as fixtures: the older variant's `PRAGMA user_version`
 * migration is reported and every suggestion fixes it; the current docs are clean under the
 * four core rules, and with every rule on they report exactly their two snippets that are wrong
 * on the runtime: the `BEGIN`/`COMMIT` "Atomic batch with SQL" and the BatchProcessor's
 * in-memory buffer.
 */
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { expect, it } from "vitest";
import plugin from "../src/index.js";
import { CURRENT_DOCS, OLDER_DOCS, describePatternDocs, docBlocks } from "./helpers/pattern-docs.js";

const CORE = [
  "no-pragma-user-version",
  "prefer-coalesced-writes",
  "require-delete-alarm-with-delete-all",
  "no-unsafe-read-modify-write",
].map((r) => `durable-objects/${r}`);

function lint(code: string, rules: Record<string, string> = Object.fromEntries(CORE.map((r) => [r, "error"]))): Linter.LintMessage[] {
  return new Linter({ configType: "flat" }).verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tsParser as Linter.Parser },
        plugins: { "durable-objects": plugin as never },
        rules: rules as Linter.RulesRecord,
      },
    ],
    { filename: "docs.ts" },
  );
}

const applySuggestion = (code: string, fix: { range: [number, number]; text: string }) =>
  code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);

describePatternDocs("older pattern docs (PRAGMA user_version)", () => {
  const blocks = docBlocks(OLDER_DOCS);

  it("reports exactly the migration's three PRAGMA statements, and nothing else in the docs", () => {
    const found = blocks.flatMap((b) => lint(b.code).map((m) => `${b.heading} ${m.line}:${m.column} ${m.ruleId} ${m.messageId}`));
    expect(found).toEqual([
      "Schema Migration 9:32 durable-objects/no-pragma-user-version read",
      "Schema Migration 13:22 durable-objects/no-pragma-user-version write",
      "Schema Migration 17:22 durable-objects/no-pragma-user-version write",
    ]);
  });

  it("each suggestion's output parses and has one finding fewer; applying all leaves none", () => {
    let code = blocks.find((b) => b.heading === "Schema Migration")!.code;
    const first = lint(code);
    for (const m of first) {
      expect(m.suggestions).toHaveLength(1);
      const out = lint(applySuggestion(code, m.suggestions![0].fix));
      expect(out.filter((x) => x.fatal)).toEqual([]);
      expect(out).toHaveLength(first.length - 1);
    }
    for (let guard = 0; guard < 5; guard++) {
      const [m] = lint(code);
      if (!m) break;
      code = applySuggestion(code, m.suggestions![0].fix);
    }
    expect(lint(code)).toEqual([]);
    expect(code).toContain("SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations");
    expect(code).toContain("INSERT INTO _sql_schema_migrations (id) VALUES (2)");
  });
});

describePatternDocs("current pattern docs", () => {
  it.each(docBlocks(CURRENT_DOCS).map((b) => [b.heading, b.code]))("%s: no core rule reports", (_heading, code) => {
    expect(lint(code)).toEqual([]);
  });
});

describePatternDocs("every rule on the pattern docs", () => {
  const all = plugin.configs.all.rules as Record<string, string>;
  const findings = (file: string) =>
    docBlocks(file).flatMap((b) => lint(b.code, all).map((m) => `${b.heading} ${m.line}:${m.column} ${m.ruleId} ${m.messageId}`));

  it("current docs: exactly the BatchProcessor buffer and the BEGIN/COMMIT batch", () => {
    expect(findings(CURRENT_DOCS)).toEqual([
      "Batch Processing with Alarms 4:3 durable-objects/no-memory-only-alarm-state memoryOnly",
      "Write Coalescing Pattern 17:18 durable-objects/no-sql-transaction-statements pair",
    ]);
  });

  it("older docs: those two, plus the PRAGMA user_version migration and its .one()?. fallback", () => {
    expect(findings(OLDER_DOCS)).toEqual([
      "Schema Migration 9:32 durable-objects/no-pragma-user-version read",
      "Schema Migration 9:54 durable-objects/valid-sql-exec oneNeverUndefined",
      "Schema Migration 13:22 durable-objects/no-pragma-user-version write",
      "Schema Migration 17:22 durable-objects/no-pragma-user-version write",
      "Batch Processing with Alarms 4:3 durable-objects/no-memory-only-alarm-state memoryOnly",
      "Write Coalescing Pattern 17:18 durable-objects/no-sql-transaction-statements pair",
    ]);
  });
});
