/**
 * no-cursor-after-await through a helper: `const rows = this.rows(q)`, where `rows` is a synchronous
 * method (or field arrow) whose body returns `sql.exec(…)`, is a cursor as the direct call is. A
 * helper that materialises the rows, or an async one, is not followed.
 */
import rule from "../../rules/no-cursor-after-await.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object with the helpers `rows(q)` (a cursor), `all(q)` (an array) and `later(q)` (async), and `m(url)` whose body is `body`. */
const c = (body: string) => `${DO}export class C extends DurableObject<Env> {
  rows(q: string) {
    return this.ctx.storage.sql.exec(q);
  }
  all = (q: string) => this.ctx.storage.sql.exec(q).toArray();
  async later(q: string) {
    return this.ctx.storage.sql.exec(q);
  }
  async m(url: string) {
    ${body}
  }
}`;

new RuleTester().run("no-cursor-after-await", rule, {
  valid: [
    {
      name: "the helper materialises the rows",
      code: c(`const rows = this.all("SELECT * FROM t");\n    await fetch(url);\n    for (const r of rows) console.log(r);`),
    },
    {
      name: "the cursor is read before the await",
      code: c(`const rows = [...this.rows("SELECT * FROM t")];\n    await fetch(url);\n    return rows;`),
    },
    {
      name: "only storage is awaited between",
      code: c(`const rows = this.rows("SELECT * FROM t");\n    await this.ctx.storage.get("x");\n    return rows.toArray();`),
    },
  ],
  invalid: [
    {
      name: "a helper's cursor read after a fetch",
      code: c(`const rows = this.rows("SELECT * FROM t");\n    await fetch(url);\n    for (const r of rows) console.log(r);`),
      errors: [
        {
          messageId: "afterAwait",
          data: { awaited: "await fetch(…)", awaitLine: "12" },
          line: 13,
          column: 21,
          endLine: 13,
          endColumn: 25,
          suggestions: [
            {
              messageId: "suggestToArray",
              output: c(
                `const rows = this.rows("SELECT * FROM t").toArray();\n    await fetch(url);\n    for (const r of rows) console.log(r);`,
              ),
            },
          ],
        },
      ],
    },
  ],
});
