import path from "node:path";
import { fileURLToPath } from "node:url";
import rule from "../../rules/no-unsupported-pragma.js";
import { ALLOWED_PRAGMAS } from "../../src/analysis/sql-authorizer.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
const AGENT = `import { Agent } from "agents";\n`;
const typedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/typed");

/** The advice the message gives, by kind of PRAGMA. */
const ENGINE = "The runtime owns this setting: remove the statement.";
const REMOVE = "Remove it; the rule's docs list the PRAGMAs that are allowed.";
const INTEGRITY = "Use `PRAGMA quick_check`, which is allowed, to check for corruption.";
const PAGE_COUNT = "Read `ctx.storage.sql.databaseSize` (in bytes) instead.";
const SCHEMA_VERSION = "Record schema versions as rows of a `_sql_schema_migrations` table.";

const pragma = (name: string, advice: string) => ({ messageId: "pragma", data: { pragma: name, advice } }) as const;
const reserved = (statement: string, name: string) => ({ messageId: "reservedName", data: { statement, name } }) as const;

/** `m()` of a Durable Object class running `sql` (a JS string literal, quotes included) on `this.ctx.storage.sql`. */
const inMethod = (sql: string): string => `${DO}class A extends DurableObject { m() { this.ctx.storage.sql.exec(${sql}); } }`;
/** Column of the first character inside the literal in {@link inMethod}'s line 2. */
const IN_METHOD_COL = "class A extends DurableObject { m() { this.ctx.storage.sql.exec(".length + 2;

new RuleTester().run("no-unsupported-pragma", rule, {
  valid: [
    // The pattern docs have no PRAGMA, ATTACH, DETACH or _cf_ name in their SQL: every block is valid.
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    // Every allowed PRAGMA, read, called and assigned.
    ...ALLOWED_PRAGMAS.map((name) => ({
      name: `allowed: ${name}`,
      code: inMethod(`"PRAGMA ${name}; PRAGMA main.${name}(users); PRAGMA ${name} = 1"`),
    })),
    // Allowed from workerd 1.20260805.1 on: reading the page size.
    { name: "reading page_size (allowed from workerd 1.20260805.1)", code: inMethod(`"PRAGMA page_size"`) },
    // no-pragma-user-version's.
    { name: "reading user_version (no-pragma-user-version's)", code: inMethod(`"PRAGMA user_version"`) },
    { name: "setting user_version (no-pragma-user-version's)", code: inMethod(`"PRAGMA user_version = 2"`) },
    // Not measured, so not reported: letter case of allowed names, their arguments, other schemas.
    { name: "an allowed name in upper case", code: inMethod(`"PRAGMA TABLE_INFO(users)"`) },
    { name: "an allowed name with a value", code: inMethod(`"PRAGMA data_version = 5"`) },
    { name: "an allowed name in another schema", code: inMethod(`"PRAGMA temp.table_info(users)"`) },
    // Pragma table-valued functions.
    { name: "the pragma_table_info table-valued function", code: inMethod(`"SELECT name, type FROM pragma_table_info('users')"`) },
    { name: "the pragma_journal_mode table-valued function", code: inMethod(`"SELECT * FROM pragma_journal_mode"`) },
    // Dynamic PRAGMA names.
    {
      name: "a PRAGMA name from a template placeholder",
      code: `${DO}class A extends DurableObject { m(name: string) { this.ctx.storage.sql.exec(\`PRAGMA \${name}\`); } }`,
    },
    {
      name: "a PRAGMA name built around a template placeholder",
      code: `${DO}class A extends DurableObject { m(mode: string) { this.ctx.storage.sql.exec(\`PRAGMA journal_\${mode} = 1\`); } }`,
    },
    // Not statements: comments, strings, EXPLAIN, a column called _cf_x, reads of _cf_ tables (out of scope).
    { name: "the PRAGMA inside an SQL comment", code: inMethod(`"-- PRAGMA journal_mode = WAL\\nSELECT 1"`) },
    { name: "PRAGMA and ATTACH inside an SQL string literal", code: inMethod(`"SELECT 'PRAGMA journal_mode; ATTACH x AS y' AS s"`) },
    { name: "EXPLAIN PRAGMA", code: inMethod(`"EXPLAIN PRAGMA journal_mode"`) },
    {
      name: "a column named _cf_col, and an index on it",
      code: inMethod(`"CREATE TABLE IF NOT EXISTS t (_cf_col TEXT); CREATE INDEX IF NOT EXISTS t_cf ON t(_cf_col)"`),
    },
    {
      name: "names that only look like the _cf_ prefix",
      code: inMethod(`"CREATE TABLE cf_settings (k TEXT); CREATE TABLE my_cf_x (a); CREATE TABLE _cfx (a)"`),
    },
    {
      name: "a trigger body inserting the string '_cf_'",
      code: inMethod(`"CREATE TRIGGER trg AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('_cf_'); END"`),
    },
    // Refused for another reason (temporary objects), or unknown: left alone.
    { name: "a temporary _cf_ table", code: inMethod(`"CREATE TEMP TABLE _cf_scratch (a)"`) },
    { name: "a virtual _cf_ table", code: inMethod(`"CREATE VIRTUAL TABLE IF NOT EXISTS _cf_search USING fts5(body)"`) },
    {
      name: "a table name with a placeholder before _cf_",
      code: `${DO}class A extends DurableObject { m(p: string) { this.ctx.storage.sql.exec(\`CREATE TABLE \${p}_cf_x (a)\`); } }`,
    },
    // Built at run time.
    {
      name: "a statement joined from an array at run time",
      code: `${DO}class A extends DurableObject { m(mode: string) { this.ctx.storage.sql.exec(["PRAGMA", "journal_mode"].join(" ")); } }`,
    },
    {
      name: "a query variable reassigned before exec",
      code: `${DO}class A extends DurableObject { m() { let q = "PRAGMA journal_mode"; q = "SELECT 1"; this.ctx.storage.sql.exec(q); } }`,
    },
    // Never executed.
    {
      name: "a PRAGMA string that is never executed",
      code: `${DO}class A extends DurableObject { m() { const q = "PRAGMA journal_mode = WAL"; return q; } }`,
    },
    // Not Durable Object SQL: D1, better-sqlite3, node:sqlite, Workers KV, R2, a Map, a look-alike object, an RPC stub.
    {
      name: "D1's exec",
      code: `export default { async fetch(req: Request, env: Env) { await env.DB.exec("PRAGMA journal_mode = WAL; ATTACH 'x.db' AS x"); return new Response(); } }`,
    },
    {
      name: "D1's prepare",
      code: `export default { async fetch(req: Request, env: Env) { return Response.json(await env.DB.prepare("PRAGMA integrity_check").all()); } }`,
    },
    {
      name: "better-sqlite3's exec and pragma",
      code: `import Database from "better-sqlite3"; const db = new Database("app.db"); db.exec("PRAGMA journal_mode = WAL"); db.pragma("synchronous = NORMAL");`,
    },
    {
      name: "node:sqlite's exec",
      code: `import { DatabaseSync } from "node:sqlite"; const db = new DatabaseSync(":memory:"); db.exec("ATTACH DATABASE 'b.db' AS b; CREATE TABLE _cf_x (a)");`,
    },
    {
      name: "Workers KV and R2 keys",
      code: `export default { async fetch(req: Request, env: Env) { await env.KV.put("PRAGMA journal_mode", "WAL"); await env.BUCKET.put("ATTACH", "x"); return new Response(); } }`,
    },
    { name: "a Map key", code: `const storage = new Map<string, string>(); storage.set("PRAGMA journal_mode", "WAL");` },
    {
      name: "a look-alike object with an exec method",
      code: `const sql = { exec(q: string) { return q; } }; sql.exec("PRAGMA journal_mode = WAL");`,
    },
    {
      name: "a parameter typed as a plain object with exec",
      code: `function f(sql: { exec(q: string): void }) { sql.exec("DETACH other"); }`,
    },
    {
      name: "a field of a Durable Object that is not its storage",
      code: `${DO}class A extends DurableObject { sql = makeDb(); m() { this.sql.exec("PRAGMA synchronous = OFF"); } }`,
    },
    {
      name: "a class that does not extend DurableObject",
      code: `class Foo extends Bar { m() { this.ctx.storage.sql.exec("PRAGMA journal_mode"); } }`,
    },
    {
      name: "an RPC stub's exec is the user's own method",
      code: `${DO}export class Room extends DurableObject<Env> {
  async m(id: DurableObjectId) {
    const stub = this.env.DB_OBJECT.get(id);
    await stub.exec("PRAGMA journal_mode = WAL");
  }
}`,
    },
    // Durable Object storage, but not SQL.
    {
      name: "PRAGMA and ATTACH as keys of the storage KV API",
      code: `${DO}class A extends DurableObject { async m() { await this.ctx.storage.put("PRAGMA journal_mode", 1); this.ctx.storage.kv.put("ATTACH", 1); } }`,
    },
    {
      name: "an allowed PRAGMA in the Agents SDK's tag",
      code: `${AGENT}export class Chat extends Agent<Env> { m() { return this.sql\`PRAGMA table_info(msgs)\`; } }`,
    },
  ],
  invalid: [
    {
      name: "journal_mode in a constructor, through a field",
      code: `${DO}export class Notes extends DurableObject<Env> {
  sql: SqlStorage;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("PRAGMA journal_mode = WAL");
  }
}`,
      errors: [{ ...pragma("journal_mode = …", ENGINE), line: 7, column: 20, endLine: 7, endColumn: 45 }],
    },
    {
      name: "integrity_check read back by column: advice to use quick_check, no automatic replacement",
      code: `${DO}export class Db extends DurableObject {
  check() {
    return this.ctx.storage.sql.exec<{ integrity_check: string }>('PRAGMA integrity_check').one().integrity_check;
  }
}`,
      errors: [{ ...pragma("integrity_check", INTEGRITY), line: 4, column: 68, endLine: 4, endColumn: 90 }],
    },
    {
      name: "page_count and schema_version have their own advice; a typo is pointed to the docs' list",
      code: inMethod(`"PRAGMA page_count; PRAGMA schema_version; PRAGMA tabel_info(users)"`),
      errors: [
        { ...pragma("page_count", PAGE_COUNT), line: 2, column: IN_METHOD_COL, endLine: 2, endColumn: IN_METHOD_COL + 17 },
        { ...pragma("schema_version", SCHEMA_VERSION), line: 2, column: IN_METHOD_COL + 19, endLine: 2, endColumn: IN_METHOD_COL + 40 },
        { ...pragma("tabel_info(…)", REMOVE), line: 2, column: IN_METHOD_COL + 42, endLine: 2, endColumn: IN_METHOD_COL + 66 },
      ],
    },
    {
      name: "only the denied statement of several, with schema, call form and letter case as written",
      code: inMethod(`"CREATE TABLE t (a); PRAGMA MAIN.Cache_Size(-2000); PRAGMA foreign_keys = ON"`),
      errors: [{ ...pragma("Cache_Size(…)", ENGINE), line: 2, column: IN_METHOD_COL + 20, endLine: 2, endColumn: IN_METHOD_COL + 49 }],
    },
    {
      name: "page_size = N is refused though reading it is allowed",
      code: inMethod(`'PRAGMA page_size = 8192'`),
      errors: [{ ...pragma("page_size = …", ENGINE), line: 2, column: IN_METHOD_COL, endLine: 2, endColumn: IN_METHOD_COL + 23 }],
    },
    {
      name: "a template placeholder as the value: the range covers it",
      code: `${DO}class A extends DurableObject {
  m(ms: number) {
    const { sql } = this.ctx.storage;
    sql.exec(\`PRAGMA busy_timeout = \${ms}\`);
  }
}`,
      errors: [{ ...pragma("busy_timeout = …", ENGINE), line: 5, column: 15, endLine: 5, endColumn: 42 }],
    },
    {
      name: "a binding as the value",
      code: inMethod(`"PRAGMA hard_heap_limit = ?", 1024`),
      errors: [{ ...pragma("hard_heap_limit = …", ENGINE), line: 2, column: IN_METHOD_COL, endLine: 2, endColumn: IN_METHOD_COL + 26 }],
    },
    {
      name: "a const and an escape sequence: reported at the argument; a concatenation: at its text, across the `+`",
      code: `${DO}const SETUP = "PRAGMA synchronous = OFF";
class A extends DurableObject {
  m() {
    this.ctx.storage.sql.exec(SETUP);
    this.ctx.storage.sql.exec("PRAGMA " + "locking_mode = EXCLUSIVE");
    this.ctx.storage.sql.exec("PRAGMA secure_delete = ON;\\n");
  }
}`,
      errors: [
        { ...pragma("synchronous = …", ENGINE), line: 5, column: 31, endLine: 5, endColumn: 36 },
        { ...pragma("locking_mode = …", ENGINE), line: 6, column: 32, endLine: 6, endColumn: 68 },
        { ...pragma("secure_delete = …", ENGINE), line: 7, column: 31, endLine: 7, endColumn: 61 },
      ],
    },
    {
      name: "ATTACH and DETACH",
      code: `${DO}class A extends DurableObject {
  #db = this.ctx.storage.sql;
  m() {
    this.#db.exec("ATTACH DATABASE 'archive.db' AS archive");
    this.#db.exec(\`DETACH archive\`);
  }
}`,
      errors: [
        { messageId: "attach", line: 5, column: 20, endLine: 5, endColumn: 59 },
        { messageId: "detach", line: 6, column: 20, endLine: 6, endColumn: 34 },
      ],
    },
    {
      name: "a reserved table name across lines of a template literal",
      code: `${DO}export class Settings extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(\`
        CREATE TABLE IF NOT EXISTS _CF_Settings (
          key TEXT PRIMARY KEY,
          value TEXT
        )
      \`);
    });
  }
}`,
      errors: [{ ...reserved("CREATE TABLE", "_CF_Settings"), line: 7, column: 9, endLine: 10, endColumn: 10 }],
    },
    {
      name: "indexes (by name or by table), views, triggers, virtual tables; quoted and placeholder names",
      code: `function migrate(sql: SqlStorage, suffix: string) {
  sql.exec('CREATE UNIQUE INDEX IF NOT EXISTS main."_cf_idx" ON t(a)');
  sql.exec("CREATE INDEX kv_key ON _cf_KV(key)");
  sql.exec("CREATE VIEW [_cf_view] AS SELECT 1");
  sql.exec("CREATE TRIGGER audit AFTER UPDATE OF value ON _cf_KV BEGIN SELECT 1; END");
  sql.exec("CREATE VIRTUAL TABLE _cf_search USING fts5(body)");
  sql.exec(\`CREATE TABLE _cf_\${suffix} (a)\`);
}`,
      errors: [
        { ...reserved("CREATE INDEX", "_cf_idx"), line: 2, column: 13, endLine: 2, endColumn: 69 },
        { ...reserved("CREATE INDEX", "_cf_KV"), line: 3, column: 13, endLine: 3, endColumn: 47 },
        { ...reserved("CREATE VIEW", "_cf_view"), line: 4, column: 13, endLine: 4, endColumn: 47 },
        { ...reserved("CREATE TRIGGER", "_cf_KV"), line: 5, column: 13, endLine: 5, endColumn: 85 },
        { ...reserved("CREATE VIRTUAL TABLE", "_cf_search"), line: 6, column: 13, endLine: 6, endColumn: 61 },
        { ...reserved("CREATE TABLE", "_cf_${…}"), line: 7, column: 13, endLine: 7, endColumn: 43 },
      ],
    },
    {
      name: "old module style, plain JavaScript",
      code: `export class Counter {
  constructor(state, env) { this.state = state; this.env = env; }
  async fetch(request) {
    this.state.storage.sql.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return new Response("ok");
  }
}`,
      filename: "counter.js",
      errors: [{ ...pragma("wal_checkpoint(…)", ENGINE), line: 4, column: 34, endLine: 4, endColumn: 65 }],
    },
    {
      name: "TypeScript parameter property, quoted pragma name",
      code: `export class Room implements DurableObject {
  constructor(private readonly state: DurableObjectState, private env: Env) {}
  async fetch() { this.state.storage.sql.exec("PRAGMA 'application_id' = 7"); return new Response(); }
}`,
      errors: [{ ...pragma("application_id = …", REMOVE), line: 3, column: 48, endLine: 3, endColumn: 75 }],
    },
    {
      name: "with type information: a handle known only by its type",
      code: `declare function getSql(): SqlStorage;
export function setup() {
  const db = getSql();
  db.exec("PRAGMA temp_store = MEMORY");
}`,
      filename: path.join(typedDir, "file.ts"),
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: typedDir } },
      errors: [{ ...pragma("temp_store = …", ENGINE), line: 4, column: 12, endLine: 4, endColumn: 38 }],
    },
    {
      name: "a denied PRAGMA in the Agents SDK's this.sql tag",
      code: `${AGENT}export class Chat extends Agent<Env> { onStart() { this.sql\`PRAGMA journal_mode = WAL\`; } }`,
      errors: [
        { messageId: "pragma", data: { pragma: "journal_mode = …", advice: ENGINE }, line: 2, column: 61, endLine: 2, endColumn: 86 },
      ],
    },
  ],
});
