import { describe, expect, it } from "vitest";
import { ALLOWED_PRAGMAS, deniedStatement } from "../../src/analysis/sql-authorizer.js";
import { DYNAMIC, splitStatements } from "../../src/analysis/sql.js";

/** The denial of the single statement of `text`, summarised. */
function denial(text: string): string | undefined {
  const stmts = splitStatements(text);
  expect(stmts).toHaveLength(1);
  const d = deniedStatement(stmts[0]);
  if (!d) return undefined;
  switch (d.kind) {
    case "pragma":
      return `pragma ${d.pragma.name} ${d.pragma.form}`;
    case "reserved-name":
      return `${d.statement} ${d.name} @${d.nameToken.start}`;
    default:
      return d.kind;
  }
}

const $ = DYNAMIC;

describe("deniedStatement: PRAGMA", () => {
  it("allows every measured PRAGMA, in every form", () => {
    expect(ALLOWED_PRAGMAS).toHaveLength(18);
    for (const name of ALLOWED_PRAGMAS) {
      expect(denial(`PRAGMA ${name}`)).toBeUndefined();
      expect(denial(`pragma main.${name}(t)`)).toBeUndefined();
      expect(denial(`PRAGMA "${name}" = 1`)).toBeUndefined();
    }
  });

  it("does not judge letter case, arguments or schemas of allowed names (not measured)", () => {
    expect(denial("PRAGMA TABLE_INFO(users)")).toBeUndefined();
    expect(denial("PRAGMA data_version = 5")).toBeUndefined();
    expect(denial("PRAGMA table_info(_cf_KV)")).toBeUndefined();
    expect(denial("PRAGMA temp.table_info(t)")).toBeUndefined();
  });

  it("says nothing of schemas other than main (an unknown database fails before the authorizer)", () => {
    expect(denial("PRAGMA temp.journal_mode")).toBeUndefined();
    expect(denial("PRAGMA other.journal_mode")).toBeUndefined();
    expect(denial(`PRAGMA ${$}.journal_mode`)).toBeUndefined();
  });

  it("allows reading page_size (workerd 1.20260805.1 on), not setting it", () => {
    expect(denial("PRAGMA page_size")).toBeUndefined();
    expect(denial("PRAGMA page_size = 8192")).toBe("pragma page_size assign");
    expect(denial("PRAGMA page_size(8192)")).toBe("pragma page_size call");
  });

  it("denies everything else, whatever the case, quoting, schema or value", () => {
    expect(denial("PRAGMA journal_mode")).toBe("pragma journal_mode read");
    expect(denial("pragma JOURNAL_MODE=wal")).toBe("pragma journal_mode assign");
    expect(denial("PRAGMA main.cache_size(-2000)")).toBe("pragma cache_size call");
    expect(denial(`PRAGMA main.synchronous = ${$}`)).toBe("pragma synchronous assign");
    expect(denial("PRAGMA 'integrity_check'")).toBe("pragma integrity_check read");
    expect(denial("PRAGMA tabel_info(users)")).toBe("pragma tabel_info call");
    // user_version is denied too; the rule leaves it to no-pragma-user-version.
    expect(denial("PRAGMA user_version = 2")).toBe("pragma user_version assign");
  });

  it("says nothing of dynamic names, malformed PRAGMAs, EXPLAIN or table-valued functions", () => {
    expect(denial(`PRAGMA ${$}`)).toBeUndefined();
    expect(denial(`PRAGMA journal_${$}`)).toBeUndefined();
    expect(denial(`PRAGMA "${$}" = 1`)).toBeUndefined();
    expect(denial("PRAGMA")).toBeUndefined();
    expect(denial("PRAGMA journal_mode =")).toBeUndefined();
    expect(denial("EXPLAIN PRAGMA journal_mode")).toBeUndefined();
    expect(denial("SELECT * FROM pragma_table_info('t')")).toBeUndefined();
    expect(denial("SELECT * FROM pragma_journal_mode")).toBeUndefined();
  });
});

describe("deniedStatement: ATTACH and DETACH", () => {
  it("denies both, whatever the file or name", () => {
    expect(denial("ATTACH DATABASE 'other.db' AS other")).toBe("attach");
    expect(denial(`attach ${$} as ${$}`)).toBe("attach");
    expect(denial("DETACH other")).toBe("detach");
    expect(denial("DETACH DATABASE other")).toBe("detach");
  });

  it("says nothing of incomplete statements", () => {
    expect(denial("ATTACH 'x'")).toBeUndefined();
    expect(denial("ATTACH 'x' AS")).toBeUndefined();
    expect(denial("DETACH")).toBeUndefined();
    expect(denial("DETACH DATABASE")).toBeUndefined();
  });
});

describe("deniedStatement: CREATE with a _cf_ name", () => {
  it("tables, views, indexes, triggers and virtual tables, in any case and quoting", () => {
    expect(denial("CREATE TABLE _cf_settings (k TEXT)")).toBe("CREATE TABLE _cf_settings @13");
    expect(denial("create table if not exists main._CF_x(a)")).toBe("CREATE TABLE _CF_x @32");
    expect(denial('CREATE VIEW "_cf_v" AS SELECT 1')).toBe("CREATE VIEW _cf_v @12");
    expect(denial("CREATE UNIQUE INDEX [_Cf_i] ON t(a)")).toBe("CREATE INDEX _Cf_i @20");
    expect(denial("CREATE TRIGGER IF NOT EXISTS _cf_t AFTER INSERT ON t BEGIN SELECT 1; END")).toBe("CREATE TRIGGER _cf_t @29");
    expect(denial("CREATE VIRTUAL TABLE _cf_search USING fts5(body)")).toBe("CREATE VIRTUAL TABLE _cf_search @21");
    expect(denial("CREATE TABLE '_cf_x' (a)")).toBe("CREATE TABLE _cf_x @13");
  });

  it("the table of an index or trigger", () => {
    expect(denial("CREATE INDEX kv_key ON _cf_KV(key)")).toBe("CREATE INDEX _cf_KV @23");
    expect(denial("CREATE TRIGGER log BEFORE UPDATE OF a, b ON main._cf_KV BEGIN SELECT 1; END")).toBe("CREATE TRIGGER _cf_KV @49");
  });

  it("a `${…}` after the prefix is still reserved; before it or inside it, unknown", () => {
    expect(denial(`CREATE TABLE _cf_${$} (a)`)).toBe("CREATE TABLE _cf_${…} @13");
    expect(denial(`CREATE TABLE "_cf_${$}" (a)`)).toBe("CREATE TABLE _cf_${…} @13");
    expect(denial(`CREATE TABLE ${$}_cf_x (a)`)).toBeUndefined();
    expect(denial(`CREATE TABLE _cf${$} (a)`)).toBeUndefined();
    expect(denial(`CREATE TABLE ${$} (a)`)).toBeUndefined();
    expect(denial(`CREATE TABLE ${$}._cf_x (a)`)).toBeUndefined();
  });

  it("says nothing of other names, temporary objects, other schemas, columns and trigger bodies", () => {
    expect(denial("CREATE TABLE cf_x (a)")).toBeUndefined();
    expect(denial("CREATE TABLE my_cf_x (a)")).toBeUndefined();
    expect(denial("CREATE TABLE _cfx (a)")).toBeUndefined();
    expect(denial("CREATE TABLE _cf (a)")).toBeUndefined();
    expect(denial("CREATE TABLE t (_cf_col TEXT)")).toBeUndefined();
    expect(denial("CREATE TEMP TABLE _cf_x (a)")).toBeUndefined();
    expect(denial("CREATE TEMPORARY VIEW _cf_v AS SELECT 1")).toBeUndefined();
    expect(denial("CREATE TABLE other._cf_x (a)")).toBeUndefined();
    expect(denial("CREATE VIRTUAL TABLE IF NOT EXISTS _cf_x USING fts5(a)")).toBeUndefined();
    expect(denial("CREATE TRIGGER trg AFTER INSERT ON t BEGIN INSERT INTO _cf_log VALUES (1); END")).toBeUndefined();
    expect(denial("CREATE INDEX i ON t(_cf_col)")).toBeUndefined();
    expect(denial("CREATE")).toBeUndefined();
    expect(denial("CREATE TABLE IF EXISTS _cf_x (a)")).toBeUndefined();
    expect(denial("CREATE UNIQUE TABLE _cf_x (a)")).toBeUndefined();
    expect(denial("SELECT * FROM _cf_KV")).toBeUndefined();
    expect(denial("DROP TABLE _cf_KV")).toBeUndefined();
  });
});
