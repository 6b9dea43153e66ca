import rule from "../../rules/no-sql-transaction-statements.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object with a `sql` field whose `batchUpdate(items)` body is `body`. */
const m = (body: string) => `${DO}export class C extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  async batchUpdate(items: { id: string; value: number }[]) {
    ${body}
  }
}`;
const storage = { storage: "this.ctx.storage" };
/** An Agent (Agents SDK) whose `save(items)` body is `body`: its `this.sql` tag runs SQL. */
const agent = (body: string) => `import { Agent } from "agents";
export class Chat extends Agent<Env> {
  save(items: { id: string; text: string }[]) {
    ${body}
  }
}`;
const statement = (s: string) => ({ statement: s, closing: "", closingLine: "" });

new RuleTester().run("no-sql-transaction-statements", rule, {
  valid: [
    // Every block but "Write Coalescing Pattern", whose "Atomic batch with SQL" is this rule's target.
    ...patternDocCases(() =>
      docBlocks(CURRENT_DOCS)
        .filter((b) => b.heading !== "Write Coalescing Pattern")
        .map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code })),
    ),
    {
      name: "BEGIN … END of a trigger body",
      code: m(`this.sql.exec("CREATE TRIGGER t AFTER INSERT ON items BEGIN UPDATE c SET n = n + 1; END");`),
    },
    { name: "words inside a string literal", code: m(`this.sql.exec("INSERT INTO log VALUES ('BEGIN'), ('COMMIT')");`) },
    { name: "a comment", code: m(`this.sql.exec("-- BEGIN\\nSELECT 1");`) },
    { name: "D1 is not Durable Object SQL", code: m(`await this.env.DB.exec("BEGIN; COMMIT");`) },
    {
      name: "a Postgres client",
      code: m(`const client = new Client();\n    await client.query("BEGIN");\n    await client.query("COMMIT");`),
    },
    { name: "an object with exec", code: m(`const db = { exec: (q: string) => q };\n    db.exec("BEGIN");`) },
    {
      name: "the fix: transactionSync",
      code: m(
        `this.ctx.storage.transactionSync(() => {\n      for (const item of items) this.sql.exec("INSERT INTO items VALUES (?, ?)", item.id, item.value);\n    });`,
      ),
    },
  ],
  invalid: [
    ...patternDocCases(() => [
      {
        name: "the pattern docs' Atomic batch with SQL",
        code: docBlocks(CURRENT_DOCS).find((b) => b.heading === "Write Coalescing Pattern")!.code,
        errors: [
          {
            messageId: "pair",
            data: { statement: "BEGIN", closing: "COMMIT", closingLine: "21" },
            line: 17,
            column: 18,
            endLine: 17,
            endColumn: 23,
            suggestions: [
              {
                messageId: "suggestTransactionSync",
                data: storage,
                output: docBlocks(CURRENT_DOCS)
                  .find((b) => b.heading === "Write Coalescing Pattern")!
                  .code.replace(
                    `this.sql.exec('BEGIN');
  for (const item of items) {
    this.sql.exec('INSERT OR REPLACE INTO items VALUES (?, ?)', item.id, item.value);
  }
  this.sql.exec('COMMIT');`,
                    `this.ctx.storage.transactionSync(() => {
    for (const item of items) {
      this.sql.exec('INSERT OR REPLACE INTO items VALUES (?, ?)', item.id, item.value);
    }
  });`,
                  ),
              },
            ],
          },
        ],
      },
    ]),
    {
      name: "try { …; COMMIT } catch (e) { ROLLBACK; throw e }: transactionSync rolls back on throw",
      code: m(
        `this.sql.exec("BEGIN TRANSACTION");\n    try {\n      for (const item of items) this.sql.exec("INSERT INTO items VALUES (?, ?)", item.id, item.value);\n      this.sql.exec("COMMIT");\n    } catch (err) {\n      this.sql.exec("ROLLBACK");\n      throw err;\n    }`,
      ),
      errors: [
        {
          messageId: "pair",
          data: { statement: "BEGIN TRANSACTION", closing: "COMMIT", closingLine: "8" },
          line: 5,
          column: 20,
          endLine: 5,
          endColumn: 37,
          suggestions: [
            {
              messageId: "suggestTransactionSync",
              data: storage,
              output: m(
                `this.ctx.storage.transactionSync(() => {\n      for (const item of items) this.sql.exec("INSERT INTO items VALUES (?, ?)", item.id, item.value);\n    });`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a binding used after the transaction comes back out; END closes it too",
      code: m(
        `const sql = this.ctx.storage.sql;\n    sql.exec("BEGIN");\n    const before = sql.exec("SELECT COUNT(*) AS n FROM items").one().n;\n    sql.exec("DELETE FROM items");\n    sql.exec("END");\n    return before;`,
      ),
      errors: [
        {
          messageId: "pair",
          data: { statement: "BEGIN", closing: "END", closingLine: "9" },
          line: 6,
          column: 15,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            {
              messageId: "suggestTransactionSync",
              data: storage,
              output: m(
                `const sql = this.ctx.storage.sql;\n    const before = this.ctx.storage.transactionSync(() => {\n      const before = sql.exec("SELECT COUNT(*) AS n FROM items").one().n;\n      sql.exec("DELETE FROM items");\n      return before;\n    });\n    return before;`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "an await in between: no suggestion (transactionSync is synchronous)",
      code: m(`this.sql.exec("BEGIN");\n    await fetch("https://example.com");\n    this.sql.exec("COMMIT");`),
      errors: [
        {
          messageId: "pair",
          data: { statement: "BEGIN", closing: "COMMIT", closingLine: "7" },
          line: 5,
          column: 20,
          endLine: 5,
          endColumn: 25,
          suggestions: [],
        },
      ],
    },
    {
      name: "BEGIN and COMMIT in one string: each statement",
      code: m(`this.ctx.storage.sql.exec("BEGIN; DELETE FROM items; COMMIT;");`),
      errors: [
        { messageId: "statement", data: statement("BEGIN"), line: 5, column: 32, endLine: 5, endColumn: 37, suggestions: [] },
        { messageId: "statement", data: statement("COMMIT"), line: 5, column: 58, endLine: 5, endColumn: 64, suggestions: [] },
      ],
    },
    {
      name: "savepoints",
      code: m(`this.sql.exec("SAVEPOINT a");\n    this.sql.exec("release a");\n    this.sql.exec("ROLLBACK TO a");`),
      errors: [
        { messageId: "statement", data: statement("SAVEPOINT a"), line: 5, column: 20, endLine: 5, endColumn: 31 },
        { messageId: "statement", data: statement("release a"), line: 6, column: 20, endLine: 6, endColumn: 29 },
        { messageId: "statement", data: statement("ROLLBACK TO a"), line: 7, column: 20, endLine: 7, endColumn: 33 },
      ],
    },
    {
      name: "a typed SqlStorage parameter: reported, no suggestion (the storage is not known here)",
      code: `export function reset(sql: SqlStorage) {\n  sql.exec("BEGIN IMMEDIATE");\n  sql.exec("DELETE FROM t");\n  sql.exec("COMMIT");\n}`,
      errors: [
        {
          messageId: "pair",
          data: { statement: "BEGIN IMMEDIATE", closing: "COMMIT", closingLine: "4" },
          line: 2,
          column: 13,
          endLine: 2,
          endColumn: 28,
          suggestions: [],
        },
      ],
    },
    {
      name: "BEGIN … COMMIT in the Agents SDK's this.sql tags: wrapped in transactionSync, the tags kept",
      code: agent(
        "this.sql`BEGIN`;\n    for (const item of items) this.sql`INSERT INTO msgs VALUES (${item.id}, ${item.text})`;\n    this.sql`COMMIT`;",
      ),
      errors: [
        {
          messageId: "pair",
          data: { statement: "BEGIN", closing: "COMMIT", closingLine: "6" },
          line: 4,
          column: 14,
          endLine: 4,
          endColumn: 19,
          suggestions: [
            {
              messageId: "suggestTransactionSync",
              data: storage,
              output: agent(
                "this.ctx.storage.transactionSync(() => {\n      for (const item of items) this.sql`INSERT INTO msgs VALUES (${item.id}, ${item.text})`;\n    });",
              ),
            },
          ],
        },
      ],
    },
  ],
});
