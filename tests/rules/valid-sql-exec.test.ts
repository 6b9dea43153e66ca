import rule from "../../rules/valid-sql-exec.js";
import { CURRENT_DOCS, OLDER_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
const AGENT = `import { Agent } from "agents";\n`;
/**
 * A Durable Object method whose body is `lines` (one statement per line), after
 * `const sql = this.ctx.storage.sql;` on line 4: the first line of `lines` is line 5, and its code
 * starts at column 5.
 */
const m = (...lines: string[]) => `${DO}export class C extends DurableObject<Env> {
  async m(id: string, t: string, v: unknown) {
    const sql = this.ctx.storage.sql;
    ${lines.join("\n    ")}
  }
}`;

const count = (subject: string, params: string, values: string) => ({
  messageId: "bindingCount" as const,
  data: { subject, params, values },
});
const one = (check: string) => ({ messageId: "oneNeverUndefined" as const, data: { check } });

const olderDocs = () => docBlocks(OLDER_DOCS);

new RuleTester().run("valid-sql-exec", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    ...patternDocCases(() =>
      olderDocs()
        .slice(1)
        .map((b) => ({ name: `older pattern docs: ${b.heading}`, code: b.code })),
    ),
    // Not Durable Object SQL.
    {
      name: "D1: prepare().bind() with any count, first() may be null",
      code: `export default { async fetch(req: Request, env: Env) { const r = await env.DB.prepare("SELECT * FROM t WHERE id = ?").bind(1, 2).first(); await env.DB.exec("SELECT ?; SELECT 1"); return Response.json(r ?? null); } }`,
    },
    {
      name: "better-sqlite3",
      code: `import Database from "better-sqlite3"; const db = new Database(":memory:"); db.exec("INSERT INTO t VALUES (?); SELECT 1"); const row = db.prepare("SELECT ? AS a").get(); if (!row) throw new Error();`,
    },
    {
      name: "an object with an exec method",
      code: `const sql = { exec(q: string, ...b: unknown[]) { return { one: () => undefined as { x: number } | undefined }; } }; async function f() { await sql.exec("SELECT ?"); return sql.exec("SELECT ?", 1, 2).one()?.x; }`,
    },
    {
      name: "a field that is not Durable Object SQL",
      code: `${DO}class A extends DurableObject { sql = makeDb(); async m() { await this.sql.exec("SELECT ?"); return this.sql.exec("SELECT 1").one()?.x; } }`,
    },
    {
      name: "a class that is not a Durable Object",
      code: `class Foo extends Bar { m() { return this.ctx.storage.sql.exec("SELECT ?").one() ?? null; } }`,
    },
    // Binding counts that match.
    { name: "one value per `?`", code: m(`sql.exec("SELECT * FROM t WHERE a = ? AND b = ?", id, t);`) },
    { name: "`?NNN` in any order", code: m(`sql.exec("SELECT ?2 AS b, ?1 AS a", id, t);`) },
    { name: "`?1` twice is one position", code: m(`sql.exec("SELECT ?1 AS a, ?1 AS b", id);`) },
    { name: "named parameters are bound by position", code: m(`sql.exec("SELECT :a AS a, :a AS b, @c AS c, $d AS d", id, t, v);`) },
    { name: "`?` in strings, quoted names and comments", code: m(`sql.exec("SELECT '?' AS q, \\"?\\" AS r -- ?\\n");`) },
    {
      name: "parameters in the last statement only",
      code: m(`sql.exec("CREATE TABLE IF NOT EXISTS t (v); INSERT INTO t VALUES (?)", v);`),
    },
    { name: "a trailing `;` and newlines", code: m(`sql.exec("CREATE TABLE IF NOT EXISTS t (v);\\n  INSERT INTO t VALUES (?);\\n", v);`) },
    {
      name: "a trigger body is part of its statement",
      code: m(`sql.exec(\`CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE c SET n = n + 1; END; INSERT INTO t VALUES (?)\`, v);`),
    },
    { name: "a statement that is only `${…}` may be empty", code: m(`sql.exec(\`INSERT INTO t VALUES (?); \${t}\`, v);`) },
    { name: "spread bindings: the count is unknown", code: m(`const args = [id, t];`, `sql.exec("SELECT ?, ?, ?", ...args);`) },
    {
      name: "a `${…}` can hold more parameters: more values than visible ones are fine",
      code: m(`const ph = "?, ?";`, `sql.exec(\`INSERT INTO t (a, b) VALUES (\${ph})\`, id, t);`),
    },
    { name: "SQL built at run time", code: m(`sql.exec(["SELECT", "?"].join(" "));`) },
    { name: "a reassigned query variable", code: m(`let q = "SELECT ?";`, `q = "SELECT 1";`, `sql.exec(q);`) },
    // Left alone: SQLite or workerd fails for another reason, or the tokenizer could disagree with SQLite.
    { name: "`?0` does not prepare", code: m(`sql.exec("SELECT ?0");`) },
    { name: "TCL-style `$a::b` is one parameter", code: m(`sql.exec("SELECT $a::b", id);`) },
    { name: "`#name`", code: m(`sql.exec("SELECT #a", id, t);`) },
    {
      name: "a comment after the last `;` is a statement of its own for workerd",
      code: m(`sql.exec("DELETE FROM t WHERE id = ?; -- done");`),
    },
    { name: "an empty statement", code: m(`sql.exec("SELECT ?;; SELECT 1", id);`) },
    // .one() used as a row.
    { name: "`.one().v`", code: m(`return sql.exec("SELECT v FROM t WHERE id = ?", id).one().v;`) },
    {
      name: "`??` on a column, which may be null",
      code: m(`const row = sql.exec("SELECT v FROM t WHERE id = ?", id).one();`, `return row.v ?? 0;`),
    },
    { name: "`.toArray()[0]?.v`", code: m(`return sql.exec("SELECT v FROM t WHERE id = ?", id).toArray()[0]?.v ?? 0;`) },
    {
      name: "the row as a fallback, not checked",
      code: m(`const a = [1]; const b = t || sql.exec("SELECT 1 AS n").one(); return a && b;`),
    },
    {
      name: "a variable assigned again",
      code: m(`let row = sql.exec("SELECT v FROM t").one();`, `if (id) row = { v: 1 };`, `return row ?? null;`),
    },
    {
      name: "`one()` of something else",
      code: m(`const items = { one: () => undefined as { x: number } | undefined };`, `return items.one()?.x;`),
    },
    {
      name: "a shadowed `undefined`",
      code: m(`const undefined = 1;`, `const row = sql.exec("SELECT 1 AS n").one();`, `return row === undefined;`),
    },
    // await on something else.
    { name: "awaiting storage", code: m(`await this.ctx.storage.get("k");`, `await this.ctx.storage.put("k", 1);`) },
    {
      name: "an array method that returns a promise",
      code: m(
        `return await sql.exec("SELECT v FROM t").toArray().reduce(async (acc: Promise<number>) => (await acc) + 1, Promise.resolve(0));`,
      ),
    },
    {
      name: "`for await` over a cursor, and an awaited cursor variable (not checked)",
      code: m(`const c = sql.exec("SELECT v FROM t");`, `for await (const r of sql.exec("SELECT v FROM t")) void r;`, `await c;`),
    },
    {
      name: "a fallback after .one() on a query that always yields one row is dead code, not a bug",
      code: `import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject {
  m(v: string) {
    const sql = this.ctx.storage.sql;
    const n = sql.exec("SELECT COUNT(*) AS n FROM t").one()?.n ?? 0;
    const id = sql.exec("INSERT INTO t (v) VALUES (?) RETURNING id", v).one()?.id;
    return { n, id };
  }
}
`,
    },
    { name: "100 parameters is the limit, not over it", code: m(`sql.exec("SELECT ${"?, ".repeat(99)}?", ...new Array(100).fill(id));`) },
    { name: "a 50-byte LIKE pattern is within the limit", code: m(`sql.exec("SELECT * FROM t WHERE a LIKE '${"%".repeat(50)}'");`) },
    { name: "a long pattern bound as a parameter is not judged", code: m(`sql.exec("SELECT * FROM t WHERE a LIKE ?", t.repeat(60));`) },
    {
      name: "an array bound to a single parameter on purpose, as JSON",
      code: m(`sql.exec("INSERT INTO t VALUES (?)", JSON.stringify([id, t]));`),
    },
    { name: "a variable that is not known to be an array", code: m(`sql.exec("INSERT INTO t VALUES (?)", v);`) },
    // The Agents SDK's `this.sql` tag binds each `${…}`: the count is right by construction.
    {
      name: "a tagged template's placeholders are its bindings",
      code: `${AGENT}export class Chat extends Agent<Env> { m(a: string, b: number) { return this.sql\`SELECT * FROM t WHERE a = \${a} AND b = \${b}\`; } }`,
    },
    {
      name: "a ? written in a tagged template is not judged (a documented limit)",
      code: `${AGENT}export class Chat extends Agent<Env> { m() { return this.sql\`SELECT * FROM t WHERE a = ?\`; } }`,
    },
  ],
  invalid: [
    {
      name: "an array as the only binding of two parameters: workerd throws Wrong number of parameter bindings",
      code: m(`sql.exec("INSERT INTO t VALUES (?, ?)", [id, t]);`),
      errors: [
        {
          messageId: "arrayBinding",
          line: 5,
          column: 45,
          endLine: 5,
          endColumn: 52,
          suggestions: [{ messageId: "suggestSpread", output: m(`sql.exec("INSERT INTO t VALUES (?, ?)", id, t);`) }],
        },
      ],
    },
    {
      name: "an array const bound to one parameter: stored as the string of its items",
      code: m(`const tags = [id, t];`, `sql.exec("INSERT INTO t VALUES (?)", tags);`),
      errors: [
        {
          messageId: "arrayBinding",
          line: 6,
          column: 42,
          endLine: 6,
          endColumn: 46,
          suggestions: [
            { messageId: "suggestSpread", output: m(`const tags = [id, t];`, `sql.exec("INSERT INTO t VALUES (?)", ...tags);`) },
          ],
        },
      ],
    },
    {
      name: "an array literal whose length does not match: reported, no suggestion",
      code: m(`sql.exec("INSERT INTO t VALUES (?, ?, ?)", [id, t]);`),
      errors: [{ messageId: "arrayBinding", line: 5, column: 48, endLine: 5, endColumn: 55, suggestions: [] }],
    },
    {
      name: "101 parameters",
      code: m(`sql.exec("SELECT ${"?, ".repeat(100)}?", ...new Array(101).fill(id));`),
      errors: [{ messageId: "tooManyParameters", data: { count: "101" }, line: 5, column: 14, endLine: 5, endColumn: 324 }],
    },
    {
      name: "?101 names the 101st parameter",
      code: m(`sql.exec("SELECT ?101", id);`),
      errors: [{ messageId: "tooManyParameters", data: { count: "101" }, line: 5, column: 14, endLine: 5, endColumn: 27 }],
    },
    {
      name: "SQL text over 100,000 bytes (a 2-byte character counts twice)",
      code: m(`sql.exec("INSERT INTO t VALUES ('${"é".repeat(50_000)}')");`),
      errors: [{ messageId: "sqlTooLong", data: { bytes: "100,025" }, line: 5, column: 14, endLine: 5, endColumn: 50041 }],
    },
    {
      name: "LIKE, NOT LIKE, GLOB and like() patterns over 50 bytes, each at its literal",
      code: m(
        `sql.exec("SELECT * FROM t WHERE a LIKE '${"%".repeat(51)}' OR a NOT LIKE '${"ab".repeat(30)}' OR a GLOB '${"*".repeat(51)}' OR like('${"é".repeat(26)}', a)");`,
      ),
      errors: [
        { messageId: "patternTooLong", data: { operator: "LIKE", bytes: "51" }, line: 5, column: 44, endLine: 5, endColumn: 97 },
        { messageId: "patternTooLong", data: { operator: "LIKE", bytes: "60" }, line: 5, column: 112, endLine: 5, endColumn: 174 },
        { messageId: "patternTooLong", data: { operator: "GLOB", bytes: "51" }, line: 5, column: 185, endLine: 5, endColumn: 238 },
        { messageId: "patternTooLong", data: { operator: "LIKE", bytes: "52" }, line: 5, column: 247, endLine: 5, endColumn: 275 },
      ],
    },
    // 1. Binding counts.
    {
      name: "a parameter without a value",
      code: m(`sql.exec("SELECT * FROM t WHERE id = ?");`),
      errors: [{ ...count("This SQL", "1 parameter", "0 values are"), line: 5, column: 14, endLine: 5, endColumn: 44 }],
    },
    {
      name: "a value without a parameter",
      code: m(`sql.exec("DELETE FROM t", id);`),
      errors: [{ ...count("This SQL", "0 parameters", "1 value is"), line: 5, column: 14, endLine: 5, endColumn: 29 }],
    },
    {
      name: "`?NNN` takes position NNN",
      code: m(`sql.exec("SELECT ?3", id);`),
      errors: [{ ...count("This SQL", "3 parameters", "1 value is"), line: 5, column: 14, endLine: 5, endColumn: 25 }],
    },
    {
      name: "each distinct named parameter takes a position",
      code: m(`sql.exec("SELECT :a, @b, :a", id);`),
      errors: [{ ...count("This SQL", "2 parameters", "1 value is"), line: 5, column: 14, endLine: 5, endColumn: 33 }],
    },
    {
      name: "with a `${…}`, too few values is still certain",
      code: m(`sql.exec(\`SELECT * FROM \${t} WHERE id = ? AND v = ?\`, id);`),
      errors: [{ ...count("This SQL", "at least 2 parameters", "1 value is"), line: 5, column: 14, endLine: 5, endColumn: 57 }],
    },
    {
      name: "the last statement's parameters count",
      code: m(`sql.exec("CREATE TABLE IF NOT EXISTS t (v); INSERT INTO t VALUES (?, ?)", v);`),
      errors: [{ ...count("The last statement", "2 parameters", "1 value is"), line: 5, column: 14, endLine: 5, endColumn: 77 }],
    },
    {
      name: "a query in a const",
      code: m(`const q = "SELECT ?";`, `sql.exec(q, 1, 2);`),
      errors: [{ ...count("This SQL", "1 parameter", "2 values are"), line: 6, column: 14, endLine: 6, endColumn: 15 }],
    },
    {
      name: "through a typed parameter and exec<T>",
      code: `function f(sql: SqlStorage) { return sql.exec<{ n: number }>("SELECT count(*) AS n FROM t WHERE a = ?").one().n; }`,
      errors: [{ ...count("This SQL", "1 parameter", "0 values are"), line: 1, column: 62, endLine: 1, endColumn: 103 }],
    },
    // 2. Parameters before the last statement.
    {
      name: "INSERT with a parameter, then SELECT: the report covers the statement",
      code: m(`sql.exec("INSERT INTO t (v) VALUES (?); SELECT last_insert_rowid() AS id", v);`),
      errors: [{ messageId: "paramsBeforeLast", line: 5, column: 15, endLine: 5, endColumn: 43 }],
    },
    {
      name: "without bindings too",
      code: m(`sql.exec("DELETE FROM t WHERE id = ?; SELECT changes() AS n");`),
      errors: [{ messageId: "paramsBeforeLast", line: 5, column: 15, endLine: 5, endColumn: 41 }],
    },
    {
      name: "a concatenation: the report covers the statement, in its piece",
      code: m(`sql.exec("INSERT INTO t VALUES (?);" + " SELECT 1", v);`),
      errors: [{ messageId: "paramsBeforeLast", line: 5, column: 15, endLine: 5, endColumn: 39 }],
    },
    {
      name: "a `${…}` statement in between does not hide the one after it",
      code: m(`sql.exec(\`INSERT INTO t VALUES (?); \${t}; SELECT 1\`, v);`),
      errors: [{ messageId: "paramsBeforeLast", line: 5, column: 15, endLine: 5, endColumn: 39 }],
    },
    // 3. Fallbacks on .one().
    ...patternDocCases(() => [
      {
        name: "the older pattern docs' migration",
        code: olderDocs()[0].code,
        errors: [
          {
            ...one("the `?.` after it"),
            line: 9,
            column: 54,
            endLine: 9,
            endColumn: 59,
            suggestions: [
              {
                messageId: "suggestToArray",
                output: olderDocs()[0].code.replace(".one()?.user_version", ".toArray()[0]?.user_version"),
              },
            ],
          },
        ],
      },
    ]),
    {
      name: "`?.` and `||`",
      code: m(`const ver = sql.exec("SELECT v FROM t").one()?.v || 0;`),
      errors: [
        {
          ...one("the `?.` after it"),
          line: 5,
          column: 45,
          endLine: 5,
          endColumn: 50,
          suggestions: [{ messageId: "suggestToArray", output: m(`const ver = sql.exec("SELECT v FROM t").toArray()[0]?.v || 0;`) }],
        },
      ],
    },
    {
      name: "`?.[k]`",
      code: m(`return sql.exec("SELECT v FROM t WHERE id = ?", id).one()?.[t];`),
      errors: [
        {
          ...one("the `?.` after it"),
          line: 5,
          column: 57,
          endLine: 5,
          endColumn: 62,
          suggestions: [
            { messageId: "suggestToArray", output: m(`return sql.exec("SELECT v FROM t WHERE id = ?", id).toArray()[0]?.[t];`) },
          ],
        },
      ],
    },
    {
      name: "`??`",
      code: m(`const row = sql.exec("SELECT v FROM t").one() ?? { v: 0 };`),
      errors: [
        {
          ...one("the `??` fallback"),
          line: 5,
          column: 45,
          endLine: 5,
          endColumn: 50,
          suggestions: [{ messageId: "suggestToArray", output: m(`const row = sql.exec("SELECT v FROM t").toArray()[0] ?? { v: 0 };`) }],
        },
      ],
    },
    {
      name: "`||` on the row",
      code: m(`const row = sql.exec("SELECT v FROM t").one() || {};`),
      errors: [
        {
          ...one("the `||` fallback"),
          line: 5,
          column: 45,
          endLine: 5,
          endColumn: 50,
          suggestions: [{ messageId: "suggestToArray", output: m(`const row = sql.exec("SELECT v FROM t").toArray()[0] || {};`) }],
        },
      ],
    },
    {
      name: "`if (!row)` after `const row = ….one()`",
      code: m(`const row = sql.exec("SELECT v FROM t WHERE id = ?", id).one();`, `if (!row) return null;`, `return row.v;`),
      errors: [
        {
          ...one("the check `!row` on line 6"),
          line: 5,
          column: 62,
          endLine: 5,
          endColumn: 67,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(
                `const row = sql.exec("SELECT v FROM t WHERE id = ?", id).toArray()[0];`,
                `if (!row) return null;`,
                `return row.v;`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "`=== undefined`, through `as`: one report, at the first check",
      code: m(
        `const row = sql.exec("SELECT v FROM t").one() as { v: number } | undefined;`,
        `if (row === undefined) return 0;`,
        `return row == null ? 0 : row.v;`,
      ),
      errors: [
        {
          ...one("the check `row === undefined` on line 6"),
          line: 5,
          column: 45,
          endLine: 5,
          endColumn: 50,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(
                `const row = sql.exec("SELECT v FROM t").toArray()[0] as { v: number } | undefined;`,
                `if (row === undefined) return 0;`,
                `return row == null ? 0 : row.v;`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: '`typeof row === "undefined"`',
      code: m(`const row = sql.exec("SELECT v FROM t").one();`, `return typeof row === "undefined" ? 0 : row.v;`),
      errors: [
        {
          ...one('the check `typeof row === "undefined"` on line 6'),
          line: 5,
          column: 45,
          endLine: 5,
          endColumn: 50,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(`const row = sql.exec("SELECT v FROM t").toArray()[0];`, `return typeof row === "undefined" ? 0 : row.v;`),
            },
          ],
        },
      ],
    },
    {
      name: "a cursor in a variable, and a truthiness test",
      code: m(`const cursor = sql.exec("SELECT v FROM t");`, `const row = cursor.one();`, `if (row) return row.v;`, `return 0;`),
      errors: [
        {
          ...one("the truthiness test on line 7"),
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 29,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(
                `const cursor = sql.exec("SELECT v FROM t");`,
                `const row = cursor.toArray()[0];`,
                `if (row) return row.v;`,
                `return 0;`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "an `&&` guard",
      code: m(`const row = sql.exec("SELECT v FROM t").one();`, `return row && row.v;`),
      errors: [
        {
          ...one("the `&&` guard on line 6"),
          line: 5,
          column: 45,
          endLine: 5,
          endColumn: 50,
          suggestions: [
            { messageId: "suggestToArray", output: m(`const row = sql.exec("SELECT v FROM t").toArray()[0];`, `return row && row.v;`) },
          ],
        },
      ],
    },
    {
      name: "directly tested",
      code: m(`if (sql.exec("SELECT v FROM t").one()) return 1;`),
      errors: [
        {
          ...one("the truthiness test"),
          line: 5,
          column: 37,
          endLine: 5,
          endColumn: 42,
          suggestions: [{ messageId: "suggestToArray", output: m(`if (sql.exec("SELECT v FROM t").toArray()[0]) return 1;`) }],
        },
      ],
    },
    {
      name: "a chain over several lines keeps its layout",
      code: m(`return sql`, `  .exec<{ v: number }>("SELECT v FROM t")`, `  .one()?.v;`),
      errors: [
        {
          ...one("the `?.` after it"),
          line: 7,
          column: 8,
          endLine: 7,
          endColumn: 13,
          suggestions: [
            { messageId: "suggestToArray", output: m(`return sql`, `  .exec<{ v: number }>("SELECT v FROM t")`, `  .toArray()[0]?.v;`) },
          ],
        },
      ],
    },
    {
      name: 'a computed `["one"]()`: no suggestion',
      code: m(`return sql.exec("SELECT v FROM t")["one"]()?.v;`),
      errors: [{ ...one("the `?.` after it"), line: 5, column: 40, endLine: 5, endColumn: 48, suggestions: [] }],
    },
    // 4. await on a cursor.
    {
      name: "an awaited write",
      code: m(`await sql.exec("DELETE FROM t");`),
      errors: [
        {
          messageId: "awaitCursor",
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 36,
          suggestions: [{ messageId: "suggestRemoveAwait", output: m(`sql.exec("DELETE FROM t");`) }],
        },
      ],
    },
    {
      name: "`(await sql.exec(q)).toArray()` loses its parentheses too",
      code: m(`const rows = (await sql.exec("SELECT v FROM t")).toArray();`),
      errors: [
        {
          messageId: "awaitCursor",
          line: 5,
          column: 19,
          endLine: 5,
          endColumn: 52,
          suggestions: [{ messageId: "suggestRemoveAwait", output: m(`const rows = sql.exec("SELECT v FROM t").toArray();`) }],
        },
      ],
    },
    {
      name: "`await sql.exec(q).one().n`",
      code: m(`return await sql.exec("SELECT 1 AS n").one().n;`),
      errors: [
        {
          messageId: "awaitCursor",
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 51,
          suggestions: [{ messageId: "suggestRemoveAwait", output: m(`return sql.exec("SELECT 1 AS n").one().n;`) }],
        },
      ],
    },
    {
      name: "an optional chain keeps its parentheses",
      code: m(`const names = (await this.ctx.storage.sql?.exec("SELECT 1")).columnNames;`),
      errors: [
        {
          messageId: "awaitCursor",
          line: 5,
          column: 20,
          endLine: 5,
          endColumn: 64,
          suggestions: [
            { messageId: "suggestRemoveAwait", output: m(`const names = (this.ctx.storage.sql?.exec("SELECT 1")).columnNames;`) },
          ],
        },
      ],
    },
    {
      name: "a comment after `await` stays",
      code: m(`await /* sync */ sql.exec("DELETE FROM t");`),
      errors: [
        {
          messageId: "awaitCursor",
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 47,
          suggestions: [{ messageId: "suggestRemoveAwait", output: m(`/* sync */ sql.exec("DELETE FROM t");`) }],
        },
      ],
    },
    {
      name: "an argument starting with `(`: no suggestion",
      code: m(`await (sql).exec("DELETE FROM t");`),
      errors: [{ messageId: "awaitCursor", line: 5, column: 5, endLine: 5, endColumn: 38, suggestions: [] }],
    },
    {
      name: "a parenthesised cursor: no suggestion (`(sql.exec(…))` could join the line before)",
      code: m(`foo()`, `await (sql.exec("DELETE FROM t"))`),
      errors: [{ messageId: "awaitCursor", line: 6, column: 5, endLine: 6, endColumn: 38, suggestions: [] }],
    },
    {
      name: "`await` and a fallback on the same `.one()`: two reports, each suggestion fixes one",
      code: m(`return (await sql.exec("SELECT v FROM t").one())?.v;`),
      errors: [
        {
          messageId: "awaitCursor",
          line: 5,
          column: 13,
          endLine: 5,
          endColumn: 52,
          suggestions: [{ messageId: "suggestRemoveAwait", output: m(`return sql.exec("SELECT v FROM t").one()?.v;`) }],
        },
        {
          ...one("the `?.` after it"),
          line: 5,
          column: 47,
          endLine: 5,
          endColumn: 52,
          suggestions: [{ messageId: "suggestToArray", output: m(`return (await sql.exec("SELECT v FROM t").toArray()[0])?.v;`) }],
        },
      ],
    },
    {
      name: "a ${…} of the Agents SDK's tag before the last statement: a parameter there throws",
      code: `${AGENT}export class Chat extends Agent<Env> { m(a: string) { return this.sql\`INSERT INTO t VALUES (\${a}); SELECT * FROM t\`; } }`,
      errors: [{ messageId: "paramsBeforeLast", line: 2, column: 71, endLine: 2, endColumn: 98 }],
    },
    {
      name: "a LIKE pattern over 50 bytes in the Agents SDK's tag",
      code: `${AGENT}export class Chat extends Agent<Env> { m() { return this.sql\`SELECT * FROM t WHERE name LIKE '${"%".repeat(51)}'\`; } }`,
      errors: [{ messageId: "patternTooLong", data: { operator: "LIKE", bytes: "51" }, line: 2, column: 94, endLine: 2, endColumn: 147 }],
    },
    {
      name: "over 100 ${…} in the Agents SDK's tag: each is a parameter",
      code: `${AGENT}export class Chat extends Agent<Env> { m(v: number) { return this.sql\`SELECT ${Array.from({ length: 101 }, () => "${v}").join(", ")}\`; } }`,
      errors: [{ messageId: "tooManyParameters", data: { count: "101" }, line: 2, column: 62, endLine: 2, endColumn: 683 }],
    },
  ],
});
