import path from "node:path";
import { fileURLToPath } from "node:url";
import rule from "../../rules/no-memory-only-alarm-state.js";
import { CURRENT_DOCS, OLDER_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const typedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/typed");
const typed = {
  filename: path.join(typedDir, "file.ts"),
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: typedDir } },
};

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
const BATCH = "Batch Processing with Alarms";
const batchBlock = (file: string) => docBlocks(file).find((b) => b.heading === BATCH)!.code;

/**
 * A Durable Object with `pending: string[] = []` (line 3, column 3), whose `addItem(item)` body is
 * `add` and whose `alarm()` body is `alarm`.
 */
const batch = (add: string, alarm: string, extra = "") => `${DO}export class Batch extends DurableObject<Env> {
  pending: string[] = [];
  async addItem(item: string, id: string) {
    ${add}
  }
  async alarm() {
    ${alarm}
  }${extra}
}`;
const SCHEDULE = "if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + 5000);";
const DRAIN = `const items = [...this.pending];
    this.pending = [];
    for (const item of items) await fetch("https://example.com", { method: "POST", body: item });`;

const report = (field: string, method: string, line: number, column: number, endColumn: number) => ({
  messageId: "memoryOnly" as const,
  data: { field, method },
  line,
  column,
  endLine: line,
  endColumn,
  suggestions: [],
});

new RuleTester().run("no-memory-only-alarm-state", rule, {
  valid: [
    ...patternDocCases(() =>
      docBlocks(CURRENT_DOCS)
        .filter((b) => b.heading !== BATCH)
        .map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code })),
    ),
    ...patternDocCases(() =>
      docBlocks(OLDER_DOCS)
        .filter((b) => b.heading !== BATCH)
        .map((b) => ({ name: `older pattern docs: ${b.heading}`, code: b.code })),
    ),
    {
      name: "the durable version: a pending table drained in transactionSync",
      code: `${DO}export class BatchProcessor extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  async addItem(item: string) {
    this.sql.exec("INSERT INTO pending (item) VALUES (?)", item);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + 5000);
  }
  async alarm() {
    this.ctx.storage.transactionSync(() => {
      const items = this.sql.exec("SELECT item FROM pending").toArray();
      if (items.length === 0) return;
      for (const { item } of items) this.sql.exec("INSERT INTO processed_items (item, timestamp) VALUES (?, ?)", item, Date.now());
      this.sql.exec("DELETE FROM pending");
    });
  }
}`,
    },
    {
      name: "each item is also put: the field is a cache",
      code: batch(`this.pending.push(item);\n    await this.ctx.storage.put(\`pending:\${id}\`, item);\n    ${SCHEDULE}`, DRAIN),
    },
    {
      name: "each item is also inserted with SQL",
      code: batch(
        `this.pending.push(item);\n    this.ctx.storage.sql.exec("INSERT INTO pending (id, item) VALUES (?, ?)", id, item);\n    ${SCHEDULE}`,
        DRAIN,
      ),
    },
    {
      name: "an item object whose parts are inserted",
      code: batch(
        `const row = { id, item };\n    this.pending.push(row.item);\n    this.ctx.storage.sql.exec("INSERT INTO pending VALUES (?, ?)", row.id, row.item);\n    ${SCHEDULE}`,
        DRAIN,
      ),
    },
    {
      name: "the whole buffer is put after each push",
      code: batch(`this.pending.push(item);\n    this.ctx.storage.put("pending", this.pending);\n    ${SCHEDULE}`, DRAIN),
    },
    {
      name: "the whole buffer is stored, serialised, through an alias",
      code: batch(
        `this.pending.push(item);\n    const all = this.pending;\n    this.ctx.storage.kv.put("pending", JSON.stringify(all));\n    ${SCHEDULE}`,
        DRAIN,
      ),
    },
    {
      name: "the buffer is written item by item in a callback",
      code: batch(
        `this.pending.push(item);\n    this.pending.forEach((p, i) => this.ctx.storage.put(\`pending:\${i}\`, p));\n    ${SCHEDULE}`,
        DRAIN,
      ),
    },
    {
      name: "persisted through an own helper that writes storage",
      code: batch(
        `this.pending.push(item);\n    await this.save(id, item);\n    ${SCHEDULE}`,
        DRAIN,
        `
  async save(id: string, item: string) { await this.ctx.storage.put(id, item); }`,
      ),
    },
    {
      name: "persisted by a method the class does not define here (e.g. an Agent's setState)",
      code: batch(`this.pending.push(item);\n    this.setState({ pending: this.pending });\n    ${SCHEDULE}`, DRAIN),
    },
    {
      name: "persisted by a helper that is handed the storage",
      code: batch(`this.pending.push(item);\n    await persist(this.ctx.storage, item);\n    ${SCHEDULE}`, DRAIN),
    },
    {
      name: "sent to a binding (a queue)",
      code: batch(`this.pending.push(item);\n    await this.env.QUEUE.send(item);\n    ${SCHEDULE}`, DRAIN),
    },
    {
      name: "loaded from storage in the constructor (blockConcurrencyWhile)",
      code: `${DO}export class Batch extends DurableObject<Env> {
  pending: string[] = [];
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.pending = (await ctx.storage.get<string[]>("pending")) ?? [];
    });
  }
  async addItem(item: string) {
    this.pending.push(item);
    ${SCHEDULE}
  }
  async alarm() {
    ${DRAIN}
  }
}`,
    },
    {
      name: "a cache filled from storage reads",
      code: `${DO}export class Users extends DurableObject<Env> {
  cache = new Map<string, unknown>();
  async get(id: string) {
    const user = await this.ctx.storage.get(id);
    if (user) this.cache.set(id, user);
    await this.ctx.storage.setAlarm(Date.now() + 60_000);
    return user;
  }
  async preload() {
    for (const [k, v] of await this.ctx.storage.list({ prefix: "user:", limit: 100 })) this.cache.set(k, v);
    await this.ctx.storage.setAlarm(Date.now() + 60_000);
  }
  async alarm() {
    for (const [id, user] of this.cache) console.log(id, user);
    this.cache.clear();
  }
}`,
    },
    {
      name: "a class without alarm()",
      code: batch(`this.pending.push(item);\n    ${SCHEDULE}`, DRAIN).replace("async alarm()", "async flush()"),
    },
    {
      name: "alarm() never reads the field (it only resets it)",
      code: batch(`this.pending.push(item);\n    ${SCHEDULE}`, `this.pending = [];\n    this.pending.length = 0;`),
    },
    {
      name: "the filling method sets no alarm, nor does anything it calls or anything that calls it",
      code: batch(
        `this.pending.push(item);`,
        DRAIN,
        `
  async start() { await this.ctx.storage.setAlarm(Date.now() + 5000); }`,
      ),
    },
    {
      name: "filled only by code that runs when the alarm fires (a retry queue)",
      code: batch(
        SCHEDULE,
        `${DRAIN}\n    this.retry("x");`,
        `
  private retry(item: string) { this.pending.push(item); void this.ctx.storage.setAlarm(Date.now() + 1000); }`,
      ),
    },
    {
      name: "not a Durable Object",
      code: `export class Batch {
  pending: string[] = [];
  constructor(private storage: { setAlarm(t: number): Promise<void> }) {}
  async addItem(item: string) { this.pending.push(item); await this.storage.setAlarm(Date.now()); }
  async alarm() { console.log([...this.pending]); }
}`,
    },
    {
      name: "the alarm is set on another object's stub",
      code: batch(`this.pending.push(item);\n    await this.env.OTHER.get(this.env.OTHER.idFromName("x")).setAlarm(Date.now());`, DRAIN),
    },
    {
      name: "a field that holds a storage handle",
      code: `${DO}export class Batch extends DurableObject<Env> {
  store = this.ctx.storage;
  async addItem(item: string) { await this.store.put(item, 1); await this.store.setAlarm(Date.now()); }
  async alarm() { console.log(await this.store.list({ limit: 10 })); }
}`,
    },
    {
      name: "a field never declared in the class body nor assigned in the constructor",
      code: `${DO}export class Batch extends DurableObject<Env> {
  async addItem(item: string) { (this.pending ??= []).push(item); this.pending.push(item); await this.ctx.storage.setAlarm(Date.now()); }
  async alarm() { console.log(this.pending); }
}`,
    },
    {
      name: "this in a plain function is not the object",
      code: batch(
        `function add(this: { pending: string[] }) { this.pending.push(item); }\n    add.call({ pending: [] });\n    ${SCHEDULE}`,
        DRAIN,
      ),
    },
    {
      name: "a drain helper that also runs outside the alarm and writes the buffer (documented silence)",
      code: batch(
        `this.pending.push(item);\n    if (this.pending.length >= 100) this.flush();\n    else ${SCHEDULE}`,
        `this.flush();`,
        `
  flush() {
    for (const item of this.pending) this.ctx.storage.sql.exec("INSERT INTO processed_items (item) VALUES (?)", item);
    this.pending = [];
  }`,
      ),
    },
    // Same-class calls are followed only where callees.ts pins down the body that runs (class-model.ts,
    // `certain` edges): a method a subclass of the file overrides, or that the class reassigns, may not
    // be the one that reads the buffer, sets the alarm or leaves the item unstored. These were reported
    // before the rule moved onto the class model.
    {
      name: "the drain helper of alarm() is overridden by a subclass: which body alarm() runs is unknown",
      code: batch(
        `this.pending.push(item);\n    ${SCHEDULE}`,
        `await this.flush();`,
        `
  async flush() {
    for (const item of this.pending.splice(0)) await fetch("https://example.com", { method: "POST", body: item });
  }
}
export class DurableBatch extends Batch {
  override async flush() {
    await this.ctx.storage.delete("pending");
  }`,
      ),
    },
    {
      name: "the drain helper of alarm() is reassigned in the constructor (bound): which body runs is unknown",
      code: batch(
        `this.pending.push(item);\n    ${SCHEDULE}`,
        `await this.flush();`,
        `
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.flush = this.flush.bind(this);
  }
  async flush() {
    for (const item of this.pending.splice(0)) await fetch("https://example.com", { method: "POST", body: item });
  }`,
      ),
    },
    {
      name: "the method that sets the alarm is overridden by a subclass: the fill may not be scheduled",
      code: batch(
        `this.pending.push(item);\n    await this.schedule();`,
        DRAIN,
        `
  async schedule() {
    await this.ctx.storage.setAlarm(Date.now() + 5000);
  }
}
export class Immediate extends Batch {
  override async schedule() {
    await this.alarm();
  }`,
      ),
    },
    {
      name: "the item goes to a method a subclass overrides to store it",
      code: batch(
        `this.pending.push(item);\n    this.record(item);\n    ${SCHEDULE}`,
        DRAIN,
        `
  record(item: string) {
    console.log(item);
  }
}
export class Durable extends Batch {
  override record(item: string) {
    void this.ctx.storage.put(\`pending:\${item}\`, item);
  }`,
      ),
    },
    {
      name: "a checkpoint method stores the buffer entry by entry",
      code: `${DO}export class Events extends DurableObject<Env> {
  #queue = new Map<string, string>();
  async add(id: string, body: string) {
    this.#queue.set(id, body);
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
  async checkpoint() {
    for (const [k, v] of this.#queue) this.ctx.storage.put(k, v);
  }
  async alarm() {
    console.log([...this.#queue.values()]);
    this.#queue.clear();
  }
}`,
    },
    {
      name: "a D1 insert of the item",
      code: batch(
        `this.pending.push(item);
    await this.env.DB.prepare("INSERT INTO pending VALUES (?)").bind(item).run();
    ${SCHEDULE}`,
        DRAIN,
      ),
    },
    {
      name: "with type information: a storage-typed parameter stores the item",
      ...typed,
      code: batch(
        `this.pending.push(item);
    await this.save(this.ctx.storage, item);
    ${SCHEDULE}`,
        DRAIN,
        `
  async save(s: DurableObjectStorage, item: string) { await s.put(item, true); }`,
      ),
    },
    {
      name: "promise resolvers live and die with the instance",
      code: `${DO}export class Flusher extends DurableObject<Env> {
  waiters: (() => void)[] = [];
  async waitForFlush() {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
    });
  }
  async alarm() {
    for (const w of this.waiters.splice(0)) w();
  }
}`,
    },
    {
      name: "WebSocket sessions pinged by the alarm",
      code: `${DO}export class Room extends DurableObject<Env> {
  sessions = new Map<string, WebSocket>();
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    this.sessions.set(crypto.randomUUID(), server);
    await this.ctx.storage.setAlarm(Date.now() + 30_000);
    return new Response(null, { status: 101, webSocket: client });
  }
  async alarm() {
    for (const ws of this.sessions.values()) ws.send("ping");
    await this.ctx.storage.setAlarm(Date.now() + 30_000);
  }
}`,
    },
    {
      name: "open response streams: a Map of stream writers that the alarm writes to (untyped)",
      code: `${DO}export class Ticker extends DurableObject<Env> {
  writers = new Map();
  async fetch(request: Request) {
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    this.writers.set(crypto.randomUUID(), writer);
    await this.ctx.storage.setAlarm(Date.now() + 1000);
    return new Response(readable);
  }
  async alarm() {
    for (const w of this.writers.values()) await w.write(new TextEncoder().encode("tick\\n"));
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
}`,
    },
    {
      name: "open response streams: declared as WritableStreamDefaultWriter, filled straight from getWriter()",
      code: `${DO}export class Ticker extends DurableObject<Env> {
  writers = new Map<string, WritableStreamDefaultWriter<Uint8Array>>();
  async fetch(request: Request) {
    const stream = new TransformStream<Uint8Array, Uint8Array>();
    this.writers.set(crypto.randomUUID(), stream.writable.getWriter());
    await this.ctx.storage.setAlarm(Date.now() + 1000);
    return new Response(stream.readable);
  }
  async alarm() {
    for (const w of this.writers.values()) await w.write(new Uint8Array([1]));
  }
}`,
    },
    {
      name: "stubs of other Durable Objects and stream controllers cannot be stored either",
      code: `${DO}export class Fanout extends DurableObject<Env> {
  peers: DurableObjectStub[] = [];
  controllers: ReadableStreamDefaultController[] = [];
  async join(peer: DurableObjectStub, controller: ReadableStreamDefaultController) {
    this.peers.push(peer);
    this.controllers.push(controller);
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
  async alarm() {
    for (const p of this.peers) await p.fetch("https://peer/ping");
    for (const c of this.controllers) c.enqueue("tick");
  }
}`,
    },
    {
      name: "long-poll waiters typed by a local interface whose member is a callback",
      code: `${DO}interface PendingWaiter {
  offset: string;
  resolve: (rows: string[]) => void;
}
export class Stream extends DurableObject<Env> {
  private waiters: PendingWaiter[] = [];
  async poll(offset: string) {
    await this.ctx.storage.setAlarm(Date.now() + 30_000);
    return new Promise<string[]>((resolve) => this.waiters.push({ offset, resolve }));
  }
  async alarm() {
    for (const w of this.waiters.splice(0)) w.resolve([]);
  }
}`,
    },
    {
      name: "a field declared to hold callbacks (waiters) is in-memory by nature",
      code: `import { DurableObject } from "cloudflare:workers";
export class Fibers extends DurableObject {
  waiters = new Map<string, Set<() => void>>();
  async wait(id: string) {
    await this.ctx.storage.setAlarm(Date.now() + 1000);
    let set = this.waiters.get(id);
    if (!set) this.waiters.set(id, (set = new Set()));
    await new Promise<void>((resolve) => set.add(resolve));
  }
  async alarm() {
    for (const [, set] of this.waiters) for (const w of set) w();
  }
}
`,
    },
    {
      name: "a marker set that alarm() only probes with has() is not a batch",
      code: `import { DurableObject } from "cloudflare:workers";
export class Pool extends DurableObject {
  starting = new Set<string>();
  async start(id: string) {
    this.starting.add(id);
    try {
      await this.ctx.storage.setAlarm(Date.now() + 1000);
    } finally {
      this.starting.delete(id);
    }
  }
  async alarm() {
    for (const id of await this.ids()) if (!(await this.isRunning(id))) await this.start(id);
  }
  async isRunning(id: string) { return this.starting.has(id); }
  async warm(id: string) { await this.start(id); }
  async ids(): Promise<string[]> { return []; }
  async stop(id: string) { void id; }
}
`,
    },
  ],
  invalid: [
    ...patternDocCases(() => [
      {
        name: "the pattern docs' Batch Processing with Alarms",
        code: batchBlock(CURRENT_DOCS),
        errors: [report("pending", "addItem", 4, 3, 10)],
      },
    ]),
    ...patternDocCases(() => [
      {
        name: "the older pattern docs' Batch Processing with Alarms",
        code: batchBlock(OLDER_DOCS),
        errors: [report("pending", "addItem", 4, 3, 10)],
      },
    ]),
    {
      name: "alarm() as an arrow-function field",
      code: batch(`this.pending.push(item);\n    ${SCHEDULE}`, DRAIN)
        .replace("async alarm() {", "alarm = async () => {")
        .replace(/\n {2}}\n}$/, "\n  };\n}"),
      errors: [report("pending", "addItem", 3, 3, 10)],
    },
    {
      name: "the fill method stores something else, not the item",
      code: batch(`this.pending.push(item);\n    await this.ctx.storage.put("lastSeen", Date.now());\n    ${SCHEDULE}`, DRAIN),
      errors: [report("pending", "addItem", 3, 3, 10)],
    },
    {
      name: "alarm() writes the drained batch to storage: that is too late",
      code: batch(
        `this.pending.push(item);\n    ${SCHEDULE}`,
        `this.flush();`,
        `
  private flush() {
    const batch = this.pending.splice(0);
    this.ctx.storage.sql.exec("INSERT INTO processed_items (item) VALUES (?)", JSON.stringify(batch));
    this.ctx.storage.put("last", this.pending.length);
  }`,
      ),
      errors: [report("pending", "addItem", 3, 3, 10)],
    },
    {
      name: "a #private Map filled in fetch(), scheduled through a helper, drained by a helper of alarm()",
      code: `${DO}export class Events extends DurableObject<Env> {
  #queue = new Map<string, string>();
  async fetch(request: Request) {
    this.#queue.set(crypto.randomUUID(), await request.text());
    await this.#schedule();
    return new Response("queued", { status: 202 });
  }
  async #schedule() {
    const storage = this.ctx.storage;
    if (!(await storage.getAlarm())) await storage.setAlarm(Date.now() + 1000);
  }
  async alarm() {
    await this.#flush();
  }
  async #flush() {
    const body = JSON.stringify([...this.#queue.values()]);
    this.#queue.clear();
    await fetch("https://collector.example.com", { method: "POST", body });
  }
}`,
      errors: [report("#queue", "fetch", 3, 3, 9)],
    },
    {
      name: "a buffer typed by a local interface of plain data is still work for the alarm",
      code: `${DO}interface Entry {
  id: string;
  body: string;
}
export class Outbox extends DurableObject<Env> {
  private pending: Entry[] = [];
  async add(id: string, body: string) {
    this.pending.push({ id, body });
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
  async alarm() {
    await fetch("https://example.com/batch", { method: "POST", body: JSON.stringify(this.pending.splice(0)) });
  }
}`,
      errors: [report("pending", "add", 7, 11, 18)],
    },
    {
      name: "first assigned in the constructor; filled by a self-append; the alarm set by the caller",
      code: `${DO}export class Audit extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.events = [];
  }
  async record(e: string) {
    this.append(e);
    await this.ctx.storage.transaction(async (txn) => { await txn.setAlarm(Date.now() + 10_000); });
  }
  append(e: string) {
    this.events = [...this.events, e];
  }
  async alarm() {
    if (this.events.length > 0) await fetch("https://audit.example.com", { method: "POST", body: this.events.join("\\n") });
    this.events = [];
  }
}`,
      errors: [report("events", "append", 5, 5, 16)],
    },
    {
      name: "computed keys, Set.add, unshift, splice with items and concat all fill",
      code: `${DO}export class Counters extends DurableObject<Env> {
  counts: Record<string, number> = {};
  seen = new Set<string>();
  queue: string[] = [];
  more: string[] = [];
  log: string[] = [];
  async hit(key: string) {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    this.seen.add(key);
    this.queue.unshift(key);
    this.more.splice(0, 0, key);
    this.log = this.log.concat(key);
    await this.ctx.storage.setAlarm(Date.now() + 60_000);
  }
  async alarm() {
    console.log(Object.entries(this.counts), this.seen.size, this.queue.length, [...this.more], this.log.join());
  }
}`,
      errors: [
        report("counts", "hit", 3, 3, 9),
        report("seen", "hit", 4, 3, 7),
        report("queue", "hit", 5, 3, 8),
        report("more", "hit", 6, 3, 7),
        report("log", "hit", 7, 3, 6),
      ],
    },
    {
      name: "old module style JavaScript, field assigned in the constructor",
      filename: "batch.js",
      code: `export class Batch {
  constructor(state, env) {
    this.state = state;
    this.buffer = [];
  }
  async fetch(request) {
    this.buffer.push(await request.text());
    await this.state.storage.setAlarm(Date.now() + 1000);
    return new Response("ok");
  }
  async alarm() {
    const batch = this.buffer;
    this.buffer = [];
    await fetch("https://example.com", { method: "POST", body: JSON.stringify(batch) });
  }
}`,
      errors: [report("buffer", "fetch", 4, 5, 16)],
    },
    {
      name: "with type information: the alarm set through a storage handle field",
      ...typed,
      code: `${DO}export class Batch extends DurableObject<Env> {
  pending: string[] = [];
  private store = this.ctx.storage;
  async addItem(item: string) {
    this.pending.push(item);
    await this.store.setAlarm(Date.now() + 1000);
  }
  async alarm() {
    console.log(this.pending.length);
    this.pending = [];
  }
}`,
      errors: [report("pending", "addItem", 3, 3, 10)],
    },
    {
      name: "filled two calls below the method that sets the alarm",
      code: `${DO}export class Router extends DurableObject<Env> {
  log: string[] = [];
  async fetch(request: Request) {
    await this.handle(request);
    await this.ctx.storage.setAlarm(Date.now() + 1000);
    return new Response("ok");
  }
  async handle(request: Request) {
    this.record(request.url);
  }
  record(url: string) {
    this.log.push(url);
  }
  async alarm() {
    await fetch("https://example.com", { method: "POST", body: this.log.splice(0).join("\\n") });
  }
}`,
      errors: [report("log", "record", 3, 3, 6)],
    },
    {
      name: "messages buffered by webSocketMessage (the message is data; the socket would not be)",
      code: `${DO}export class Room extends DurableObject<Env> {
  inbox: string[] = [];
  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (typeof message === "string") this.inbox.push(message);
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
  async alarm() {
    const batch = this.inbox.splice(0, this.inbox.length);
    await fetch("https://example.com", { method: "POST", body: batch.join("\\n") });
  }
}`,
      errors: [report("inbox", "webSocketMessage", 3, 3, 8)],
    },
    {
      name: "a function-valued field fills; the read is in a callback inside alarm()",
      code: `${DO}export class Batch extends DurableObject<Env> {
  pending!: string[];
  add = async (item: string) => {
    this.pending.push(item);
    await this.ctx.storage.setAlarm(Date.now() + 1000);
  };
  async alarm() {
    await Promise.all([1].map(async () => console.log(this.pending)));
  }
}`,
      errors: [report("pending", "add", 3, 3, 10)],
    },
  ],
});
