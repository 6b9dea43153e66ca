/**
 * Deterministic generator of Durable Object TypeScript sources for `scripts/bench.js`.
 *
 * Each generated file holds one or more classes extending `DurableObject` from "cloudflare:workers"
 * (storage through `this.ctx.storage`, `this.sql = ctx.storage.sql`, aliases, destructuring,
 * helper methods calling each other, loops, branches, try/catch, awaits of `fetch` and of storage),
 * plus plain non-Durable-Object code. About half of the methods hold a pattern that one of the
 * plugin's rules reports; the other half are close look-alikes that are fine.
 *
 * Deterministic: a seeded PRNG (mulberry32), never `Math.random`, so the same arguments give the
 * same text, byte for byte.
 */

/** mulberry32: a small, fast, seeded 32-bit PRNG returning floats in [0, 1). */
export function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = ["user", "room", "session", "order", "cart", "game", "player", "doc", "counter", "quota", "token", "invite"];
const FIELDS = ["name", "email", "score", "status", "owner", "title", "limit", "region", "plan", "color"];
const TABLES = ["counters", "items", "messages", "members", "events", "balances"];
const URLS = ["https://api.example.com/audit", "https://hooks.example.com/notify", "https://billing.example.com/charge"];

/**
 * Method templates. Each gets `(i, g)` — the method index and a small context — and returns the
 * method's source (indented by two spaces) plus `rule`: the rule expected to report it, or "" if clean.
 */
const DIRTY = [
  // Lost update on a key: get, await fetch (opens the input gate), put the derived value back.
  (i, g) => ({
    rule: "no-unsafe-read-modify-write",
    text: `
  async increment${i}(request: Request): Promise<Response> {
    const key = "${g.noun}:${i}";
    const count = (await this.ctx.storage.get<number>(key)) ?? 0;
    const res = await fetch("${g.url}/${i}", { method: "POST", body: JSON.stringify({ key, count }) });
    if (!res.ok) {
      return new Response("audit failed", { status: 502 });
    }
    await this.ctx.storage.put(key, count + 1);
    return Response.json({ count: count + 1 });
  }
`,
  }),
  // Lost update on a SQL row: SELECT, await a binding, UPDATE with the value read.
  (i, g) => ({
    rule: "no-unsafe-read-modify-write",
    text: `
  async bump${i}(id: string, delta: number): Promise<number> {
    const row = this.sql.exec<{ n: number }>("SELECT n FROM ${g.table} WHERE id = ?", id).one();
    await this.env.QUEUE.send({ id, delta });
    const next = row.n + delta;
    this.sql.exec("UPDATE ${g.table} SET n = ? WHERE id = ?", next, id);
    return next;
  }
`,
  }),
  // Lost update through a `const s = this.ctx.storage` alias and a helper that opens the gate.
  (i, g) => ({
    rule: "no-unsafe-read-modify-write",
    text: `
  async record${i}(event: { kind: string; at: number }): Promise<void> {
    const s = this.ctx.storage;
    const seen = (await s.get<string[]>("seen:${i}")) ?? [];
    try {
      await this.${g.openingHelper}(event.kind);
    } catch (err) {
      console.error("notify failed", err);
    }
    seen.push(event.kind);
    await s.put("seen:${i}", seen);
  }
`,
  }),
  // Lost update through destructuring, inside a branch.
  (i, g) => ({
    rule: "no-unsafe-read-modify-write",
    text: `
  async charge${i}(amount: number, remote: boolean): Promise<number> {
    const { storage } = this.ctx;
    let balance = (await storage.get<number>("balance")) ?? 0;
    if (remote) {
      const quote = await fetch("${g.url}?amount=" + amount);
      balance -= Number(await quote.text());
    } else {
      balance -= amount;
    }
    await storage.put("balance", balance);
    return balance;
  }
`,
  }),
  // A sequence of awaited single-key puts.
  (i, g) => ({
    rule: "prefer-coalesced-writes",
    text: `
  async save${i}(body: Record<string, string>): Promise<void> {
    const ${g.field} = body.${g.field} ?? "";
    await this.ctx.storage.put("${g.noun}:${i}:${g.field}", ${g.field});
    await this.ctx.storage.put("${g.noun}:${i}:updated", Date.now());
    await this.ctx.storage.put("${g.noun}:${i}:by", body.user);
  }
`,
  }),
  // An awaited delete in a loop, through an alias.
  (i, g) => ({
    rule: "prefer-coalesced-writes",
    text: `
  async purge${i}(keys: string[]): Promise<number> {
    const store = this.ctx.storage;
    let removed = 0;
    for (const key of keys) {
      if (key.startsWith("${g.noun}:")) {
        await store.delete(key);
        removed++;
      }
    }
    return removed;
  }
`,
  }),
  // `PRAGMA user_version`, read and write.
  (i) => ({
    rule: "no-pragma-user-version",
    text: `
  migrate${i}(): number {
    const current = this.sql.exec<{ user_version: number }>("PRAGMA user_version").one().user_version;
    if (current < ${(i % 7) + 2}) {
      this.sql.exec("ALTER TABLE items ADD COLUMN c${i} TEXT");
      this.sql.exec("PRAGMA user_version = ${(i % 7) + 2}");
    }
    return current;
  }
`,
  }),
  // A SQL cursor read lazily across an await of fetch.
  (i, g) => ({
    rule: "no-cursor-after-await",
    text: `
  async flush${i}(): Promise<number> {
    const pending = this.sql.exec<{ id: string; name: string }>("SELECT id, name FROM ${g.table} ORDER BY id");
    let sent = 0;
    for (const row of pending) {
      await fetch("${g.url}/flush", { method: "POST", body: row.name });
      sent++;
    }
    return sent;
  }
`,
  }),
  // BEGIN/COMMIT in SQL, which Durable Object SQLite refuses.
  (i, g) => ({
    rule: "no-sql-transaction-statements",
    text: `
  batch${i}(items: { id: string; value: number }[]): void {
    this.sql.exec("BEGIN TRANSACTION");
    for (const item of items) {
      this.sql.exec("INSERT OR REPLACE INTO ${g.table} (id, n) VALUES (?, ?)", item.id, item.value);
    }
    this.sql.exec("COMMIT");
  }
`,
  }),
  // An async callback to transactionSync.
  (i, g) => ({
    rule: "no-async-transaction-sync",
    text: `
  async place${i}(id: string, total: number): Promise<void> {
    this.ctx.storage.transactionSync(async () => {
      this.sql.exec("INSERT INTO ${g.table} (id, n) VALUES (?, ?)", id, total);
      await fetch("${g.url}/order", { method: "POST", body: id });
    });
  }
`,
  }),
  // A storage read used without await.
  (i) => ({
    rule: "no-unawaited-storage-read",
    text: `
  async schedule${i}(delayMs: number): Promise<void> {
    if (!this.ctx.storage.getAlarm()) {
      await this.ctx.storage.setAlarm(Date.now() + delayMs);
    }
  }
`,
  }),
  // list() without a limit.
  (i, g) => ({
    rule: "no-unbounded-list",
    text: `
  async total${i}(): Promise<number> {
    const entries = await this.ctx.storage.list<number>({ prefix: "${g.noun}:" });
    let sum = 0;
    for (const n of entries.values()) sum += n;
    return sum;
  }
`,
  }),
  // Wrong number of bindings; an unsupported PRAGMA.
  (i, g) => ({
    rule: "valid-sql-exec",
    text: `
  insert${i}(id: string): void {
    this.sql.exec("INSERT INTO ${g.table} (id, owner, n) VALUES (?, ?, ?)", id, "${g.noun}");
  }
`,
  }),
  (i) => ({
    rule: "no-unsupported-pragma",
    text: `
  tune${i}(): void {
    this.sql.exec("PRAGMA journal_mode = WAL");
  }
`,
  }),
  // `deleteAll()` in a class with an `alarm()` handler and no `deleteAlarm()`.
  (i) => ({
    rule: "require-delete-alarm-with-delete-all",
    text: `
  async reset${i}(request: Request): Promise<Response> {
    const token = request.headers.get("authorization");
    if (token !== "Bearer admin") {
      return new Response("forbidden", { status: 403 });
    }
    await this.ctx.storage.deleteAll();
    return new Response("reset");
  }
`,
  }),
];

const CLEAN = [
  // Read after the await: nothing stale.
  (i, g) => ({
    rule: "",
    text: `
  async touch${i}(): Promise<number> {
    await fetch("${g.url}/ping/${i}");
    const hits = (await this.ctx.storage.get<number>("hits:${i}")) ?? 0;
    await this.ctx.storage.put("hits:${i}", hits + 1);
    return hits + 1;
  }
`,
  }),
  // Only storage is awaited between read and write (the input gate stays closed), via a helper.
  (i, g) => ({
    rule: "",
    text: `
  async rename${i}(${g.field}: string): Promise<void> {
    const prev = await this.ctx.storage.get<string>("${g.field}:${i}");
    await this.${g.closedHelper}();
    if (prev !== ${g.field}) {
      await this.ctx.storage.put("${g.field}:${i}", ${g.field} || prev || "");
    }
  }
`,
  }),
  // One coalesced multi-key put.
  (i, g) => ({
    rule: "",
    text: `
  async profile${i}(body: Record<string, string>): Promise<void> {
    const now = Date.now();
    await this.ctx.storage.put({
      "${g.noun}:${i}:${g.field}": body.${g.field},
      "${g.noun}:${i}:updated": now,
    });
  }
`,
  }),
  // `deleteAll()` with `deleteAlarm()` next to it.
  (i) => ({
    rule: "",
    text: `
  async wipe${i}(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
`,
  }),
  // The SQL computes the new value itself; PRAGMAs other than user_version.
  (i, g) => ({
    rule: "",
    text: `
  add${i}(id: string, delta: number): number {
    const cols = this.sql.exec("PRAGMA table_info(${g.table})").toArray();
    if (cols.length === 0) throw new Error("no table ${g.table}");
    this.sql.exec("UPDATE ${g.table} SET n = n + ? WHERE id = ?", delta, id);
    return this.sql.exec<{ n: number }>("SELECT n FROM ${g.table} WHERE id = ?", id).one().n;
  }
`,
  }),
  // A cursor loop with a switch, no awaits.
  (i, g) => ({
    rule: "",
    text: `
  list${i}(owner: string, limit = 50): { id: string; label: string }[] {
    const out: { id: string; label: string }[] = [];
    for (const row of this.sql.exec<{ id: string; kind: string; name: string }>(
      "SELECT id, kind, name FROM ${g.table} WHERE owner = ? ORDER BY id LIMIT ?",
      owner,
      limit,
    )) {
      switch (row.kind) {
        case "a":
          out.push({ id: row.id, label: "A: " + row.name });
          break;
        case "b":
          out.push({ id: row.id, label: row.name.toUpperCase() });
          break;
        default:
          out.push({ id: row.id, label: row.name });
      }
    }
    return out;
  }
`,
  }),
  // Parallel reads, then writes without awaits in between (they coalesce).
  (i, g) => ({
    rule: "",
    text: `
  async move${i}(from: string, to: string): Promise<void> {
    const storage = this.ctx.storage;
    const [a, b] = await Promise.all([storage.get<number>(from), storage.get<number>(to)]);
    storage.put(from, 0);
    storage.put(to, (a ?? 0) + (b ?? 0));
    await storage.sync();
    this.${g.pureHelper}(from, to);
  }
`,
  }),
  // Collect in a loop, write once.
  (i, g) => ({
    rule: "",
    text: `
  async import${i}(rows: { key: string; value: unknown }[]): Promise<void> {
    const entries: Record<string, unknown> = {};
    let i = 0;
    while (i < rows.length) {
      const row = rows[i++];
      if (row.value === undefined) continue;
      entries["${g.noun}:" + row.key] = row.value;
    }
    await this.ctx.storage.put(entries);
  }
`,
  }),
  // Read-modify-write inside a transaction, and inside blockConcurrencyWhile.
  (i, g) => ({
    rule: "",
    text: `
  async transfer${i}(amount: number): Promise<void> {
    await this.ctx.storage.transaction(async (txn) => {
      const from = (await txn.get<number>("a:${i}")) ?? 0;
      const to = (await txn.get<number>("b:${i}")) ?? 0;
      await txn.put({ "a:${i}": from - amount, "b:${i}": to + amount });
    });
    await this.ctx.blockConcurrencyWhile(async () => {
      const n = (await this.ctx.storage.get<number>("transfers")) ?? 0;
      await fetch("${g.url}/transfer");
      await this.ctx.storage.put("transfers", n + 1);
    });
  }
`,
  }),
  // Cursor materialised before the await; SQL batch in transactionSync; paged list; awaited read.
  (i, g) => ({
    rule: "",
    text: `
  async drain${i}(limit: number): Promise<number> {
    const rows = this.sql.exec<{ id: string }>("SELECT id FROM ${g.table} ORDER BY id LIMIT ?", limit).toArray();
    for (const row of rows) {
      await fetch("${g.url}/drain/" + row.id);
    }
    this.ctx.storage.transactionSync(() => {
      for (const row of rows) this.sql.exec("DELETE FROM ${g.table} WHERE id = ?", row.id);
    });
    const page = await this.ctx.storage.list<number>({ prefix: "${g.noun}:", limit: 100 });
    if (!(await this.ctx.storage.getAlarm())) await this.ctx.storage.setAlarm(Date.now() + 1000);
    return rows.length + page.size;
  }
`,
  }),
  // Plain code: no storage at all.
  (i, g) => ({
    rule: "",
    text: `
  private format${i}(input: { ${g.field}?: string; tags: string[] }): string {
    const parts: string[] = [];
    for (let k = 0; k < input.tags.length; k++) {
      const tag = input.tags[k].trim();
      if (!tag) continue;
      parts.push(tag.length > 12 ? tag.slice(0, 12) + "…" : tag);
    }
    try {
      return JSON.stringify({ ${g.field}: input.${g.field} ?? null, parts });
    } catch {
      return "";
    }
  }
`,
  }),
];

/** Helpers every class has, that the methods call (the gate model follows them). */
function helpers(c) {
  return `
  private async notify${c}(kind: string): Promise<void> {
    await this.send${c}("${URLS[c % URLS.length]}", { kind });
  }

  private async send${c}(url: string, body: unknown): Promise<Response> {
    return fetch(url, { method: "POST", body: JSON.stringify(body) });
  }

  private async stamp${c}(): Promise<void> {
    await this.mark${c}("touched");
  }

  private async mark${c}(what: string): Promise<void> {
    await this.ctx.storage.put("last:" + what, Date.now());
  }

  private log${c}(...args: unknown[]): void {
    if (this.debug) console.log("[do${c}]", ...args);
  }
`;
}

function classHeader(c, name) {
  return `
export class ${name} extends DurableObject<Env> {
  sql: SqlStorage;
  debug = false;
  private cache = new LruCache<string, unknown>(64);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec("CREATE TABLE IF NOT EXISTS counters (id TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0)");
      this.sql.exec("CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, owner TEXT, kind TEXT, name TEXT, n INTEGER)");
    });
  }

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const cached = this.cache.get(url.pathname);
    if (cached !== undefined) return Response.json(cached);
    switch (request.method) {
      case "GET":
        return Response.json(await this.ctx.storage.list({ prefix: url.searchParams.get("prefix") ?? "", limit: 100 }));
      case "DELETE":
        await this.ctx.storage.delete(url.pathname);
        return new Response(null, { status: 204 });
      default:
        this.log${c}("unhandled", request.method);
        return new Response("method not allowed", { status: 405 });
    }
  }

  async alarm(): Promise<void> {
    const due = (await this.ctx.storage.get<number[]>("due")) ?? [];
    if (due.length > 0) {
      await this.ctx.storage.setAlarm(Date.now() + 60_000);
    }
  }
`;
}

const PRELUDE = `import { DurableObject } from "cloudflare:workers";

interface Env {
  COUNTER: DurableObjectNamespace;
  QUEUE: Queue<unknown>;
  KV: KVNamespace;
}

/** Plain code: a small LRU cache with get/put/delete (not Durable Object storage). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  put(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }
}

export function slugify(input: string): string {
  return input
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
`;

function epilogue(classNames) {
  return `
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const name = slugify(url.searchParams.get("name") ?? "default");
    const cached = await env.KV.get(name);
    if (cached) return new Response(cached);
    const id = env.COUNTER.idFromName(name);
    const stub = env.COUNTER.get(id);
    return stub.fetch(request);
  },
} satisfies ExportedHandler<Env>;

export const CLASSES = [${classNames.map((n) => JSON.stringify(n)).join(", ")}];
`;
}

/**
 * A TypeScript source with `methodCount` generated methods (plus a constructor, `fetch`, `alarm`
 * and five helpers per class), spread over `options.classes` Durable Object classes (default 1).
 * About half of the generated methods hold a pattern a rule reports.
 *
 * @param {number} methodCount
 * @param {number} seed
 * @param {{ classes?: number }} [options]
 * @returns {string}
 */
export function generateDurableObjectFile(methodCount, seed, options = {}) {
  return generateWithManifest(methodCount, seed, options).text;
}

/**
 * Like {@link generateDurableObjectFile}, also returning which rule each generated method should
 * trigger (for a sanity check of the corpus mix).
 *
 * @returns {{ text: string; expected: Record<string, number>; dirty: number; clean: number }}
 */
export function generateWithManifest(methodCount, seed, options = {}) {
  const classes = Math.max(1, Math.min(options.classes ?? 1, methodCount || 1));
  const rng = createRng(seed);
  const pick = (arr) => arr[Math.floor(rng() * arr.length)];
  const expected = {};
  let dirty = 0;
  const parts = [PRELUDE];
  const names = [];
  let i = 0;
  for (let c = 0; c < classes; c++) {
    const name = `${pick(NOUNS)[0].toUpperCase()}${pick(NOUNS).slice(1)}Object${seed}_${c}`;
    names.push(name);
    parts.push(classHeader(c, name), helpers(c));
    const count = Math.floor((methodCount * (c + 1)) / classes) - Math.floor((methodCount * c) / classes);
    for (let m = 0; m < count; m++, i++) {
      const g = {
        noun: pick(NOUNS),
        field: pick(FIELDS),
        table: pick(TABLES),
        url: pick(URLS),
        openingHelper: rng() < 0.5 ? `notify${c}` : `send${c}`,
        closedHelper: rng() < 0.5 ? `stamp${c}` : `mark${c}`,
        pureHelper: `log${c}`,
      };
      const isDirty = rng() < 0.5;
      const { rule, text } = pick(isDirty ? DIRTY : CLEAN)(i, g);
      if (rule) {
        dirty++;
        expected[rule] = (expected[rule] ?? 0) + 1;
      }
      parts.push(text);
    }
    parts.push("}\n");
  }
  parts.push(epilogue(names));
  return { text: parts.join(""), expected, dirty, clean: methodCount - dirty };
}

/**
 * One Durable Object class with one long method: `blocks` small blocks in a row (read / await
 * fetch / write back, a branch that reads, a SQL update, an awaited fetch, two awaited puts), for
 * probing per-function (rather than per-file) scaling: flow-sensitive analysis and fixes that look
 * at the enclosing block.
 */
export function generateLongMethodFile(blocks, seed) {
  const rng = createRng(seed);
  const lines = [];
  for (let b = 0; b < blocks; b++) {
    const kind = Math.floor(rng() * 5);
    if (kind === 0) {
      lines.push(
        `    const v${b} = (await this.ctx.storage.get<number>("k${b}")) ?? 0;`,
        `    await fetch("https://api.example.com/${b}");`,
        `    await this.ctx.storage.put("k${b}", v${b} + 1);`,
      );
    } else if (kind === 1) {
      lines.push(
        `    if (flag${b % 3}) {`,
        `      total += (await this.ctx.storage.get<number>("t${b}")) ?? 0;`,
        `    } else {`,
        `      total -= ${b};`,
        `    }`,
      );
    } else if (kind === 2) {
      lines.push(`    this.sql.exec("UPDATE counters SET n = n + 1 WHERE id = ?", "c${b}");`);
    } else if (kind === 3) {
      lines.push(`    const r${b} = await fetch("https://api.example.com/r/${b}");`, `    total += r${b}.status;`);
    } else {
      // two awaited writes in a row: a sequence prefer-coalesced-writes reports
      lines.push(`    await this.ctx.storage.put("a${b}", total);`, `    await this.ctx.storage.put("b${b}", ${b});`);
    }
  }
  return `import { DurableObject } from "cloudflare:workers";

export class LongMethodObject extends DurableObject {
  sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
  }

  async run(flag0: boolean, flag1: boolean, flag2: boolean): Promise<number> {
    let total = 0;
${lines.join("\n")}
    return total;
  }
}
`;
}
