import rule from "../../rules/prefer-coalesced-writes.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { runRuleTests } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object whose `m(id, items)` method body is `body`. */
const method = (body: string) => `${DO}export class Store extends DurableObject<Env> {
  async m(id: string, items: { id: string; value: number }[]) {
    ${body}
  }
}`;

runRuleTests("prefer-coalesced-writes", rule, {
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
  ],
  invalid: [
    {
      name: "two awaited puts: await only the last, or one put({...})",
      code: method(`await this.ctx.storage.put("a", 1);\n    await this.ctx.storage.put(\`user:\${id}\`, { id });`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          column: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestAwaitLast",
              output: method(`this.ctx.storage.put("a", 1);\n    await this.ctx.storage.put(\`user:\${id}\`, { id });`),
            },
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
          suggestions: [
            {
              messageId: "suggestAwaitLast",
              output: method(`const s = this.ctx.storage;\n    s.delete("a");\n    s.delete(id);\n    await s.delete("c");`),
            },
            { messageId: "suggestBatchDelete", output: method(`const s = this.ctx.storage;\n    await s.delete(["a", id, "c"]);`) },
          ],
        },
      ],
    },
    {
      name: "a parenthesised write: no await-last suggestion (removing `await (` would not parse), the batch still",
      code: method(`await (this.ctx.storage.put("a", 1));\n    await this.ctx.storage.put("b", 2);`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          suggestions: [{ messageId: "suggestBatchPut", output: method(`await this.ctx.storage.put({ "a": 1, "b": 2 });`) }],
        },
      ],
    },
    {
      name: "a comment after `await` stays when the await is dropped",
      code: method(`await /* first */ this.ctx.storage.put("a", 1);\n    await this.ctx.storage.put("b", 2);`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          suggestions: [
            {
              messageId: "suggestAwaitLast",
              output: method(`/* first */ this.ctx.storage.put("a", 1);\n    await this.ctx.storage.put("b", 2);`),
            },
          ],
        },
      ],
    },
    {
      name: "a parenthesised write in a loop: no drop-await suggestion, the collected write still",
      code: method(`for (const it of items) await (this.ctx.storage.put(it.id, it.value));`),
      errors: [
        {
          messageId: "loop",
          line: 4,
          column: 29,
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
      name: "a statement between: only the await-last suggestion (nothing is moved)",
      code: method(`await this.ctx.storage.put("a", 1);\n    const next = id + "!";\n    await this.ctx.storage.put("b", next);`),
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 4,
          suggestions: [
            {
              messageId: "suggestAwaitLast",
              output: method(`this.ctx.storage.put("a", 1);\n    const next = id + "!";\n    await this.ctx.storage.put("b", next);`),
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
          suggestions: [
            { messageId: "suggestAwaitLast", output: method(`this.ctx.storage.put("a", 1);\n    await this.ctx.storage.delete("b");`) },
          ],
        },
      ],
    },
    {
      name: "an awaited put in a for…of loop: drop the await, or collect the entries",
      code: method(`for (const it of items) {\n      await this.ctx.storage.put(\`item:\${it.id}\`, it.value);\n    }`),
      errors: [
        {
          messageId: "loop",
          line: 5,
          column: 7,
          suggestions: [
            {
              messageId: "suggestDropAwait",
              output: method(`for (const it of items) {\n      this.ctx.storage.put(\`item:\${it.id}\`, it.value);\n    }`),
            },
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
          suggestions: [
            { messageId: "suggestDropAwait", output: method(`for (const { id: key } of items) this.ctx.storage.delete(key);`) },
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
