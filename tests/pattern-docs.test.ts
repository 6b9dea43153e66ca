/**
 * The shared DO storage pattern docs as fixtures: the older variant's `PRAGMA user_version`
 * migration is reported and every suggestion fixes it; the current docs are clean under the
 * four core rules (its `BEGIN`/`COMMIT` and BatchProcessor are other rules' business).
 */
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { CURRENT_DOCS, OLDER_DOCS, docBlocks } from "./helpers/pattern-docs.js";

const CORE = [
  "no-pragma-user-version",
  "prefer-coalesced-writes",
  "require-delete-alarm-with-delete-all",
  "no-unsafe-read-modify-write",
].map((r) => `durable-objects/${r}`);

function lint(code: string): Linter.LintMessage[] {
  return new Linter({ configType: "flat" }).verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tsParser as Linter.Parser },
        plugins: { "durable-objects": plugin as never },
        rules: Object.fromEntries(CORE.map((r) => [r, "error"])),
      },
    ],
    { filename: "docs.ts" },
  );
}

const applySuggestion = (code: string, fix: { range: [number, number]; text: string }) =>
  code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);

describe("older pattern docs (PRAGMA user_version)", () => {
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

describe("current pattern docs", () => {
  it.each(docBlocks(CURRENT_DOCS).map((b) => [b.heading, b.code]))("%s: no core rule reports", (_heading, code) => {
    expect(lint(code)).toEqual([]);
  });
});
