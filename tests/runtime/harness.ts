/**
 * Runtime proofs: each rule's docs examples run on the real runtime, `workerd`, driven through
 * Miniflare's Node API.
 *
 * Layout. Each rule's proof is a module, tests/runtime/rules/<rule>.ts, that `defineProof`s which
 * Workers it needs and what it tests. tests/runtime/workerd.test.ts is the one test file: it starts
 * one Miniflare (one workerd) in `beforeAll` with the Workers of every rule, runs each rule's tests
 * in a `describe` of its own, and disposes Miniflare in `afterAll`. One file, because vitest runs
 * files one at a time on a 2-core machine and each file pays ~3 s of imports (typescript, ESLint,
 * Miniflare) before its first test.
 *
 * Where the code comes from. `docsExamples(rule)` reads docs/rules/<rule>.md and takes every ```ts
 * block that follows `<!-- example: incorrect -->` or `<!-- example: correct -->`: the same blocks
 * tests/docs.test.ts lints. No block is copied into a test. A proof may also run the rule's own
 * suggestion applied to a ❌ block (`applySuggestions`), which is the fix the rule offers.
 *
 * Run metadata. The pages carry none: there is no `<!-- runtime: … -->` tag. tests/docs.test.ts
 * needs the ```ts fence on the line right after the example tag, and what to call and what to
 * observe is code, so it lives in each rule's proof. A proof names a block by its kind and its
 * position among the blocks of that kind (`incorrect-0`, `correct-2`, …) and the class it calls;
 * if the page changes, the call fails and names the Worker and the classes it has.
 *
 * How a block becomes a Worker (`workerSource`):
 * - `typescript`'s `transpileModule` strips the types. Nothing else in the block changes.
 * - Every exported class that `extends DurableObject` is bound as a Durable Object namespace named
 *   after the class (SQLite-backed unless the spec names it in `keyValueClasses`), through a probe subclass that only adds methods for the test:
 *   `__exec` (run SQL), `__storage` (call a storage method), `__listSize` (how many entries a
 *   `list(options)` returns), `__field` (read an instance field), `__abort` (`ctx.abort()`: the next
 *   call gets a fresh instance), `__alarms` (the alarm log). When the class has an `alarm()`, the
 *   probe wraps it to log each run (the number of keys in storage when it starts, and whether it
 *   threw) and then calls the class's own `alarm()`. The probe adds no `alarm()` to a class without
 *   one: `setAlarm()` behaves differently there.
 * - A default-export Worker takes `{ cls, name, method, args }` from the test and calls the method
 *   on `env[cls].get(idFromName(name))` through JS RPC (`fetch` goes to the object's own `fetch()`).
 * - `env.AUDIT` (service binding), `env.NOTIFY` (service binding to an RPC entrypoint with
 *   `send()`) and every global `fetch()` (Miniflare's `outboundService`) reach a local "services"
 *   Worker, which logs the call, waits (`SERVICE_DELAY_MS`, or the proof's `serviceDelayMs`) and
 *   answers: `{"limit": 10}` for a path ending in `.json`, `ok` otherwise; a path under
 *   `/fail-once/` gets a 502 with a body that is not JSON the first time each URL is fetched.
 *   Nothing leaves loopback: workerd listens on 127.0.0.1, and the services Worker's own outbound
 *   fetches are refused.
 * - Durable Object storage lives in a temporary directory, so `restart()` (kill workerd, start it
 *   again) keeps storage and alarms, and loses everything in memory, as a deploy or a crash does.
 *
 * Results. Each proof records what it observed with its `Proof`: stable text for the table in
 * docs/proven-on-workerd.md, raw numbers as measurements. The last test of each rule writes
 * .cache/runtime-results/<rule>.json (only if every test of the rule passed), checks that every
 * docs block of the page ran, and compares the rule's row in the committed table with the one
 * rendered from this run (scripts/proven-table.js renders both).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import tsParser from "@typescript-eslint/parser";
import { type ESLint, Linter } from "eslint";
import { Miniflare, type MiniflareOptions, type WorkerOptions } from "miniflare";
import ts from "typescript";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import plugin from "../../src/index.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The compatibility date every Worker runs at unless its spec gives another. */
export const COMPATIBILITY_DATE = "2026-07-01";
/** How long the local "services" Worker waits before it answers a fetch, an AUDIT call or a NOTIFY.send(), unless a proof sets another. */
export const SERVICE_DELAY_MS = 25;
/** How many requests a concurrency test sends to one object at once. */
export const CONCURRENCY = 50;

// ---------------------------------------------------------------------------------------------
// Docs examples

export interface DocsExample {
  kind: "incorrect" | "correct";
  /** Position among the page's blocks of the same kind, from 0. */
  index: number;
  /** `incorrect-0`, `correct-1`, …: the Worker it runs as. */
  worker: string;
  code: string;
  /** 1-based line of the block's first code line in the page. */
  line: number;
  /** Exported classes that extend `DurableObject`. */
  classes: string[];
}

/** The ❌ and ✅ blocks of docs/rules/<rule>.md, in page order. */
export function docsExamples(rule: string): DocsExample[] {
  const page = path.join(ROOT, "docs/rules", `${rule}.md`);
  const markdown = fs.readFileSync(page, "utf8");
  const counts = { incorrect: 0, correct: 0 };
  const found: DocsExample[] = [];
  for (const m of markdown.matchAll(/<!-- example: (incorrect|correct) -->\n```ts\n([\s\S]*?)\n```\n/g)) {
    const kind = m[1] as DocsExample["kind"];
    const index = counts[kind]++;
    const code = `${m[2]}\n`;
    found.push({
      kind,
      index,
      worker: `${kind}-${index}`,
      code,
      line: markdown.slice(0, m.index).split("\n").length + 2,
      classes: durableObjectClasses(code),
    });
  }
  return found;
}

/** One block of a rule's page, by Worker name (`incorrect-0`, `correct-1`, …). */
export function docsExample(rule: string, worker: string): DocsExample {
  const found = docsExamples(rule).find((e) => e.worker === worker);
  if (!found) throw new Error(`docs/rules/${rule}.md has no ${worker} example`);
  return found;
}

function durableObjectClasses(code: string): string[] {
  return [...code.matchAll(/^export class (\w+) extends DurableObject\b/gm)].map((m) => m[1]);
}

// ---------------------------------------------------------------------------------------------
// Linting and suggestions

export type RuleOptions = readonly unknown[];

export function lint(rule: string, code: string, options: RuleOptions = []): Linter.LintMessage[] {
  const linter = new Linter({ configType: "flat" });
  return linter
    .verify(
      code,
      [
        {
          files: ["**/*.ts"],
          languageOptions: { parser: tsParser as Linter.Parser },
          plugins: { "durable-objects": plugin as unknown as ESLint.Plugin },
          rules: { [`durable-objects/${rule}`]: ["error", ...options] as Linter.RuleEntry },
        },
      ],
      "example.ts",
    )
    .filter((m) => m.ruleId === `durable-objects/${rule}` || m.fatal);
}

/**
 * Applies the rule's suggestion `messageId` to every report that offers it, one at a time (the code
 * is linted again after each), and returns the result. Throws if no report offers it.
 */
export function applySuggestions(rule: string, code: string, messageId: string, options: RuleOptions = []): string {
  let out = code;
  let applied = 0;
  for (let round = 0; round < 20; round++) {
    const messages = lint(rule, out, options);
    expect(
      messages.filter((m) => m.fatal),
      "the code parses",
    ).toEqual([]);
    const suggestion = messages.flatMap((m) => m.suggestions ?? []).find((s) => s.messageId === messageId);
    if (!suggestion) break;
    out = out.slice(0, suggestion.fix.range[0]) + suggestion.fix.text + out.slice(suggestion.fix.range[1]);
    applied++;
  }
  if (applied === 0) throw new Error(`${rule}: no report offers the suggestion ${messageId}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Worker sources

/** Types stripped, as the block would be bundled. */
export function transpile(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
    reportDiagnostics: false,
  }).outputText;
}

const PROBE = String.raw`
const __alarmLog = [];
function __probe(Base) {
  class Probe extends Base {
    __exec(query, ...bindings) { return this.ctx.storage.sql.exec(query, ...bindings).toArray(); }
    async __storage(method, ...args) { return this.ctx.storage[method](...args); }
    async __listSize(options) { return (await this.ctx.storage.list(options)).size; }
    __field(name) { return this[name]; }
    __abort() { this.ctx.abort("reset by the test harness"); }
    __alarms() { return __alarmLog; }
  }
  if (typeof Base.prototype.alarm === "function") {
    Probe.prototype.alarm = async function (info) {
      const entry = { object: this.ctx.id.name ?? this.ctx.id.toString(), keys: (await this.ctx.storage.list()).size, retry: info?.isRetry ?? false };
      __alarmLog.push(entry);
      try {
        await Base.prototype.alarm.call(this, info);
        entry.threw = null;
      } catch (e) {
        entry.threw = String(e);
        throw e;
      }
    };
  }
  return Probe;
}
`;

const HARNESS = String.raw`
function __encode(v) {
  if (v === undefined) return { $undefined: true };
  if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [__encode(k), __encode(x)]) };
  if (Array.isArray(v)) return v.map(__encode);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, __encode(x)]));
  return v;
}
export default {
  async fetch(request, env) {
    const { cls, name, method, args } = await request.json();
    const ns = env[cls];
    if (!ns) return Response.json({ ok: false, error: "harness: no Durable Object class " + cls + " in this Worker" });
    const stub = ns.get(ns.idFromName(name));
    try {
      let value;
      if (method === "fetch") {
        const res = await stub.fetch("https://object.internal/", args[0] ?? {});
        value = { status: res.status, body: await res.text() };
      } else {
        value = await stub[method](...args);
      }
      return Response.json({ ok: true, value: __encode(value) });
    } catch (e) {
      return Response.json({ ok: false, error: String(e) });
    }
  },
};
`;

/** The Worker a docs block (or a suggestion output) runs as. */
export function workerSource(code: string): { script: string; classes: string[] } {
  const classes = durableObjectClasses(code);
  const probes = classes.map((c) => `export const __Probe_${c} = __probe(${c});`).join("\n");
  return { script: `${transpile(code)}\n${PROBE}\n${probes}\n${HARNESS}`, classes };
}

const services = (delayMs: number): string => String.raw`
import { WorkerEntrypoint } from "cloudflare:workers";
const log = [];
const failed = new Set();
const DELAY = ${delayMs};
export class Notify extends WorkerEntrypoint {
  async send(message) {
    log.push({ kind: "send", url: "", method: "", body: JSON.stringify(message) });
    await scheduler.wait(DELAY);
    return true;
  }
}
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.hostname === "harness.internal") return Response.json(log);
    log.push({ kind: "fetch", url: request.url, method: request.method, body: await request.text() });
    await scheduler.wait(DELAY);
    if (url.pathname.startsWith("/fail-once/") && !failed.has(request.url)) {
      failed.add(request.url);
      return new Response("upstream error", { status: 502 });
    }
    if (url.pathname.endsWith(".json")) return Response.json({ limit: 10 });
    return new Response("ok");
  },
};
`;

const ROUTER = String.raw`
export default {
  async fetch(request, env) {
    const target = request.headers.get("x-harness-worker");
    const worker = env["w:" + target];
    if (!worker) return Response.json({ ok: false, error: "harness: no Worker " + target });
    if (target.startsWith("services-")) return worker.fetch("https://harness.internal/log");
    return worker.fetch(request);
  },
};
`;

// ---------------------------------------------------------------------------------------------
// The runtime

export interface WorkerSpec {
  /** The name the tests call it by: a docs block's `worker` (`incorrect-0`), or any other name. */
  name: string;
  /** TypeScript source, as on the docs page. */
  code: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  /** How long its services answer after; `SERVICE_DELAY_MS` unless set. */
  serviceDelayMs?: number;
  /** Classes bound on the key-value storage backend (what wrangler's `new_classes` gives); every other class is SQLite-backed. */
  keyValueClasses?: string[];
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

export interface ServiceCall {
  kind: "fetch" | "send";
  url: string;
  method: string;
  body: string;
}

/** One run of `alarm()`, as the probe logs it. */
export interface AlarmRun {
  object: string;
  /** Keys in storage when the alarm started. */
  keys: number;
  retry: boolean;
  /** `null` when `alarm()` returned, the error when it threw; absent while it runs. */
  threw?: string | null;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o.$undefined === true) return undefined;
    if (typeof o.$number === "string") return Number(o.$number);
    if (Array.isArray(o.$map)) return new Map((o.$map as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

/** The value of a call that must succeed. */
export function value(outcome: Outcome): unknown {
  if (!outcome.ok) throw new Error(`expected the call to succeed, it threw: ${outcome.error}`);
  return outcome.value;
}

/** The error of a call that must throw (`Error: message`, as `String(error)` gives it). */
export function thrown(outcome: Outcome): string {
  if (outcome.ok) throw new Error(`expected the call to throw, it returned ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

let objectCounter = 0;

/** One Durable Object: a class of a Worker, and an object name. */
export class ObjectRef {
  constructor(
    private readonly runtime: Runtime,
    /** The Worker's name in workerd (`<rule>.<worker>`). */
    readonly worker: string,
    readonly cls: string,
    readonly name: string,
  ) {}

  /** Calls a method of the object (JS RPC), or its `fetch()` handler for method "fetch". */
  call(method: string, ...args: unknown[]): Promise<Outcome> {
    return this.runtime.call(this.worker, this.cls, this.name, method, args);
  }

  /** Runs SQL in the object (through the probe) and returns the rows. */
  async sql<T = Record<string, unknown>>(query: string, ...bindings: unknown[]): Promise<T[]> {
    return value(await this.call("__exec", query, ...bindings)) as T[];
  }

  /** Calls a method of the object's `ctx.storage` (through the probe). */
  async storage(method: string, ...args: unknown[]): Promise<unknown> {
    return value(await this.call("__storage", method, ...args));
  }

  /** The keys in the object's storage (`list()`), in order. */
  async keys(): Promise<string[]> {
    return [...((await this.storage("list")) as Map<string, unknown>).keys()];
  }

  async field(name: string): Promise<unknown> {
    return value(await this.call("__field", name));
  }

  /** `ctx.abort()`: the object's instance is thrown away, and the next call constructs a new one. */
  async abort(): Promise<void> {
    expect(thrown(await this.call("__abort"))).toContain("reset by the test harness");
  }

  /** This object's alarm runs since workerd (re)started, oldest first. */
  async alarms(): Promise<AlarmRun[]> {
    const log = value(await this.call("__alarms")) as AlarmRun[];
    return log.filter((a) => a.object === this.name);
  }

  /** This object's alarm runs, once at least one has finished (bounded by `timeoutMs`). */
  finishedAlarms(timeoutMs = 15_000): Promise<AlarmRun[]> {
    return waitFor(
      `an alarm of ${this.name} (${this.worker}) to finish`,
      async () => {
        const runs = await this.alarms();
        return runs.some((r) => r.threw !== undefined) ? runs : undefined;
      },
      timeoutMs,
    );
  }
}

const servicesWorker = (delayMs: number): string => `services-${delayMs}ms`;

/** One workerd, with a Worker per spec, a services Worker per service delay, and a router. */
export class Runtime {
  private constructor(
    private readonly mf: Miniflare,
    private readonly options: MiniflareOptions,
    private readonly specs: Map<string, WorkerSpec & { classes: string[] }>,
    private readonly persistDir: string,
    /** Workers an object was asked of. */
    readonly used: Set<string>,
  ) {}

  static async start(specs: WorkerSpec[]): Promise<Runtime> {
    const byName = new Map<string, WorkerSpec & { classes: string[] }>();
    const workers: WorkerOptions[] = [];
    const delays = new Set<number>();
    for (const spec of specs) {
      if (byName.has(spec.name)) throw new Error(`two Workers named ${spec.name}`);
      const { script, classes } = workerSource(spec.code);
      byName.set(spec.name, { ...spec, classes });
      const services = servicesWorker(spec.serviceDelayMs ?? SERVICE_DELAY_MS);
      delays.add(spec.serviceDelayMs ?? SERVICE_DELAY_MS);
      workers.push({
        name: spec.name,
        modules: [{ type: "ESModule", path: `${spec.name}.js`, contents: script }],
        compatibilityDate: spec.compatibilityDate ?? COMPATIBILITY_DATE,
        compatibilityFlags: spec.compatibilityFlags ?? [],
        durableObjects: Object.fromEntries(
          classes.map((c) => [c, { className: `__Probe_${c}`, useSQLite: !(spec.keyValueClasses ?? []).includes(c) }]),
        ),
        serviceBindings: { AUDIT: services, NOTIFY: { name: services, entrypoint: "Notify" } },
        outboundService: services,
      });
    }
    const persistDir = fs.mkdtempSync(path.join(os.tmpdir(), "do-runtime-"));
    const options: MiniflareOptions = {
      host: "127.0.0.1",
      port: 0,
      cf: false,
      durableObjectsPersist: persistDir,
      workers: [
        {
          name: "router",
          modules: [{ type: "ESModule", path: "router.js", contents: ROUTER }],
          compatibilityDate: COMPATIBILITY_DATE,
          serviceBindings: Object.fromEntries([
            ...specs.map((s) => [`w:${s.name}`, s.name]),
            ...[...delays].map((d) => [`w:${servicesWorker(d)}`, servicesWorker(d)]),
          ]),
        },
        ...[...delays].map((d) => ({
          name: servicesWorker(d),
          modules: [{ type: "ESModule" as const, path: "services.js", contents: services(d) }],
          compatibilityDate: COMPATIBILITY_DATE,
          outboundService: () => new Response("the runtime tests have no network", { status: 599 }),
        })),
        ...workers,
      ],
    };
    const mf = new Miniflare(options);
    await mf.ready;
    return new Runtime(mf, options, byName, persistDir, new Set());
  }

  /** An object of class `cls` in Worker `worker`; a fresh name unless one is given. */
  object(worker: string, cls: string, name = `object-${++objectCounter}`): ObjectRef {
    const spec = this.specs.get(worker);
    if (!spec) throw new Error(`no Worker ${worker}`);
    if (!spec.classes.includes(cls))
      throw new Error(`Worker ${worker} exports no Durable Object class ${cls} (it has ${spec.classes.join(", ") || "none"})`);
    this.used.add(worker);
    return new ObjectRef(this, worker, cls, name);
  }

  async call(worker: string, cls: string, name: string, method: string, args: unknown[]): Promise<Outcome> {
    const res = await this.mf.dispatchFetch("http://127.0.0.1/", {
      method: "POST",
      headers: { "x-harness-worker": worker },
      body: JSON.stringify({ cls, name, method, args }),
    });
    const outcome = (await res.json()) as Outcome;
    return outcome.ok ? { ok: true, value: decode(outcome.value) } : outcome;
  }

  /** Every call the services Worker with this delay received since workerd (re)started. */
  async serviceCalls(delayMs: number): Promise<ServiceCall[]> {
    const res = await this.mf.dispatchFetch("http://127.0.0.1/", { headers: { "x-harness-worker": servicesWorker(delayMs) } });
    return (await res.json()) as ServiceCall[];
  }

  /** Kills workerd and starts it again with the same Workers (`Miniflare#setOptions`). Storage and alarms are kept. */
  async restart(): Promise<void> {
    await this.mf.setOptions(this.options);
    await this.mf.ready;
  }

  async dispose(): Promise<void> {
    await this.mf.dispose();
    fs.rmSync(this.persistDir, { recursive: true, force: true });
  }
}

/** What one rule's tests see of the runtime: its own Workers and services. */
export class RuleRuntime {
  constructor(
    private readonly rule: string,
    private readonly serviceDelayMs: number,
    private readonly runtime: () => Runtime,
  ) {}

  /** An object of class `cls` in this rule's Worker `worker` (`incorrect-0`, …); a fresh name unless one is given. */
  object(worker: string, cls: string, name?: string): ObjectRef {
    return this.runtime().object(`${this.rule}.${worker}`, cls, name);
  }

  /** Every call this rule's services Worker received since workerd (re)started (other rules may share it). */
  serviceCalls(): Promise<ServiceCall[]> {
    return this.runtime().serviceCalls(this.serviceDelayMs);
  }

  /** Kills workerd and starts it again: storage and alarms are kept, memory is lost, every object restarts. */
  restart(): Promise<void> {
    return this.runtime().restart();
  }
}

/** Sends `count` calls at once and returns their outcomes. */
export function concurrently(count: number, send: () => Promise<Outcome>): Promise<Outcome[]> {
  return Promise.all(Array.from({ length: count }, send));
}

/**
 * Starts a Miniflare, sends each probe (`send` gives its request), keeps each answer's JSON by the
 * probe's name, and disposes of the runtime: for tests that ask workerd a list of one-off questions.
 */
export async function collectOutcomes<Outcome>(
  options: MiniflareOptions,
  names: readonly string[],
  send: (mf: Miniflare, name: string) => Promise<{ json(): Promise<unknown> }>,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const mf = new Miniflare(options);
  try {
    for (const name of names) outcomes.set(name, (await (await send(mf, name)).json()) as Outcome);
  } finally {
    await mf.dispose();
  }
  return outcomes;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` returns a value other than `undefined`, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------
// Results and the table

interface TableModule {
  RESULTS_DIR: string;
  TABLE_FILE: string;
  renderRow(result: RuleResult): string;
  renderVersions(versions: RuleResult["versions"]): string;
  parseTable(text: string): { rows: string[]; versionsLine: string };
  renderTable(rows: string[], versionsLine: string): string;
  ruleNames(): string[];
}

/** scripts/proven-table.js, which renders the table (plain JavaScript, so loaded by URL). */
export async function tableModule(): Promise<TableModule> {
  return (await import(pathToFileURL(path.join(ROOT, "scripts/proven-table.js")).href)) as TableModule;
}

export interface RuleResult {
  rule: string;
  versions: { workerd: string; miniflare: string; compatibilityDate: string };
  failure: string[];
  fixed: string[];
  local: string[];
  measurements: Record<string, unknown>;
}

function packageVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/**
 * What one rule's tests observed. `failure`, `fixed` and `local` take stable text (it goes into the
 * committed table); `measure` takes the raw numbers of this run.
 */
export class Proof {
  private readonly failures = new Map<string, string>();
  private readonly fixes = new Map<string, string>();
  private readonly locals = new Map<string, string>();
  private readonly measurements: Record<string, unknown> = {};
  failed = false;

  constructor(readonly rule: string) {}

  /** What the ❌ code did on workerd. `key` orders the entries. */
  failure(key: string, text: string): void {
    this.failures.set(key, text);
  }

  /** What the fixed code did on workerd. */
  fixed(key: string, text: string): void {
    this.fixes.set(key, text);
  }

  /** A claim of the rule that cannot be shown locally, what was shown instead, and where the claim comes from. */
  local(key: string, text: string): void {
    this.locals.set(key, text);
  }

  measure(key: string, data: unknown): void {
    this.measurements[key] = data;
  }

  private sorted(m: Map<string, string>): string[] {
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => text);
  }

  result(): RuleResult {
    return {
      rule: this.rule,
      versions: { workerd: packageVersion("workerd"), miniflare: packageVersion("miniflare"), compatibilityDate: COMPATIBILITY_DATE },
      failure: this.sorted(this.failures),
      fixed: this.sorted(this.fixes),
      local: this.sorted(this.locals),
      measurements: this.measurements,
    };
  }

  /**
   * The last test of a rule: every docs block ran and every test passed; then the result is written
   * to .cache/runtime-results/<rule>.json, and its row must match the committed table.
   */
  async finish(used: Set<string>): Promise<void> {
    const table = await tableModule();
    const file = path.join(table.RESULTS_DIR, `${this.rule}.json`);
    fs.rmSync(file, { force: true });
    expect(this.failed, "every runtime test of this rule passed").toBe(false);
    const blocks = docsExamples(this.rule).map((e) => e.worker);
    expect(
      blocks.filter((b) => !used.has(`${this.rule}.${b}`)),
      `every docs example of ${this.rule} ran on workerd`,
    ).toEqual([]);
    const result = this.result();
    expect(result.failure.length, "a failure was observed").toBeGreaterThan(0);
    expect(result.fixed.length, "a fix was observed").toBeGreaterThan(0);
    fs.mkdirSync(table.RESULTS_DIR, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const committed = fs.existsSync(table.TABLE_FILE)
      ? table.parseTable(fs.readFileSync(table.TABLE_FILE, "utf8"))
      : { rows: [], versionsLine: "" };
    const row = table.renderRow(result);
    const stale =
      "docs/proven-on-workerd.md is out of date: run `npx vitest run tests/runtime && node scripts/proven-table.js` and review the diff";
    expect(
      committed.rows.find((r) => r.startsWith(`| [\`${this.rule}\`]`)),
      stale,
    ).toBe(row);
    expect(committed.versionsLine, stale).toBe(table.renderVersions(result.versions));
  }
}

/** The docs examples of a rule as Worker specs, plus any extra Workers. */
export function docsWorkers(rule: string, extra: WorkerSpec[] = []): WorkerSpec[] {
  return [...docsExamples(rule).map((e) => ({ name: e.worker, code: e.code })), ...extra];
}

/** One rule's runtime proof: the Workers it needs, and its tests. */
export interface RuleProof {
  rule: string;
  /** Its Workers, named as its tests call them (`incorrect-0`, `suggested`, …). */
  workers: () => WorkerSpec[];
  /** How long its services take to answer (`SERVICE_DELAY_MS` unless set). */
  serviceDelayMs?: number;
  /** Timeout of each of its tests (20 s unless set). */
  timeout?: number;
  proof: Proof;
  /** Registers its tests (`it(…)`); the check of its result and its row in the table is added after them. */
  tests: () => void;
}

let shared: Runtime | undefined;

function sharedRuntime(): Runtime {
  if (!shared) throw new Error("workerd is not running: the runtime is only there inside the tests of tests/runtime/workerd.test.ts");
  return shared;
}

/**
 * Starts a rule's proof module: its `Proof`, its view of the shared runtime (`runtime()`, usable
 * inside tests), and `define(tests)`, whose result the module exports as default.
 */
export function ruleProof(
  rule: string,
  workers: () => WorkerSpec[],
  options: { serviceDelayMs?: number; timeout?: number } = {},
): { proof: Proof; runtime: () => RuleRuntime; define: (tests: () => void) => RuleProof } {
  const proof = new Proof(rule);
  const view = new RuleRuntime(rule, options.serviceDelayMs ?? SERVICE_DELAY_MS, sharedRuntime);
  return { proof, runtime: () => view, define: (tests) => ({ rule, workers, ...options, proof, tests }) };
}

/**
 * Runs the proofs in one workerd: started in `beforeAll` with every proof's Workers (named
 * `<rule>.<worker>`), disposed in `afterAll`. Each rule gets a `describe` with its tests and, last,
 * the check of its result and its row in the table. A failed test marks its rule's proof failed,
 * so that rule's result is not written.
 */
export function runProofs(proofs: RuleProof[]): void {
  beforeAll(async () => {
    shared = await Runtime.start(
      proofs.flatMap((p) => p.workers().map((w) => ({ ...w, name: `${p.rule}.${w.name}`, serviceDelayMs: p.serviceDelayMs }))),
    );
  });
  afterAll(async () => {
    await shared?.dispose();
    shared = undefined;
  });
  for (const def of proofs) {
    describe(def.rule, { timeout: def.timeout ?? 20_000 }, () => {
      beforeEach((context) => {
        context.onTestFailed(() => {
          def.proof.failed = true;
        });
      });
      def.tests();
      it("matches its row in docs/proven-on-workerd.md", () => def.proof.finish(sharedRuntime().used));
    });
  }
}
