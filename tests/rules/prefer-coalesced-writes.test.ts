import rule from "../../rules/prefer-coalesced-writes.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object whose `m(id, items)` method body is `body`. */
const method = (body: string) => `${DO}export class Store extends DurableObject<Env> {
  async m(id: string, items: { id: string; value: number }[]) {
    ${body}
  }
}`;

new RuleTester().run("prefer-coalesced-writes", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    { name: "one awaited write", code: method(`await this.ctx.storage.put("a", 1);`) },
    { name: "unawaited writes already coalesce", code: method(`this.ctx.storage.put("a", 1);\n    this.ctx.storage.put("b", 2);`) },
    { name: "void writes", code: method(`void this.ctx.storage.put("a", 1);\n    void this.ctx.storage.delete("b");`) },
    { name: "batch forms", code: method(`await this.ctx.storage.put({ a: 1, b: 2 });\n    await this.ctx.storage.delete(["c", "d"]);`) },
    {
      name: "a gate-opening await between",
      code: method(`await this.ctx.storage.put("a", 1);\n    await fetch("https://example.com");\n    await this.ctx.storage.put("b", 2);`),
    },
    {
      name: "a branch between",
      code: method(`await this.ctx.storage.put("a", 1);\n    if (id) return;\n    await this.ctx.storage.put("b", 2);`),
    },
    {
      name: "inside a transaction callback, already atomic",
      code: method(
        `await this.ctx.storage.transaction(async (txn) => {\n      await txn.put("a", 1);\n      await txn.put("b", 2);\n      await this.ctx.storage.put("c", 3);\n      await this.ctx.storage.put("d", 4);\n    });`,
      ),
    },
    {
      name: "Workers KV is not Durable Object storage",
      code: method(`await this.env.CACHE.put("a", "1");\n    await this.env.CACHE.put("b", "2");`),
    },
    {
      name: "an object with a put method",
      code: method(
        `const storage = { put: async (k: string, v: number) => {} };\n    await storage.put("a", 1);\n    await storage.put("b", 2);`,
      ),
    },
    {
      name: "a loop whose body opens the gate",
      code: method(
        `for (const it of items) {\n      await this.ctx.storage.put(it.id, it.value);\n      await fetch("https://example.com/" + it.id);\n    }`,
      ),
    },
    {
      name: "any other await in the loop body splits the batch each iteration: no single write to promise",
      code: method(
        `let i = 0;\n    while (i < items.length) {\n      const n = (await this.ctx.storage.get<number>("n")) ?? 0;\n      await this.ctx.storage.put("n", n + items[i++].value);\n    }`,
      ),
    },
    { name: "an await in the loop's test", code: method(`while (await this.more()) await this.ctx.storage.put("a", 1);`) },
    {
      name: "chunked batch deletes in a loop are deliberate batches (e.g. 128 keys per call)",
      code: method(
        `const keys = items.map((it) => it.id);\n    for (let i = 0; i < keys.length; i += 128) {\n      await this.ctx.storage.delete(keys.slice(i, i + 128));\n    }\n    await this.ctx.storage.delete(Object.keys(this));\n    await this.ctx.storage.delete(Array.from(new Set(keys)));`,
      ),
    },
    { name: "for await", code: method(`for await (const it of stream()) await this.ctx.storage.put(it.id, it);`) },
    {
      name: "a for await inside the loop body awaits every iteration",
      code: method(
        `for (const it of items) {\n      for await (const chunk of it.stream()) chunks.push(chunk);\n      await this.ctx.storage.put(it.id, chunks);\n    }`,
      ),
    },
    {
      name: "an inner loop's gate-opening await runs in every outer iteration",
      code: method(
        `for (const it of items) {\n      for (const url of it.urls) await fetch(url);\n      await this.ctx.storage.put(it.id, it.value);\n    }`,
      ),
    },
    {
      name: "an await in an inner loop's head runs in every outer iteration",
      code: method(
        `for (const it of items) {\n      for (const x of await this.load(it.id)) chunks.push(x);\n      await this.ctx.storage.put(it.id, it.value);\n    }`,
      ),
    },
    {
      name: "an awaited write in a callback is one write per call",
      code: method(`items.forEach(async (it) => { await this.ctx.storage.put(it.id, it.value); });`),
    },
    {
      name: "the transfer in one transaction (the suggestion's output) is not reported again",
      code: method(
        `const a = (await this.ctx.storage.get<number>(\`balance:\${id}\`)) ?? 0;\n    await this.ctx.storage.transaction(async (txn) => {\n      await txn.put(\`balance:\${id}\`, a - 1);\n      const b = (await txn.get<number>("pool")) ?? 0;\n      await txn.put("pool", b + 1);\n    });`,
      ),
    },
    {
      name: "a Workers KV read between the writes is not a storage read: each write stands alone",
      code: method(
        `await this.ctx.storage.put("a", 1);\n    const flag = await this.env.FLAGS.get("mode");\n    await this.ctx.storage.put("b", flag);`,
      ),
    },
    {
      name: "a read through a helper between the writes: not known to await storage only",
      code: method(`await this.ctx.storage.put("a", 1);\n    const b = await this.load("b");\n    await this.ctx.storage.put("b", b);`),
    },
  ],
  invalid: [
    {
      name: "Cloudflare's transfer: a debit and a credit split by a read of the second balance, in one transaction",
      code: method(
        `const from = (await this.ctx.storage.get<number>(\`balance:\${id}\`)) ?? 0;\n    await this.ctx.storage.put(\`balance:\${id}\`, from - 5);\n    const to = (await this.ctx.storage.get<number>("balance:pool")) ?? 0;\n    await this.ctx.storage.put("balance:pool", to + 5);`,
      ),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 58,
          suggestions: [
            {
              messageId: "suggestTransaction",
              output: method(
                `const from = (await this.ctx.storage.get<number>(\`balance:\${id}\`)) ?? 0;\n    await this.ctx.storage.transaction(async (txn) => {\n      await txn.put(\`balance:\${id}\`, from - 5);\n      const to = (await txn.get<number>("balance:pool")) ?? 0;\n      await txn.put("balance:pool", to + 5);\n    });`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a value read between the writes and used after them comes out of the transaction",
      code: method(
        `await this.ctx.storage.delete(\`lock:\${id}\`);\n    const list = await this.ctx.storage.list({ prefix: "job:" });\n    await this.ctx.storage.put("jobs", list.size);\n    return list.size;`,
      ),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 48,
          suggestions: [
            {
              messageId: "suggestTransaction",
              output: method(
                `const list = await this.ctx.storage.transaction(async (txn) => {\n      await txn.delete(\`lock:\${id}\`);\n      const list = await txn.list({ prefix: "job:" });\n      await txn.put("jobs", list.size);\n      return list;\n    });\n    return list.size;`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "an un-awaited storage call between the writes: reported, but no transaction (it would not be on `txn`)",
      code: method(`await this.ctx.storage.put("a", 1);\n    this.ctx.storage.delete("old");\n    await this.ctx.storage.put("b", 2);`),
      errors: [{ messageId: "sequence", data: { count: "2" }, line: 4, column: 5, endLine: 4, endColumn: 39, suggestions: [] }],
    },
    {
      name: "two awaited puts: one put({...})",
      code: method(`await this.ctx.storage.put("a", 1);\n    await this.ctx.storage.put(\`user:\${id}\`, { id });`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 39,
          suggestions: [
            { messageId: "suggestBatchPut", output: method(`await this.ctx.storage.put({ "a": 1, [\`user:\${id}\`]: { id } });`) },
          ],
        },
      ],
    },
    {
      name: "deletes through an alias",
      code: method(`const s = this.ctx.storage;\n    await s.delete("a");\n    await s.delete(id);\n    await s.delete("c");`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "3" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 24,
          suggestions: [
            { messageId: "suggestBatchDelete", output: method(`const s = this.ctx.storage;\n    await s.delete(["a", id, "c"]);`) },
          ],
        },
      ],
    },
    {
      name: "a parenthesised write: the batch keeps the parentheses out",
      code: method(`await (this.ctx.storage.put("a", 1));\n    await this.ctx.storage.put("b", 2);`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 41,
          suggestions: [{ messageId: "suggestBatchPut", output: method(`await this.ctx.storage.put({ "a": 1, "b": 2 });`) }],
        },
      ],
    },
    {
      name: "a comment in the writes: no batch (it would drop the comment), the transaction keeps it",
      code: method(`await /* first */ this.ctx.storage.put("a", 1);\n    await this.ctx.storage.put("b", 2);`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 51,
          suggestions: [
            {
              messageId: "suggestTransaction",
              output: method(
                `await this.ctx.storage.transaction(async (txn) => {\n      await /* first */ txn.put("a", 1);\n      await txn.put("b", 2);\n    });`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a parenthesised write in a loop: the collected write",
      code: method(`for (const it of items) await (this.ctx.storage.put(it.id, it.value));`),
      errors: [
        {
          messageId: "loop",
          line: 4,
          column: 29,
          endLine: 4,
          endColumn: 74,
          suggestions: [
            {
              messageId: "suggestCollectPut",
              output: method(`await this.ctx.storage.put(Object.fromEntries(Array.from(items, (it) => [it.id, it.value])));`),
            },
          ],
        },
      ],
    },
    {
      name: "a statement between: the transaction (nothing is moved)",
      code: method(`await this.ctx.storage.put("a", 1);\n    const next = id + "!";\n    await this.ctx.storage.put("b", next);`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestTransaction",
              output: method(
                `await this.ctx.storage.transaction(async (txn) => {\n      await txn.put("a", 1);\n      const next = id + "!";\n      await txn.put("b", next);\n    });`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a put and a delete",
      code: method(`await this.ctx.storage.put("a", 1);\n    await this.ctx.storage.delete("b");`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestTransaction",
              output: method(
                `await this.ctx.storage.transaction(async (txn) => {\n      await txn.put("a", 1);\n      await txn.delete("b");\n    });`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "an awaited put in a for…of loop: collect the entries",
      code: method(`for (const it of items) {\n      await this.ctx.storage.put(\`item:\${it.id}\`, it.value);\n    }`),
      errors: [
        {
          messageId: "loop",
          line: 5,
          column: 7,
          endLine: 5,
          endColumn: 60,
          suggestions: [
            {
              messageId: "suggestCollectPut",
              output: method(`await this.ctx.storage.put(Object.fromEntries(Array.from(items, (it) => [\`item:\${it.id}\`, it.value])));`),
            },
          ],
        },
      ],
    },
    {
      name: "an awaited delete in a for…of loop with destructuring",
      code: method(`for (const { id: key } of items) await this.ctx.storage.delete(key);`),
      errors: [
        {
          messageId: "loop",
          line: 4,
          column: 38,
          endLine: 4,
          endColumn: 72,
          suggestions: [
            {
              messageId: "suggestCollectDelete",
              output: method(`await this.ctx.storage.delete(Array.from(items, ({ id: key }) => key));`),
            },
          ],
        },
      ],
    },
  ],
});
