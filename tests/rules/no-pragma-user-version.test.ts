import rule, { CREATE_MIGRATIONS } from "../../rules/no-pragma-user-version.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
const AGENT = `import { Agent } from "agents";\n`;
const CREATE_AND_READ = `${CREATE_MIGRATIONS}; SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations`;
const read = { messageId: "read" } as const;

new RuleTester().run("no-pragma-user-version", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    // Not Durable Object SQL.
    {
      name: "better-sqlite3's exec",
      code: `import Database from "better-sqlite3"; const db = new Database(":memory:"); db.exec("PRAGMA user_version = 1");`,
    },
    {
      name: "D1's exec",
      code: `export default { async fetch(req: Request, env: Env) { await env.DB.exec("PRAGMA user_version"); return new Response(); } }`,
    },
    {
      name: "a look-alike object with an exec method",
      code: `const sql = { exec(q: string) { return q; } }; sql.exec("PRAGMA user_version");`,
    },
    {
      name: "a field of a Durable Object that is not its storage",
      code: `${DO}class A extends DurableObject { sql = makeDb(); m() { this.sql.exec("PRAGMA user_version"); } }`,
    },
    {
      name: "a class that does not extend DurableObject",
      code: `class Foo extends Bar { m() { this.ctx.storage.sql.exec("PRAGMA user_version"); } }`,
    },
    {
      name: "a parameter typed as a plain object with exec",
      code: `function f(storage: Map<string, unknown>, sql: { exec(q: string): void }) { sql.exec("PRAGMA user_version"); }`,
    },
    // Never executed, or not a statement.
    {
      name: "a query string that is never executed",
      code: `${DO}class A extends DurableObject { m() { const q = "PRAGMA user_version"; return q; } }`,
    },
    {
      name: "the PRAGMA inside an SQL comment",
      code: `${DO}class A extends DurableObject { m() { this.ctx.storage.sql.exec("-- PRAGMA user_version\\nSELECT 1"); } }`,
    },
    {
      name: "the PRAGMA inside an SQL string literal",
      code: `${DO}class A extends DurableObject { m() { this.ctx.storage.sql.exec("SELECT 'PRAGMA user_version' AS s"); } }`,
    },
    {
      name: "PRAGMA table_info is another PRAGMA",
      code: `${DO}class A extends DurableObject { m() { this.ctx.storage.sql.exec("PRAGMA table_info(users)"); } }`,
    },
    {
      name: "a PRAGMA name known only at run time",
      code: `${DO}class A extends DurableObject { m(name: string) { this.ctx.storage.sql.exec(\`PRAGMA \${name}\`); } }`,
    },
    // The Agents SDK's tagged template: only the framework's own `sql`.
    {
      name: "a class of the Agents SDK that declares its own sql method",
      code: `${AGENT}export class Chat extends Agent<Env> { sql(s: TemplateStringsArray) { return s; } m() { this.sql\`PRAGMA user_version\`; } }`,
    },
    {
      name: "a sql tag of another library in a class of the Agents SDK",
      code: `${AGENT}import { sql } from "drizzle-orm";\nexport class Chat extends Agent<Env> { m() { return sql\`PRAGMA user_version\`; } }`,
    },
  ],
  invalid: [
    {
      name: "built with +: reported across the pieces, and no suggestion, which would have to rewrite the +",
      code: `${DO}class A extends DurableObject { m() { this.ctx.storage.sql.exec("PRAGMA " + "user_version"); } }`,
      errors: [{ ...read, line: 2, column: 66, endLine: 2, endColumn: 90, suggestions: [] }],
    },
    {
      name: "built with + of many pieces: the PRAGMA in its own piece is read, reported and replaced there",
      code: `${DO}class A extends DurableObject { m() { return this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS a (x); " + "CREATE TABLE IF NOT EXISTS b (x); " + "CREATE TABLE IF NOT EXISTS c (x); " + "CREATE TABLE IF NOT EXISTS d (x); " + "CREATE TABLE IF NOT EXISTS e (x); " + "CREATE TABLE IF NOT EXISTS f (x); " + "CREATE TABLE IF NOT EXISTS g (x); " + "CREATE TABLE IF NOT EXISTS h (x); " + "CREATE TABLE IF NOT EXISTS i (x); " + "CREATE TABLE IF NOT EXISTS j (x); " + "CREATE TABLE IF NOT EXISTS k (x); " + "PRAGMA user_version"); } }`,
      errors: [
        {
          ...read,
          line: 2,
          column: 502,
          endLine: 2,
          endColumn: 521,
          suggestions: [
            {
              messageId: "suggestRead",
              data: { creating: " (created if missing)" },
              output: `${DO}class A extends DurableObject { m() { return this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS a (x); " + "CREATE TABLE IF NOT EXISTS b (x); " + "CREATE TABLE IF NOT EXISTS c (x); " + "CREATE TABLE IF NOT EXISTS d (x); " + "CREATE TABLE IF NOT EXISTS e (x); " + "CREATE TABLE IF NOT EXISTS f (x); " + "CREATE TABLE IF NOT EXISTS g (x); " + "CREATE TABLE IF NOT EXISTS h (x); " + "CREATE TABLE IF NOT EXISTS i (x); " + "CREATE TABLE IF NOT EXISTS j (x); " + "CREATE TABLE IF NOT EXISTS k (x); " + "${CREATE_MIGRATIONS}; SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations"); } }`,
            },
          ],
        },
      ],
    },
    // Every TypeScript wrapper that keeps the value is looked through, the same way everywhere; the
    // report covers the argument (no suggestion: only a plain literal is rewritten).
    ...(
      [
        [`<string>"PRAGMA user_version"`, 72, 101],
        [`"PRAGMA user_version" as string`, 72, 103],
        [`("PRAGMA user_version" satisfies string)`, 73, 111],
        [`("PRAGMA user_version")!`, 72, 96],
      ] as const
    ).map(([arg, column, endColumn]) => ({
      name: `the string inside ${arg}`,
      code: `${DO}class A extends DurableObject { m() { return this.ctx.storage.sql.exec(${arg}).one(); } }`,
      errors: [{ ...read, line: 2, column, endLine: 2, endColumn, suggestions: [] }],
    })),
    {
      name: "the older pattern docs' migration",
      code: `${DO}export class MyDurableObject extends DurableObject {
  sql: SqlStorage;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const ver = this.sql.exec("PRAGMA user_version").one()?.user_version || 0;
    if (ver === 0) {
      this.sql.exec(\`CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)\`);
      this.sql.exec("PRAGMA user_version = 1");
    }
  }
}`,
      errors: [
        {
          ...read,
          line: 7,
          column: 32,
          endLine: 7,
          endColumn: 51,
          suggestions: [
            {
              messageId: "suggestRead",
              data: { creating: " (created if missing)" },
              output: `${DO}export class MyDurableObject extends DurableObject {
  sql: SqlStorage;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const ver = this.sql.exec("${CREATE_MIGRATIONS}; SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations").one()?.user_version || 0;
    if (ver === 0) {
      this.sql.exec(\`CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)\`);
      this.sql.exec("PRAGMA user_version = 1");
    }
  }
}`,
            },
          ],
        },
        {
          messageId: "write",
          line: 10,
          column: 22,
          endLine: 10,
          endColumn: 45,
          suggestions: [
            {
              messageId: "suggestWrite",
              data: { version: "1", creating: " (created if missing)" },
              output: `${DO}export class MyDurableObject extends DurableObject {
  sql: SqlStorage;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const ver = this.sql.exec("PRAGMA user_version").one()?.user_version || 0;
    if (ver === 0) {
      this.sql.exec(\`CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)\`);
      this.sql.exec("${CREATE_MIGRATIONS}; INSERT INTO _sql_schema_migrations (id) VALUES (1)");
    }
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "the table is created elsewhere in the file: no CREATE in the suggestion",
      code: `${DO}class A extends DurableObject {
  m() {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS _sql_schema_migrations (id INTEGER PRIMARY KEY)");
    return sql.exec("pragma  main.USER_VERSION").one().user_version;
  }
}`,
      errors: [
        {
          ...read,
          line: 6,
          column: 22,
          endLine: 6,
          endColumn: 47,
          suggestions: [
            {
              messageId: "suggestRead",
              data: { creating: "" },
              output: `${DO}class A extends DurableObject {
  m() {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS _sql_schema_migrations (id INTEGER PRIMARY KEY)");
    return sql.exec("SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations").one().user_version;
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "another class creating the table does not count: each Durable Object has its own database",
      code: `${DO}class Notes extends DurableObject {
  m() { this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS _sql_schema_migrations (id INTEGER PRIMARY KEY)"); }
}
class Legacy extends DurableObject {
  m() { this.ctx.storage.sql.exec("PRAGMA user_version"); }
}`,
      errors: [
        {
          ...read,
          line: 6,
          column: 36,
          endLine: 6,
          endColumn: 55,
          suggestions: [
            {
              messageId: "suggestRead",
              data: { creating: " (created if missing)" },
              output: `${DO}class Notes extends DurableObject {
  m() { this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS _sql_schema_migrations (id INTEGER PRIMARY KEY)"); }
}
class Legacy extends DurableObject {
  m() { this.ctx.storage.sql.exec("${CREATE_MIGRATIONS}; SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations"); }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a template placeholder as the version, through destructuring",
      code: `${DO}class A extends DurableObject {
  m(next: number) {
    const { sql } = this.ctx.storage;
    sql.exec(\`CREATE TABLE IF NOT EXISTS _sql_schema_migrations (id INTEGER PRIMARY KEY)\`);
    sql.exec(\`PRAGMA user_version = \${next}\`);
  }
}`,
      errors: [
        {
          messageId: "write",
          line: 6,
          column: 15,
          endLine: 6,
          endColumn: 44,
          suggestions: [
            {
              messageId: "suggestWrite",
              data: { version: "${next}", creating: "" },
              output: `${DO}class A extends DurableObject {
  m(next: number) {
    const { sql } = this.ctx.storage;
    sql.exec(\`CREATE TABLE IF NOT EXISTS _sql_schema_migrations (id INTEGER PRIMARY KEY)\`);
    sql.exec(\`INSERT INTO _sql_schema_migrations (id) VALUES (\${next})\`);
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "one statement of several; a ? binding stays a binding",
      code: `function migrate(sql: SqlStorage) {
  sql.exec("CREATE TABLE _sql_schema_migrations (id INTEGER PRIMARY KEY); PRAGMA user_version = ?", 2);
}`,
      errors: [
        {
          messageId: "write",
          line: 2,
          column: 75,
          endLine: 2,
          endColumn: 98,
          suggestions: [
            {
              messageId: "suggestWrite",
              data: { version: "?", creating: "" },
              output: `function migrate(sql: SqlStorage) {
  sql.exec("CREATE TABLE _sql_schema_migrations (id INTEGER PRIMARY KEY); INSERT INTO _sql_schema_migrations (id) VALUES (?)", 2);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "call form PRAGMA user_version(4) in a transaction's SQL is still a write",
      code: `${DO}class A extends DurableObject {
  #db = this.ctx.storage.sql;
  m() { this.#db.exec('PRAGMA user_version(4)'); }
}`,
      errors: [
        {
          messageId: "write",
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 46,
          suggestions: [
            {
              messageId: "suggestWrite",
              data: { version: "4", creating: " (created if missing)" },
              output: `${DO}class A extends DurableObject {
  #db = this.ctx.storage.sql;
  m() { this.#db.exec('${CREATE_MIGRATIONS}; INSERT INTO _sql_schema_migrations (id) VALUES (4)'); }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a const string: reported at the argument, no suggestion (the text is elsewhere)",
      code: `${DO}const Q = "PRAGMA user_version";
class A extends DurableObject { m() { return this.ctx.storage.sql.exec(Q).one(); } }`,
      errors: [{ ...read, line: 3, column: 72, endLine: 3, endColumn: 73, suggestions: [] }],
    },
    {
      name: "a read with bindings gets no suggestion",
      code: `${DO}class A extends DurableObject { m() { this.ctx.storage.sql.exec("PRAGMA user_version", 1); } }`,
      errors: [{ ...read, line: 2, column: 66, endLine: 2, endColumn: 85, suggestions: [] }],
    },
    {
      name: "old module style, plain JavaScript",
      code: `export class Counter {
  constructor(state, env) { this.state = state; this.env = env; }
  async fetch(request) {
    this.state.storage.sql.exec("PRAGMA user_version");
    return new Response("ok");
  }
}`,
      filename: "counter.js",
      errors: [
        {
          ...read,
          line: 4,
          column: 34,
          endLine: 4,
          endColumn: 53,
          suggestions: [
            {
              messageId: "suggestRead",
              data: { creating: " (created if missing)" },
              output: `export class Counter {
  constructor(state, env) { this.state = state; this.env = env; }
  async fetch(request) {
    this.state.storage.sql.exec("${CREATE_MIGRATIONS}; SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations");
    return new Response("ok");
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "TypeScript parameter property",
      code: `export class Room implements DurableObject {
  constructor(private readonly state: DurableObjectState, private env: Env) {}
  async fetch() { this.state.storage.sql.exec("PRAGMA user_version = 7"); return new Response(); }
}`,
      errors: [
        {
          messageId: "write",
          line: 3,
          column: 48,
          endLine: 3,
          endColumn: 71,
          suggestions: [
            {
              messageId: "suggestWrite",
              data: { version: "7", creating: " (created if missing)" },
              output: `export class Room implements DurableObject {
  constructor(private readonly state: DurableObjectState, private env: Env) {}
  async fetch() { this.state.storage.sql.exec("${CREATE_MIGRATIONS}; INSERT INTO _sql_schema_migrations (id) VALUES (7)"); return new Response(); }
}`,
            },
          ],
        },
      ],
    },
    // The Agents SDK's `this.sql` tagged template runs its text with `exec`.
    {
      name: "this.sql`PRAGMA user_version` in an Agent: the read is replaced inside the template",
      code: `${AGENT}export class Chat extends Agent<Env> { onStart() { this.sql\`PRAGMA user_version\`; } }`,
      errors: [
        {
          ...read,
          line: 2,
          column: 61,
          endLine: 2,
          endColumn: 80,
          suggestions: [
            {
              messageId: "suggestRead",
              data: { creating: " (created if missing)" },
              output: `${AGENT}export class Chat extends Agent<Env> { onStart() { this.sql\`${CREATE_AND_READ}\`; } }`,
            },
          ],
        },
      ],
    },
    {
      name: "this.sql`PRAGMA user_version = 2` in an Agent: the version is inserted instead",
      code: `${AGENT}export class Chat extends Agent<Env> { onStart() { this.sql\`PRAGMA user_version = 2\`; } }`,
      errors: [
        {
          messageId: "write",
          line: 2,
          column: 61,
          endLine: 2,
          endColumn: 84,
          suggestions: [
            {
              messageId: "suggestWrite",
              data: { version: "2", creating: " (created if missing)" },
              output: `${AGENT}export class Chat extends Agent<Env> { onStart() { this.sql\`${CREATE_MIGRATIONS}; INSERT INTO _sql_schema_migrations (id) VALUES (2)\`; } }`,
            },
          ],
        },
      ],
    },
    {
      name: "a version bound with ${…} in the tag: inserted, the ${…} kept where it is, bound",
      code: `${AGENT}export class Chat extends Agent<Env> { m(v: number) { this.sql\`PRAGMA user_version = \${v}\`; } }`,
      errors: [
        {
          messageId: "write",
          line: 2,
          column: 64,
          endLine: 2,
          endColumn: 90,
          suggestions: [
            {
              messageId: "suggestWrite",
              data: { version: "${v}", creating: " (created if missing)" },
              output: `${AGENT}export class Chat extends Agent<Env> { m(v: number) { this.sql\`${CREATE_MIGRATIONS}; INSERT INTO _sql_schema_migrations (id) VALUES (\${v})\`; } }`,
            },
          ],
        },
      ],
    },
    {
      name: "a tag's ${…} followed by more of the statement: reported, with no suggestion",
      code: `${AGENT}export class Chat extends Agent<Env> { m(v: number) { this.sql\`PRAGMA user_version = \${v} + 1\`; } }`,
      errors: [{ messageId: "write", line: 2, column: 64, endLine: 2, endColumn: 94, suggestions: [] }],
    },
  ],
});
