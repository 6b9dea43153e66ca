import path from "node:path";
import { fileURLToPath } from "node:url";
import rule from "../../rules/require-sqlite-backend.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures");
/** A file in `src/` of a fixture project, whose wrangler config declares `Room` key-value backed and `Chat` SQLite (or names nothing). */
const inFixture = (dir: string) => path.join(fixtures, dir, "src/room.ts");
const migrations = inFixture("backend-migrations");
const DO = `import { DurableObject } from "cloudflare:workers";\n`;

/** An exported Durable Object class `name` whose `m()` body is `body`. */
const cls = (name: string, body: string) => `${DO}export class ${name} extends DurableObject<Env> {
  m() {
    ${body}
  }
}`;
const SQL = `return this.ctx.storage.sql.exec("SELECT 1 AS x").one().x;`;

new RuleTester().run("require-sqlite-backend", rule, {
  valid: [
    ...patternDocCases(() =>
      docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code, filename: migrations })),
    ),
    { name: "a class the config declares SQLite-backed", code: cls("Chat", SQL), filename: migrations },
    { name: "a class the config does not name", code: cls("Other", SQL), filename: migrations },
    { name: "no wrangler config at all", code: cls("Room", SQL), filename: path.join(fixtures, "none/src/room.ts") },
    { name: "a malformed config tells nothing", code: cls("Room", SQL), filename: inFixture("wrangler-broken") },
    {
      name: "the key-value class using only the asynchronous API (and transactionSync, which workerd allows on both)",
      code: cls(
        "Room",
        `await this.ctx.storage.put("a", 1); this.ctx.storage.transactionSync(() => 1); return this.ctx.storage.get("a");`,
      ).replace("  m() {", "  async m() {"),
      filename: migrations,
    },
    {
      name: "reaching `storage.sql` without using it does not throw",
      code: cls("Room", `const sql = this.ctx.storage.sql; return typeof sql;`),
      filename: migrations,
    },
    {
      name: "a class that is not exported is no class the config can name",
      code: `${DO}class Room extends DurableObject<Env> {\n  m() {\n    ${SQL}\n  }\n}\nexport default {};`,
      filename: migrations,
    },
    {
      name: "a base class that a SQLite-backed class extends too: which backend runs it cannot be told",
      code: `${DO}class Base extends DurableObject<Env> {\n  m() {\n    ${SQL}\n  }\n}\nexport class Room extends Base {}\nexport class Chat extends Base {}`,
      filename: migrations,
    },
    { name: "Workers KV is not storage.kv", code: cls("Room", `return this.env.CACHE.get("a");`), filename: migrations },
    {
      name: "the Agents SDK's this.sql in a class declared SQLite-backed",
      code: `import { Agent } from "agents";\nexport class Chat extends Agent<Env> {\n  m() {\n    return this.sql\`SELECT 1 AS x\`;\n  }\n}`,
      filename: migrations,
    },
  ],
  invalid: [
    {
      name: "sql.exec in a class declared in new_classes",
      code: cls("Room", SQL),
      filename: migrations,
      errors: [
        {
          messageId: "kvMigrations",
          data: { api: "`sql.exec()`", config: "`../wrangler.jsonc`", className: "Room" },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 54,
        },
      ],
    },
    {
      name: "storage.kv and sql.databaseSize, once per API, through a field alias",
      code: `${DO}export class Room extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  m() {
    this.ctx.storage.kv.put("a", 1);
    this.ctx.storage.kv.put("b", 2);
    return this.sql.databaseSize + (this.ctx.storage.kv.get<number>("a") ?? 0);
  }
}`,
      filename: migrations,
      errors: [
        {
          messageId: "kvMigrations",
          data: { api: "`kv.put()`", config: "`../wrangler.jsonc`", className: "Room" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 36,
        },
        {
          messageId: "kvMigrations",
          data: { api: "`sql.databaseSize`", config: "`../wrangler.jsonc`", className: "Room" },
          line: 7,
          column: 12,
          endLine: 7,
          endColumn: 33,
        },
        {
          messageId: "kvMigrations",
          data: { api: "`kv.get()`", config: "`../wrangler.jsonc`", className: "Room" },
          line: 7,
          column: 37,
          endLine: 7,
          endColumn: 73,
        },
      ],
    },
    {
      name: "exported under another name, declared in the exports field of wrangler.toml",
      code: `${DO}class ChatRoom extends DurableObject<Env> {\n  m() {\n    ${SQL}\n  }\n}\nexport { ChatRoom as Room };`,
      filename: inFixture("backend-exports"),
      errors: [
        {
          messageId: "kvExports",
          data: { api: "`sql.exec()`", config: "`../wrangler.toml`", className: "Room" },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 54,
        },
      ],
    },
    {
      name: "renamed from a key-value class; the use in a local base class runs in it",
      code: `${DO}class Base extends DurableObject<Env> {\n  m() {\n    ${SQL}\n  }\n}\nexport class Room extends Base {}`,
      filename: inFixture("backend-renamed"),
      errors: [
        {
          messageId: "kvRenamed",
          data: { api: "`sql.exec()`", config: "`../wrangler.json`", className: "Room" },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 54,
        },
      ],
    },
    {
      name: "the Agents SDK's this.sql tag in a class declared in new_classes: it runs exec() on the database",
      code: `import { Agent } from "agents";\nexport class Room extends Agent<Env> {\n  m() {\n    return this.sql\`SELECT 1 AS x\`;\n  }\n}`,
      filename: migrations,
      errors: [
        {
          messageId: "kvMigrations",
          data: { api: "`this.sql`", config: "`../wrangler.jsonc`", className: "Room" },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 35,
        },
      ],
    },
  ],
});
