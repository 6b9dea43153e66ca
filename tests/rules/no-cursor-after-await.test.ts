import rule from "../../rules/no-cursor-after-await.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object with a `sql` field whose `m(url)` body is `body`. */
const m = (body: string) => `${DO}export class C extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  async m(url: string) {
    ${body}
  }
}`;
const fetched = { awaited: "await fetch(…)", awaitLine: "6" };

new RuleTester().run("no-cursor-after-await", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    {
      name: "materialised before the await",
      code: m(`const rows = this.sql.exec("SELECT * FROM t").toArray();\n    await fetch(url);\n    for (const r of rows) console.log(r);`),
    },
    {
      name: "a storage await keeps the gate closed",
      code: m(
        `const rows = this.sql.exec("SELECT * FROM t");\n    await this.ctx.storage.get("x");\n    for (const r of rows) console.log(r);`,
      ),
    },
    {
      name: "consumed before the await",
      code: m(`const rows = this.sql.exec("SELECT * FROM t");\n    const all = [...rows];\n    await fetch(url);\n    return all;`),
    },
    {
      name: "a loop that only awaits storage",
      code: m(`for (const r of this.sql.exec("SELECT * FROM t")) {\n      await this.ctx.storage.put(String(r.id), r);\n    }`),
    },
    {
      name: "D1 results are not a Durable Object cursor",
      code: m(
        `const rows = await this.env.DB.prepare("SELECT 1").all();\n    await fetch(url);\n    for (const r of rows.results) console.log(r);`,
      ),
    },
    {
      name: "an await on another path only",
      code: m(
        `const rows = this.sql.exec("SELECT * FROM t");\n    if (!url) { await fetch(url); return; }\n    for (const r of rows) console.log(r);`,
      ),
    },
    {
      name: "awaits in a callback inside the loop are not the loop's",
      code: m(`for (const r of this.sql.exec("SELECT * FROM t")) {\n      setTimeout(async () => { await fetch(url + r.id); });\n    }`),
    },
  ],
  invalid: [
    {
      name: "for…of over a cursor after a fetch",
      code: m(`const rows = this.sql.exec("SELECT * FROM t");\n    await fetch(url);\n    for (const r of rows) console.log(r);`),
      errors: [
        {
          messageId: "afterAwait",
          data: fetched,
          line: 7,
          column: 21,
          endLine: 7,
          endColumn: 25,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(
                `const rows = this.sql.exec("SELECT * FROM t").toArray();\n    await fetch(url);\n    for (const r of rows) console.log(r);`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "toArray() after the await: materialise where the query runs instead",
      code: m(`const cur = this.sql.exec("SELECT * FROM t");\n    await fetch(url);\n    return cur.toArray();`),
      errors: [
        {
          messageId: "afterAwait",
          data: fetched,
          line: 7,
          column: 12,
          endLine: 7,
          endColumn: 25,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(`const cur = this.sql.exec("SELECT * FROM t").toArray();\n    await fetch(url);\n    return cur;`),
            },
          ],
        },
      ],
    },
    {
      name: "one() after the await: no suggestion (an array has no one())",
      code: m(`const cur = this.sql.exec("SELECT n FROM t");\n    await fetch(url);\n    return cur.one().n;`),
      errors: [{ messageId: "afterAwait", data: fetched, line: 7, column: 12, endLine: 7, endColumn: 21, suggestions: [] }],
    },
    {
      name: "spread after a timer",
      code: m(`const cur = this.sql.exec("SELECT n FROM t");\n    await new Promise((r) => setTimeout(r, 1));\n    return [...cur];`),
      errors: [
        {
          messageId: "afterAwait",
          data: { awaited: "await new Promise(…)", awaitLine: "6" },
          line: 7,
          column: 13,
          endLine: 7,
          endColumn: 19,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(
                `const cur = this.sql.exec("SELECT n FROM t").toArray();\n    await new Promise((r) => setTimeout(r, 1));\n    return [...cur];`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a loop over the query whose body fetches",
      code: m(`for (const r of this.sql.exec("SELECT * FROM t")) {\n      await fetch(url + r.id);\n    }`),
      errors: [
        {
          messageId: "loopAwaits",
          data: fetched,
          line: 5,
          column: 21,
          endLine: 5,
          endColumn: 53,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(`for (const r of this.sql.exec("SELECT * FROM t").toArray()) {\n      await fetch(url + r.id);\n    }`),
            },
          ],
        },
      ],
    },
    {
      name: "a loop over a cursor variable whose body sends to a queue",
      code: m(`const rows = this.sql.exec("SELECT * FROM t");\n    for (const r of rows) {\n      await this.env.Q.send(r);\n    }`),
      errors: [
        {
          messageId: "loopAwaits",
          data: { awaited: "await this.env.Q.send(…)", awaitLine: "7" },
          line: 6,
          column: 21,
          endLine: 6,
          endColumn: 25,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: m(
                `const rows = this.sql.exec("SELECT * FROM t").toArray();\n    for (const r of rows) {\n      await this.env.Q.send(r);\n    }`,
              ),
            },
          ],
        },
      ],
    },
  ],
});
