/**
 * The bundled example Worker (examples/worker), linted exactly as `npm run demo` lints it: through
 * its own eslint.config.js, which imports this package's build (`npm test` builds first).
 * Every ❌ twin is flagged with the exact finding below; the ✅ twins and the look-alikes (Workers
 * KV, a `Map` named `storage`, an RPC method named `deleteAll`) get none.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser, { parse } from "@typescript-eslint/parser";
import { ESLint, type Linter } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples/worker");
const PATTERN = "src/**/*.ts";

interface Finding {
  file: string;
  line: number;
  column: number;
  ruleId: string | null;
  message: string;
}

const rel = (filePath: string): string => path.relative(exampleDir, filePath).split(path.sep).join("/");

function findings(results: ESLint.LintResult[]): Finding[] {
  return results
    .flatMap((r) =>
      r.messages.map((m) => ({ file: rel(r.filePath), line: m.line, column: m.column, ruleId: m.ruleId, message: m.message })),
    )
    .sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || String(a.ruleId).localeCompare(String(b.ruleId)),
    );
}

const PRAGMA_WRITE =
  "`PRAGMA user_version = …` throws `SQLITE_AUTH` on Durable Object SQLite, so the version is never recorded. " +
  "Insert it into `_sql_schema_migrations` instead.";

const EXPECTED: Finding[] = [
  {
    file: "src/counter.ts",
    line: 18,
    column: 22,
    ruleId: "durable-objects/no-unsafe-read-modify-write",
    message:
      'Lost update: the value of "count" read here is written back on line 20, after `await audit(…)` (line 19) lets other requests in. ' +
      "Read after the await, or use `blockConcurrencyWhile`.",
  },
  {
    file: "src/schema.ts",
    line: 20,
    column: 58,
    ruleId: "durable-objects/no-pragma-user-version",
    message:
      "`PRAGMA user_version` throws `SQLITE_AUTH` on Durable Object SQLite, so this read always fails. " +
      "Read the version from a `_sql_schema_migrations` table.",
  },
  {
    file: "src/schema.ts",
    line: 20,
    column: 80,
    ruleId: "durable-objects/valid-sql-exec",
    message:
      "`.one()` throws when no row (or more than one) matches, so the `?.` after it never takes effect. Use `.toArray()[0]` to get `undefined` when there is no row.",
  },
  { file: "src/schema.ts", line: 23, column: 22, ruleId: "durable-objects/no-pragma-user-version", message: PRAGMA_WRITE },
  { file: "src/schema.ts", line: 27, column: 22, ruleId: "durable-objects/no-pragma-user-version", message: PRAGMA_WRITE },
  {
    file: "src/schema.ts",
    line: 76,
    column: 23,
    ruleId: "durable-objects/no-unsafe-read-modify-write",
    message:
      "Lost update: rows of `notes` read here are written back on line 78, after `await lobby(this.env).announce(…)` (line 77) lets other requests in. " +
      "Compute the new value in SQL, or read after the await.",
  },
  {
    file: "src/session.ts",
    line: 28,
    column: 5,
    ruleId: "durable-objects/prefer-coalesced-writes",
    message:
      "If one of these 2 writes fails, the ones before it stay stored. " +
      "Write them with one `put({ … })`, `delete([ … ])` or `transaction()`.",
  },
  {
    file: "src/session.ts",
    line: 40,
    column: 7,
    ruleId: "durable-objects/prefer-coalesced-writes",
    message:
      "If this write fails in one iteration, the earlier iterations' writes stay stored. " +
      "Write every entry with one call, to store all or nothing.",
  },
  {
    file: "src/session.ts",
    line: 59,
    column: 11,
    ruleId: "durable-objects/require-delete-alarm-with-delete-all",
    message:
      "At compatibility date 2025-09-01 (from `../wrangler.jsonc`), `deleteAll()` leaves the alarm set, so `alarm()` fires on the emptied object. Call `deleteAlarm()` too.",
  },
];

/** The suggestions offered for each finding, by description, in the order ESLint gives them. */
const EXPECTED_SUGGESTIONS: Record<string, string[]> = {
  "src/counter.ts:18:22": [
    "Move `await audit(…)` before the read",
    "Wrap the read and the write in `blockConcurrencyWhile` (no other event reaches the object while it waits)",
  ],
  "src/schema.ts:20:58": ["Read the version from `_sql_schema_migrations` (created if missing)"],
  "src/schema.ts:20:80": ["Use `.toArray()[0]`, which gives `undefined` when there is no row (and the first row when there are several)"],
  "src/schema.ts:23:22": ["Record version 1 in `_sql_schema_migrations` (created if missing)"],
  "src/schema.ts:27:22": ["Record version 2 in `_sql_schema_migrations` (created if missing)"],
  "src/schema.ts:76:23": [
    "Move `await lobby(this.env).announce(…)` before the read",
    "Wrap the read and the write in `blockConcurrencyWhile` (no other event reaches the object while it waits)",
  ],
  "src/session.ts:28:5": ["Write them with one `put({ … })`"],
  "src/session.ts:40:7": ["Collect the entries and write them with one `put(…)`"],
  "src/session.ts:59:11": ["Call `this.ctx.storage.deleteAlarm()` before `deleteAll()`"],
};

/**
 * Code that must get no finding: the ✅ twins, and the code around them that only looks like
 * Durable Object storage. A name is `Class`, `Class.member`, or `*` for the whole file.
 */
const CLEAN: Record<string, string[]> = {
  "src/counter.ts": ["Counter.increment", "CachedCounter"],
  "src/schema.ts": ["Notes.constructor", "Notes.add", "Notes.like"],
  "src/session.ts": ["Session.touch", "Session.saveProfile", "Session.addToCart", "Session.cart", "Session.logout", "Session.alarm"],
  "src/room.ts": ["*"],
  "src/index.ts": ["*"],
};

/** Line spans of the classes and class members of a file, by `Class` / `Class.member`. */
function spans(file: string): Map<string, [number, number]> {
  const text = fs.readFileSync(path.join(exampleDir, file), "utf8");
  const ast = parse(text, { loc: true, range: true, sourceType: "module" });
  const out = new Map<string, [number, number]>([["*", [1, text.split("\n").length]]]);
  for (const stmt of ast.body) {
    const cls = stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt;
    if (cls?.type !== "ClassDeclaration" || !cls.id) continue;
    out.set(cls.id.name, [cls.loc.start.line, cls.loc.end.line]);
    for (const m of cls.body.body) {
      if ((m.type === "MethodDefinition" || m.type === "PropertyDefinition") && m.key.type === "Identifier") {
        out.set(`${cls.id.name}.${m.key.name}`, [m.loc.start.line, m.loc.end.line]);
      }
    }
  }
  return out;
}

describe("examples/worker", () => {
  let results: ESLint.LintResult[];
  let eslint: ESLint;

  beforeAll(async () => {
    eslint = new ESLint({ cwd: exampleDir });
    results = await eslint.lintFiles([PATTERN]);
  });

  it("lints every source file of the example, none fatally", () => {
    expect(results.map((r) => rel(r.filePath)).sort()).toEqual([
      "src/counter.ts",
      "src/index.ts",
      "src/room.ts",
      "src/schema.ts",
      "src/session.ts",
    ]);
    for (const r of results) {
      expect(r.messages.filter((m) => m.fatal)).toEqual([]);
      expect(r.messages.every((m) => m.ruleId !== null)).toBe(true);
    }
  });

  it("reports exactly the ❌ twins", () => {
    expect(findings(results)).toEqual(EXPECTED);
  });

  it("reports nothing in the ✅ twins and the look-alikes", () => {
    const all = findings(results);
    for (const [file, names] of Object.entries(CLEAN)) {
      const fileSpans = spans(file);
      for (const name of names) {
        const span = fileSpans.get(name);
        expect(span, `${file} ${name}`).toBeDefined();
        const inside = all.filter((f) => f.file === file && span![0] <= f.line && f.line <= span![1]);
        expect(inside, `${file} ${name}`).toEqual([]);
      }
    }
  });

  it("offers suggestions that parse and remove the finding they were offered for", async () => {
    const offered: Record<string, string[]> = {};
    for (const r of results) {
      const text = fs.readFileSync(r.filePath, "utf8");
      for (const m of r.messages) {
        const where = `${rel(r.filePath)}:${m.line}:${m.column}`;
        offered[where] = (m.suggestions ?? []).map((s) => s.desc);
        const before = r.messages.filter((x) => x.ruleId === m.ruleId).length;
        for (const s of m.suggestions ?? []) {
          const fixed = text.slice(0, s.fix.range[0]) + s.fix.text + text.slice(s.fix.range[1]);
          const [after] = await eslint.lintText(fixed, { filePath: r.filePath });
          expect(
            after.messages.filter((x) => x.fatal),
            `${where} ${s.desc}`,
          ).toEqual([]);
          expect(
            after.messages.filter((x) => x.ruleId === m.ruleId),
            `${where} ${s.desc}`,
          ).toHaveLength(before - 1);
        }
      }
    }
    expect(offered).toEqual(EXPECTED_SUGGESTIONS);
  });

  // Each Durable Object class has its own database: `Notes` creating `_sql_schema_migrations`
  // must not drop the `CREATE TABLE` from the suggestions for `NotesLegacy` in the same file.
  it("the PRAGMA read suggestion in NotesLegacy creates _sql_schema_migrations", () => {
    const read = results.find((r) => rel(r.filePath) === "src/schema.ts")!.messages.find((m) => m.line === 20)!;
    expect(read.suggestions?.[0]?.fix.text).toContain("CREATE TABLE IF NOT EXISTS _sql_schema_migrations");
  });

  it("reports the same findings or more with configs.all", async () => {
    const all = new ESLint({
      cwd: exampleDir,
      overrideConfigFile: true,
      overrideConfig: [
        { ignores: ["**/*.d.ts"] },
        { files: ["**/*.ts"], languageOptions: { parser: tsParser as Linter.Parser } },
        plugin.configs.all as Linter.Config,
      ],
    });
    const withAll = findings(await all.lintFiles([PATTERN]));
    const key = (f: Finding): string => JSON.stringify([f.file, f.line, f.column, f.ruleId, f.message]);
    const allKeys = new Set(withAll.map(key));
    for (const f of EXPECTED) expect(allKeys.has(key(f)), key(f)).toBe(true);
    expect(withAll.length).toBeGreaterThanOrEqual(EXPECTED.length);
  });
});
