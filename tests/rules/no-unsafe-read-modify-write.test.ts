import rule from "../../rules/no-unsafe-read-modify-write.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object whose `m(id, url)` body is `body`, with a storage-only helper and a helper that fetches. */
const m = (body: string) => `${DO}export class C extends DurableObject<Env> {
  async m(id: string, url: string) {
    ${body}
  }
  async onlyStorage() { return this.ctx.storage.get("x"); }
  async sync() { await fetch("https://example.com"); }
}`;
const bcw = (inner: string, decl = "") =>
  `${decl}await this.ctx.blockConcurrencyWhile(async () => {\n      ${inner.replace(/\n {4}/g, "\n      ")}\n    });`;

const READ = `const n = (await this.ctx.storage.get<number>("count")) ?? 0;`;
const WRITE = `await this.ctx.storage.put("count", n + 1);`;
const keyData = (awaited: string, awaitLine = 5, writeLine = 6, key = `"count"`) => ({
  key,
  table: "",
  writeLine: String(writeLine),
  awaitLine: String(awaitLine),
  awaited: `await ${awaited}`,
});

/** Check-then-act: a job read at line 4, then `body` (the docs' "potential race condition" shape). */
const jobs = (body: string) => `${DO}export class Jobs extends DurableObject<Env> {
  async process(id: string) {
    const item = await this.ctx.storage.get<{ status: string }>(\`item:\${id}\`);
    ${body}
  }
}`;

/** SQL check-then-act: `body` in a Durable Object method `m(id)`, its SQL handle as `sql`. */
const rows = (body: string) => `${DO}export class Items extends DurableObject<Env> {
  async m(id: string) {
    const sql = this.ctx.storage.sql;
    ${body}
  }
}`;

new RuleTester().run("no-unsafe-read-modify-write", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    {
      name: "only storage awaits between (the input gate stays closed)",
      code: m(`${READ}\n    await this.ctx.storage.put("other", 1);\n    ${WRITE}`),
    },
    { name: "a same-class helper that only awaits storage", code: m(`${READ}\n    await this.onlyStorage();\n    ${WRITE}`) },
    {
      name: "Promise.all of storage reads",
      code: m(
        `const [a, b] = await Promise.all([this.ctx.storage.get<number>("a"), this.ctx.storage.get<number>("b")]);\n    await this.ctx.storage.put("a", (a ?? 0) + (b ?? 0));`,
      ),
    },
    { name: "the await comes before the read", code: m(`await fetch(url);\n    ${READ}\n    ${WRITE}`) },
    {
      name: "re-read after the await",
      code: m(
        `let n = (await this.ctx.storage.get<number>("count")) ?? 0;\n    await fetch(url);\n    n = (await this.ctx.storage.get<number>("count")) ?? 0;\n    await this.ctx.storage.put("count", n + 1);`,
      ),
    },
    {
      name: "compare-and-set: re-reading the key clears the earlier read",
      code: m(
        `const a = await this.ctx.storage.get<number>("count");\n    await fetch(url);\n    const b = await this.ctx.storage.get<number>("count");\n    if (a !== b) return;\n    await this.ctx.storage.put("count", (a ?? 0) + 1);`,
      ),
    },
    {
      name: "no path has both the read and the await",
      code: m(
        `let n = 0;\n    if (id) { n = (await this.ctx.storage.get<number>("count")) ?? 0; } else { await fetch(url); }\n    ${WRITE}`,
      ),
    },
    {
      name: "a different key",
      code: m(
        `const n = (await this.ctx.storage.get<number>("a")) ?? 0;\n    await fetch(url);\n    await this.ctx.storage.put("b", n + 1);`,
      ),
    },
    {
      name: "the written value does not come from the read",
      code: m(`const n = await this.ctx.storage.get<number>("count");\n    await fetch(url);\n    await this.ctx.storage.put("count", 0);`),
    },
    { name: "inside blockConcurrencyWhile", code: m(bcw(`${READ}\n    await fetch(url);\n    ${WRITE}`)) },
    {
      name: "inside transactionSync and transaction",
      code: m(
        `this.ctx.storage.transactionSync(() => {\n      const v = this.ctx.storage.kv.get<number>("n") ?? 0;\n      this.ctx.storage.kv.put("n", v + 1);\n    });\n    await this.ctx.storage.transaction(async (txn) => {\n      const v = (await txn.get<number>("n")) ?? 0;\n      await fetch(url);\n      await txn.put("n", v + 1);\n    });`,
      ),
    },
    {
      name: "Workers KV is not Durable Object storage",
      code: m(
        `const n = Number(await this.env.CACHE.get("count"));\n    await fetch(url);\n    await this.env.CACHE.put("count", String(n + 1));`,
      ),
    },
    {
      name: "the key variable changes: not the same key",
      code: m(
        `let k = "a";\n    const n = (await this.ctx.storage.get<number>(k)) ?? 0;\n    await fetch(url);\n    k = "b";\n    await this.ctx.storage.put(k, n + 1);`,
      ),
    },
    {
      name: "SQL: one statement computes the new value",
      code: m(
        `this.ctx.storage.sql.exec("SELECT n FROM counters WHERE id = ?", id).one();\n    await fetch(url);\n    this.ctx.storage.sql.exec("UPDATE counters SET n = n + 1 WHERE id = ?", id);`,
      ),
    },
    {
      name: "the write is in another function (not followed)",
      code: m(
        `const n = (await this.ctx.storage.get<number>("count")) ?? 0;\n    await fetch(url);\n    setTimeout(() => this.ctx.storage.put("count", n + 1));`,
      ),
    },
    {
      name: "Web Crypto between keeps the gate closed (measured: tests/runtime/gate-facts.test.ts)",
      code: m(`${READ}\n    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id));\n    ${WRITE}`),
    },
    // Check-then-act twins: the check re-done after the await, an early return, another key, the gate held.
    {
      name: "check-then-act: re-read and re-check after the await",
      code: jobs(`if (item?.status === "pending") {
      await fetch("https://worker.example/run");
      const again = await this.ctx.storage.get<{ status: string }>(\`item:\${id}\`);
      if (again?.status === "pending") await this.ctx.storage.put(\`item:\${id}\`, { status: "completed" });
    }`),
    },
    {
      name: "check-then-act: a condition that only returns early is not around the write",
      code: jobs(`if (item?.status !== "pending") return;
    await fetch("https://worker.example/run");
    await this.ctx.storage.put(\`item:\${id}\`, { status: "completed" });`),
    },
    {
      name: "check-then-act: the write under the check is of another key",
      code: jobs(`if (item?.status === "pending") {
      await fetch("https://worker.example/run");
      await this.ctx.storage.put(\`log:\${id}\`, Date.now());
    }`),
    },
    {
      name: "check-then-act: no gate-opening await between the read and the write",
      code: jobs(`if (item?.status === "pending") {
      await this.ctx.storage.put(\`item:\${id}\`, { status: "running" });
      this.ctx.waitUntil(fetch("https://worker.example/run"));
    }`),
    },
    {
      name: "check-then-act: claimed before the await, inside the check",
      code: jobs(`if (item?.status === "pending") {
      await this.ctx.storage.put(\`item:\${id}\`, { status: "running" });
      await fetch("https://worker.example/run");
      await this.ctx.storage.put(\`item:\${id}\`, { status: "completed" });
    }`),
    },
    // SQL check-then-act twins: the write re-tests the check, the row is claimed first, the check is on a column the write leaves alone.
    {
      name: "SQL check-then-act: the UPDATE re-tests the checked column",
      code: rows(`const row = sql.exec<{ status: string }>("SELECT status FROM items WHERE id = ?", id).toArray()[0];
    if (row?.status === "pending") {
      await fetch("https://worker.example/run");
      sql.exec("UPDATE items SET status = 'done' WHERE id = ? AND status = 'pending'", id);
    }`),
    },
    {
      name: "SQL check-then-act: the row is claimed before the fetch",
      code: rows(`const row = sql.exec<{ status: string }>("SELECT status FROM items WHERE id = ?", id).toArray()[0];
    if (row?.status === "pending") {
      sql.exec("UPDATE items SET status = 'running' WHERE id = ?", id);
      await fetch("https://worker.example/run");
      sql.exec("UPDATE items SET status = 'done' WHERE id = ?", id);
    }`),
    },
    {
      name: "SQL check-then-act: the write changes a column the check did not test",
      code: rows(`const row = sql.exec<{ status: string }>("SELECT status FROM items WHERE id = ?", id).toArray()[0];
    if (row?.status === "pending") {
      await fetch("https://worker.example/run");
      sql.exec("UPDATE items SET runs = runs + 1 WHERE id = ?", id);
    }`),
    },
    {
      name: "SQL: a row chosen by its key, not by a check on what the write changes",
      code: rows(`const user = sql.exec<{ id: string }>("SELECT id FROM users WHERE email = ?", id).one();
    await fetch("https://worker.example/notify");
    sql.exec("UPDATE users SET last_seen = ? WHERE id = ?", Date.now(), user.id);`),
    },
    {
      name: "SQL: the team chosen by a check, and the UPDATE re-tests it",
      code: rows(`const team = sql.exec<{ id: string }>("SELECT id FROM teams WHERE full = 0 LIMIT 1").one();
    await fetch("https://worker.example/join");
    const { rowsWritten } = sql.exec("UPDATE teams SET full = 1 WHERE id = ? AND full = 0", team.id);
    if (rowsWritten === 0) throw new Error("the team filled up");`),
    },
    {
      name: "SQL: compare-and-set on the value read",
      code: rows(`const row = sql.exec<{ n: number }>("SELECT n FROM counters WHERE id = ?", id).one();
    await fetch("https://worker.example/log");
    sql.exec("UPDATE counters SET n = ? WHERE id = ? AND n = ?", row.n + 1, id, row.n);`),
    },
  ],
  invalid: [
    {
      name: "SQL check-then-act: a pending item is processed twice when two requests pass the check during the fetch",
      code: rows(`const row = sql.exec<{ status: string }>("SELECT status FROM items WHERE id = ?", id).toArray()[0];
    if (row?.status === "pending") {
      await fetch("https://worker.example/run");
      sql.exec("UPDATE items SET status = 'done' WHERE id = ?", id);
    }`),
      errors: [
        {
          messageId: "staleRowCheck",
          data: { columns: "`status`", table: "items", writeLine: "8", awaitLine: "7", awaited: "await fetch(…)" },
          line: 5,
          column: 17,
          endLine: 5,
          endColumn: 90,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              output: `${DO}export class Items extends DurableObject<Env> {
  async m(id: string) {
    const sql = this.ctx.storage.sql;
    await this.ctx.blockConcurrencyWhile(async () => {
      const row = sql.exec<{ status: string }>("SELECT status FROM items WHERE id = ?", id).toArray()[0];
      if (row?.status === "pending") {
        await fetch("https://worker.example/run");
        sql.exec("UPDATE items SET status = 'done' WHERE id = ?", id);
      }
    });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "SQL: the team chosen by `full = 0` is filled by every join that reads it during the RPC",
      code: rows(`const team = sql.exec<{ id: string }>("SELECT id FROM teams WHERE full = 0 LIMIT 1").one();
    await this.env.PLAYERS.get(this.env.PLAYERS.idFromName(id)).join(team.id);
    sql.exec("UPDATE teams SET full = 1 WHERE id = ?", team.id);`),
      errors: [
        {
          messageId: "staleRowCheck",
          data: {
            columns: "`full`",
            table: "teams",
            writeLine: "7",
            awaitLine: "6",
            awaited: "await this.env.PLAYERS.get(this.env.PLAYERS.idFromName(id)).joi…",
          },
          line: 5,
          column: 18,
          endLine: 5,
          endColumn: 89,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              output: `${DO}export class Items extends DurableObject<Env> {
  async m(id: string) {
    const sql = this.ctx.storage.sql;
    await this.ctx.blockConcurrencyWhile(async () => {
      const team = sql.exec<{ id: string }>("SELECT id FROM teams WHERE full = 0 LIMIT 1").one();
      await this.env.PLAYERS.get(this.env.PLAYERS.idFromName(id)).join(team.id);
      sql.exec("UPDATE teams SET full = 1 WHERE id = ?", team.id);
    });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "SQL check-then-act: a session deleted as expired after another request renewed it",
      code: rows(`const session = sql.exec<{ expires: number }>("SELECT expires FROM sessions WHERE id = ?", id).one();
    if (session.expires < Date.now()) {
      await fetch("https://worker.example/expired");
      sql.exec("DELETE FROM sessions WHERE id = ?", id);
    }`),
      errors: [
        {
          messageId: "staleRowCheck",
          data: { columns: "`expires`", table: "sessions", writeLine: "8", awaitLine: "7", awaited: "await fetch(…)" },
          line: 5,
          column: 21,
          endLine: 5,
          endColumn: 99,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              output: `${DO}export class Items extends DurableObject<Env> {
  async m(id: string) {
    const sql = this.ctx.storage.sql;
    await this.ctx.blockConcurrencyWhile(async () => {
      const session = sql.exec<{ expires: number }>("SELECT expires FROM sessions WHERE id = ?", id).one();
      if (session.expires < Date.now()) {
        await fetch("https://worker.example/expired");
        sql.exec("DELETE FROM sessions WHERE id = ?", id);
      }
    });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "check-then-act: the item is processed twice when two requests pass the check during the fetch",
      code: jobs(`if (item?.status === "pending") {
      await fetch("https://worker.example/run");
      await this.ctx.storage.put(\`item:\${id}\`, { status: "completed" });
    }`),
      errors: [
        {
          messageId: "staleCheck",
          data: { key: "`item:${id}`", table: "", writeLine: "7", awaitLine: "6", awaited: "await fetch(…)" },
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 78,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              data: { key: "`item:${id}`", table: "", writeLine: "7", awaitLine: "6", awaited: "await fetch(…)" },
              output: `${DO}export class Jobs extends DurableObject<Env> {
  async process(id: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const item = await this.ctx.storage.get<{ status: string }>(\`item:\${id}\`);
      if (item?.status === "pending") {
        await fetch("https://worker.example/run");
        await this.ctx.storage.put(\`item:\${id}\`, { status: "completed" });
      }
    });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "check-then-act through a ternary and a switch",
      code: jobs(`switch (item?.status) {
      case "pending":
        await fetch("https://worker.example/run");
        item?.status === "pending" ? await this.ctx.storage.put(\`item:\${id}\`, { status: "completed" }) : undefined;
    }`),
      errors: [
        {
          messageId: "staleCheck",
          data: { key: "`item:${id}`", table: "", writeLine: "8", awaitLine: "7", awaited: "await fetch(…)" },
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 78,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              data: { key: "`item:${id}`", table: "", writeLine: "8", awaitLine: "7", awaited: "await fetch(…)" },
              output: `${DO}export class Jobs extends DurableObject<Env> {
  async process(id: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const item = await this.ctx.storage.get<{ status: string }>(\`item:\${id}\`);
      switch (item?.status) {
        case "pending":
          await fetch("https://worker.example/run");
          item?.status === "pending" ? await this.ctx.storage.put(\`item:\${id}\`, { status: "completed" }) : undefined;
      }
    });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a local `crypto` is not Web Crypto: its `subtle.digest` may do anything",
      code: m(
        `const crypto = { subtle: { digest: (a: string, b: string) => fetch(b) } };\n    ${READ}\n    await crypto.subtle.digest("SHA-256", url);\n    ${WRITE}`,
      ),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("crypto.subtle.digest(…)", 6, 7),
          line: 5,
          column: 22,
          endLine: 5,
          endColumn: 59,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: keyData("crypto.subtle.digest(…)", 6, 7),
              output: m(
                `const crypto = { subtle: { digest: (a: string, b: string) => fetch(b) } };\n    await crypto.subtle.digest("SHA-256", url);\n    ${READ}\n    ${WRITE}`,
              ),
            },
            {
              messageId: "suggestBlockConcurrency",
              data: keyData("crypto.subtle.digest(…)", 6, 7),
              output: m(
                `const crypto = { subtle: { digest: (a: string, b: string) => fetch(b) } };\n    ${bcw(`${READ}\n    await crypto.subtle.digest("SHA-256", url);\n    ${WRITE}`)}`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "read, fetch, write: move the fetch, or hold the gate",
      code: m(`${READ}\n    await fetch(url);\n    ${WRITE}`),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("fetch(…)"),
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 59,
          suggestions: [
            { messageId: "suggestMoveAwait", data: keyData("fetch(…)"), output: m(`await fetch(url);\n    ${READ}\n    ${WRITE}`) },
            {
              messageId: "suggestBlockConcurrency",
              data: keyData("fetch(…)"),
              output: m(bcw(`${READ}\n    await fetch(url);\n    ${WRITE}`)),
            },
          ],
        },
      ],
    },
    {
      name: "bindings used after the span come back out of the callback",
      code: m(`${READ}\n    const res = await fetch(url);\n    ${WRITE}\n    return { n, ok: res.ok };`),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("fetch(…)"),
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 59,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: keyData("fetch(…)"),
              output: m(`const res = await fetch(url);\n    ${READ}\n    ${WRITE}\n    return { n, ok: res.ok };`),
            },
            {
              messageId: "suggestBlockConcurrency",
              output: m(
                `${bcw(`${READ}\n    const res = await fetch(url);\n    ${WRITE}\n    return { n, res };`, "const { n, res } = ")}\n    return { n, ok: res.ok };`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "the await uses the value: it cannot move",
      code: m(`${READ}\n    await fetch(url + n);\n    ${WRITE}`),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("fetch(…)"),
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 59,
          suggestions: [{ messageId: "suggestBlockConcurrency", output: m(bcw(`${READ}\n    await fetch(url + n);\n    ${WRITE}`)) }],
        },
      ],
    },
    {
      name: "SQL: SELECT, fetch, UPDATE with the stale value",
      code: m(
        `const row = this.ctx.storage.sql.exec("SELECT n FROM counters WHERE id = ?", id).one();\n    await fetch(url);\n    this.ctx.storage.sql.exec("UPDATE counters SET n = ? WHERE id = ?", (row.n as number) + 1, id);`,
      ),
      errors: [
        {
          messageId: "staleRow",
          data: { key: "", table: "counters", writeLine: "6", awaitLine: "5", awaited: "await fetch(…)" },
          line: 4,
          column: 17,
          endLine: 4,
          endColumn: 85,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: keyData("fetch(…)"),
              output: m(
                `await fetch(url);\n    const row = this.ctx.storage.sql.exec("SELECT n FROM counters WHERE id = ?", id).one();\n    this.ctx.storage.sql.exec("UPDATE counters SET n = ? WHERE id = ?", (row.n as number) + 1, id);`,
              ),
            },
            {
              messageId: "suggestBlockConcurrency",
              output: m(
                bcw(
                  `const row = this.ctx.storage.sql.exec("SELECT n FROM counters WHERE id = ?", id).one();\n    await fetch(url);\n    this.ctx.storage.sql.exec("UPDATE counters SET n = ? WHERE id = ?", (row.n as number) + 1, id);`,
                ),
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a timer, a template key, and the value changed in place",
      code: m(
        `let v = await this.ctx.storage.get<number>(\`c:\${id}\`);\n    await new Promise((r) => setTimeout(r, 5));\n    v = (v ?? 0) + 1;\n    await this.ctx.storage.put(\`c:\${id}\`, v);`,
      ),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("new Promise(…)", 5, 7, "`c:${id}`"),
          line: 4,
          column: 19,
          endLine: 4,
          endColumn: 58,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: keyData("new Promise(…)"),
              output: m(
                `await new Promise((r) => setTimeout(r, 5));\n    let v = await this.ctx.storage.get<number>(\`c:\${id}\`);\n    v = (v ?? 0) + 1;\n    await this.ctx.storage.put(\`c:\${id}\`, v);`,
              ),
            },
            {
              messageId: "suggestBlockConcurrency",
              output: m(
                bcw(
                  `let v = await this.ctx.storage.get<number>(\`c:\${id}\`);\n    await new Promise((r) => setTimeout(r, 5));\n    v = (v ?? 0) + 1;\n    await this.ctx.storage.put(\`c:\${id}\`, v);`,
                ),
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a same-class helper that fetches opens the gate",
      code: m(`${READ}\n    await this.sync();\n    this.ctx.storage.put("count", n + 1);`),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("this.sync()"),
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 59,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: keyData("this.sync()"),
              output: m(`await this.sync();\n    ${READ}\n    this.ctx.storage.put("count", n + 1);`),
            },
            {
              messageId: "suggestBlockConcurrency",
              output: m(bcw(`${READ}\n    await this.sync();\n    this.ctx.storage.put("count", n + 1);`)),
            },
          ],
        },
      ],
    },
    {
      name: "the await on one branch is enough",
      code: m(`${READ}\n    if (id) await fetch(url);\n    this.ctx.storage.put("count", n + 1);`),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("fetch(…)"),
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 59,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              output: m(bcw(`${READ}\n    if (id) await fetch(url);\n    this.ctx.storage.put("count", n + 1);`)),
            },
          ],
        },
      ],
    },
    {
      name: "through an alias, a derived value, an RPC to another object, and put({...})",
      code: m(
        `const s = this.ctx.storage;\n    const v = await s.get<number>("n");\n    const next = (v ?? 0) + 1;\n    await this.env.OTHER.get(this.env.OTHER.idFromName(id)).fetch(url);\n    await s.put({ n: next, at: Date.now() });`,
      ),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("this.env.OTHER.get(this.env.OTHER.idFromName(id)).fetch(…)", 7, 8, `"n"`),
          line: 5,
          column: 21,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: keyData("this.env.OTHER.get(this.env.OTHER.idFromName(id)).fetch(…)"),
              output: m(
                `const s = this.ctx.storage;\n    await this.env.OTHER.get(this.env.OTHER.idFromName(id)).fetch(url);\n    const v = await s.get<number>("n");\n    const next = (v ?? 0) + 1;\n    await s.put({ n: next, at: Date.now() });`,
              ),
            },
            {
              messageId: "suggestBlockConcurrency",
              output: m(
                `const s = this.ctx.storage;\n    ${bcw(`const v = await s.get<number>("n");\n    const next = (v ?? 0) + 1;\n    await this.env.OTHER.get(this.env.OTHER.idFromName(id)).fetch(url);\n    await s.put({ n: next, at: Date.now() });`)}`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "the synchronous KV API and scheduler.wait",
      code: m(
        `const v = this.ctx.storage.kv.get<number>("n") ?? 0;\n    await scheduler.wait(1);\n    this.ctx.storage.kv.put("n", v + 1);`,
      ),
      errors: [
        {
          messageId: "staleKey",
          data: keyData("scheduler.wait(…)", 5, 6, `"n"`),
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 51,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: keyData("scheduler.wait(…)"),
              output: m(
                `await scheduler.wait(1);\n    const v = this.ctx.storage.kv.get<number>("n") ?? 0;\n    this.ctx.storage.kv.put("n", v + 1);`,
              ),
            },
            {
              messageId: "suggestBlockConcurrency",
              output: m(
                bcw(
                  `const v = this.ctx.storage.kv.get<number>("n") ?? 0;\n    await scheduler.wait(1);\n    this.ctx.storage.kv.put("n", v + 1);`,
                ),
              ),
            },
          ],
        },
      ],
    },
    {
      name: "for await opens the gate too, and says so plainly",
      code: m(
        `const n = (await this.ctx.storage.get<number>("count")) ?? 0;\n    for await (const chunk of this.stream(url)) void chunk;\n    await this.ctx.storage.put("count", n + 1);`,
      ),
      errors: [
        {
          messageId: "staleKey",
          data: { key: `"count"`, table: "", writeLine: "6", awaitLine: "5", awaited: "for await (…)" },
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 59,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              output: m(
                bcw(
                  `const n = (await this.ctx.storage.get<number>("count")) ?? 0;\n    for await (const chunk of this.stream(url)) void chunk;\n    await this.ctx.storage.put("count", n + 1);`,
                ),
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a typed storage parameter outside a class: no state to block, so only the move",
      code: `export async function bump(storage: DurableObjectStorage, env: Env) {
  const n = (await storage.get<number>("hits")) ?? 0;
  await env.CACHE.put("last", String(n));
  await storage.put("hits", n + 1);
}`,
      errors: [
        {
          messageId: "staleKey",
          data: { key: `"hits"`, table: "", writeLine: "4", awaitLine: "3", awaited: "await env.CACHE.put(…)" },
          line: 2,
          column: 20,
          endLine: 2,
          endColumn: 47,
          suggestions: [],
        },
      ],
    },
  ],
});
