/**
 * no-unsafe-read-modify-write through helpers (function summaries): reads and writes hidden in
 * methods, field arrows, inherited methods and module functions, with the gate-opening await in
 * the handler between them; and their twins that stay silent, including what the analysis cannot
 * see ("unknown": a helper too deep, a method the file does not show, a body that may be
 * replaced), where the rule says nothing.
 *
 * Messages, positions and suggestion outputs are literal: each was read and checked by hand.
 */
import rule from "../../rules/no-unsafe-read-modify-write.js";
import { RuleTester } from "../helpers/rule-tester.js";

new RuleTester().run("no-unsafe-read-modify-write", rule, {
  valid: [
    {
      name: "the helper reads after the await",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    await this.env.PROFILES.get(name);
    const room = await this.loadRoom();
    room.players.push(name);
    await this.saveRoom(room);
  }
}
`,
    },
    {
      name: "the helper read again after the await",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    let room = await this.loadRoom();
    await this.env.PROFILES.get(name);
    room = await this.loadRoom();
    room.players.push(name);
    await this.saveRoom(room);
  }
}
`,
    },
    {
      name: "the helpers inside blockConcurrencyWhile",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const room = await this.loadRoom();
      await this.env.PROFILES.get(name);
      room.players.push(name);
      await this.saveRoom(room);
    });
  }
}
`,
    },
    {
      name: "between the helpers, only storage and a storage-only helper are awaited",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const room = await this.loadRoom();
    await this.ctx.storage.get("other");
    await this.loadRoom();
    room.players.push(name);
    await this.saveRoom(room);
  }
}
`,
    },
    {
      name: "the value written by the helper does not come from the read",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const room = await this.loadRoom();
    await this.env.PROFILES.get(name);
    await this.saveRoom({ players: [name, ...[]] });
    void room;
  }
}
`,
    },
    {
      name: "the read value goes to another key",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const room = await this.loadRoom();
    await this.env.PROFILES.get(name);
    await this.ctx.storage.put("lastRoom", room);
  }
}
`,
    },
    {
      name: "a helper that awaits a fetch before it reads: whether its value is stale is unknown",
      code: `import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject<Env> {
  async fresh() {
    await fetch("https://example.com");
    return (await this.ctx.storage.get<number>("n")) ?? 0;
  }
  async m() {
    const n = await this.fresh();
    await this.ctx.storage.put("n", n + 1);
  }
}
`,
    },
    {
      name: "a chain of storage-only helpers deeper than the analysis follows: unknown, not an open gate",
      code: `import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject<Env> {
  async s1() { await this.s2(); }
  async s2() { await this.s3(); }
  async s3() { await this.s4(); }
  async s4() { await this.s5(); }
  async s5() { await this.s6(); }
  async s6() { await this.ctx.storage.get("x"); }
  async m() {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    await this.s1();
    await this.ctx.storage.put("n", n + 1);
  }
}
`,
    },
    {
      name: "a method the class does not declare (a framework base, a mixin): unknown",
      code: `import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject<Env> {
  async m() {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    await (this as any).flushLater();
    await this.ctx.storage.put("n", n + 1);
  }
}
`,
    },
    {
      name: "a subclass replaces the write helper: which body runs is unknown",
      code: `import { DurableObject } from "cloudflare:workers";
export class Base extends DurableObject<Env> {
  async save(n: number) {
    await this.ctx.storage.put("n", n);
  }
  async m() {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    await fetch("https://example.com");
    await this.save(n + 1);
  }
}
export class Quiet extends Base {
  override async save(n: number) {
    void n;
  }
}
`,
    },
    {
      name: "the helper is reassigned on the instance: which body runs is unknown",
      code: `import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    if (env.DRY_RUN) this.save = async () => {};
  }
  async save(n: number) {
    await this.ctx.storage.put("n", n);
  }
  async m() {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    await fetch("https://example.com");
    await this.save(n + 1);
  }
}
`,
    },
    {
      name: "a local key inside the helper is not comparable outside it",
      code: `import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject<Env> {
  async load() {
    const key = await this.ctx.storage.get<string>("current");
    return this.ctx.storage.get<number>(key ?? "n");
  }
  async m() {
    const n = (await this.load()) ?? 0;
    await fetch("https://example.com");
    await this.ctx.storage.put("n", n + 1);
  }
}
`,
    },
    {
      name: "helpers that return a stub, a Map or Object.fromEntries(…) of storage are not promises of I/O",
      code: `import { DurableObject } from "cloudflare:workers";
type Room = { players: string[] };
export class Lobby extends DurableObject<Env> {
  async peer(name: string) {
    const id = this.env.PEERS.idFromName(name);
    return this.env.PEERS.get(id);
  }
  async all() {
    const entries = await this.ctx.storage.list();
    return Object.fromEntries(entries);
  }
  async seats() {
    return new Map<string, string>((await this.ctx.storage.get<[string, string][]>("seats")) ?? []);
  }
  async join(name: string) {
    const room = (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
    const peer = await this.peer(name);
    await this.all();
    await this.seats();
    room.players.push(name);
    await this.ctx.storage.put("room", room);
    void peer.fetch("https://peer/joined");
  }
}
`,
    },
    {
      name: "awaiting a method of an object the class built from its state (an app's storage wrapper): unknown",
      code: `import { DurableObject } from "cloudflare:workers";
import { AlarmQueue } from "./alarm-queue";
export class Game extends DurableObject<Env> {
  private queue: AlarmQueue;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.queue = new AlarmQueue(ctx);
  }
  async turn() {
    const n = (await this.ctx.storage.get<number>("turn")) ?? 0;
    await this.queue.schedule("timeout", 30_000);
    await this.ctx.storage.put("turn", n + 1);
  }
}
`,
    },
    {
      name: "awaiting a method of an app object given nothing to do I/O with (a class of a relative import, built with literals): unknown",
      code: `import { DurableObject } from "cloudflare:workers";
import { RulesEngine } from "../game/rules";
export class Game extends DurableObject<Env> {
  private rules = new RulesEngine({ variant: "classic", seats: [1, 2] });
  async move(seat: number) {
    const board = (await this.ctx.storage.get<number[]>("board")) ?? [];
    await this.rules.check(board, seat);
    await this.ctx.storage.put("board", [...board, seat]);
  }
}
`,
    },
    {
      name: "awaiting a method of an object of a class declared in this file, built with no argument: unknown",
      code: `import { DurableObject } from "cloudflare:workers";
class Scorer {
  async score(moves: number[]) {
    return moves.length;
  }
}
export class Game extends DurableObject<Env> {
  private scorer = new Scorer();
  async move(seat: number) {
    const moves = (await this.ctx.storage.get<number[]>("moves")) ?? [];
    await this.scorer.score(moves);
    await this.ctx.storage.put("moves", [...moves, seat]);
  }
}
`,
    },
  ],
  invalid: [
    {
      // The only await after the helper's read is the one around it: the read's value is taken
      // when Promise.all settles, after the KV read has let other requests in.
      name: "the helper read and a Workers KV read awaited together, then written back without an await",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const [room, profile] = await Promise.all([this.loadRoom(), this.env.PROFILES.get(name)]);
    room.players.push(profile ?? name);
    this.saveRoom(room);
  }
}
`,
      errors: [
        {
          messageId: "staleKeyHelper",
          data: {
            reader: "`this.loadRoom()`",
            key: '"room"',
            awaited: "await Promise.all(…)",
            awaitLine: "11",
            writer: "`this.saveRoom(…)`",
            writeLine: "13",
          },
          line: 11,
          column: 48,
          endLine: 11,
          endColumn: 63,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const [room, profile] = await Promise.all([this.loadRoom(), this.env.PROFILES.get(name)]);
      room.players.push(profile ?? name);
      this.saveRoom(room);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "load/save helpers: this.loadRoom(), a Workers KV read, this.saveRoom(room)",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const room = await this.loadRoom();
    const profile = await this.env.PROFILES.get(name);
    room.players.push(profile ?? name);
    await this.saveRoom(room);
  }
}
`,
      errors: [
        {
          messageId: "staleKeyHelper",
          data: {
            reader: "`this.loadRoom()`",
            key: '"room"',
            awaited: "await this.env.PROFILES.get(…)",
            awaitLine: "12",
            writer: "`this.saveRoom(…)`",
            writeLine: "14",
          },
          line: 11,
          column: 24,
          endLine: 11,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await this.env.PROFILES.get(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const profile = await this.env.PROFILES.get(name);
    const room = await this.loadRoom();
    room.players.push(profile ?? name);
    await this.saveRoom(room);
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const room = await this.loadRoom();
      const profile = await this.env.PROFILES.get(name);
      room.players.push(profile ?? name);
      await this.saveRoom(room);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a direct read written back through a helper",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const room = (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
    await fetch("https://example.com/audit");
    room.players.push(name);
    await this.saveRoom(room);
  }
}
`,
      errors: [
        {
          messageId: "staleKeyHelper",
          data: {
            reader: "the `get`",
            key: '"room"',
            awaited: "await fetch(…)",
            awaitLine: "12",
            writer: "`this.saveRoom(…)`",
            writeLine: "14",
          },
          line: 11,
          column: 25,
          endLine: 11,
          endColumn: 59,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await fetch(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    await fetch("https://example.com/audit");
    const room = (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
    room.players.push(name);
    await this.saveRoom(room);
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const room = (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
      await fetch("https://example.com/audit");
      room.players.push(name);
      await this.saveRoom(room);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a helper's read written back directly, the value taken out with for…of",
      code: `import { DurableObject } from "cloudflare:workers";
interface Room { players: string[] }
export class Lobby extends DurableObject<Env> {
  async loadRoom(): Promise<Room> {
    return (await this.ctx.storage.get<Room>("room")) ?? { players: [] };
  }
  async saveRoom(room: Room) {
    await this.ctx.storage.put("room", room);
  }
  async join(name: string) {
    const room = await this.loadRoom();
    await scheduler.wait(1);
    for (const p of room.players) await this.ctx.storage.put("room", { players: [p, name] });
  }
}
`,
      errors: [
        {
          messageId: "staleKeyHelper",
          data: {
            reader: "`this.loadRoom()`",
            key: '"room"',
            awaited: "await scheduler.wait(…)",
            awaitLine: "12",
            writer: "the `put`",
            writeLine: "13",
          },
          line: 11,
          column: 24,
          endLine: 11,
          endColumn: 39,
          suggestions: [],
        },
      ],
    },
    {
      name: "SQL helpers: getRow(id) selects, putRow(row) upserts",
      code: `import { DurableObject } from "cloudflare:workers";
type Row = { id: string; score: number };
export class Board extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  getRow(id: string): Row {
    return this.sql.exec<Row>("SELECT id, score FROM scores WHERE id = ?", id).one();
  }
  putRow(row: Row) {
    this.sql.exec("INSERT OR REPLACE INTO scores (id, score) VALUES (?, ?)", row.id, row.score);
  }
  async bump(id: string) {
    const row = this.getRow(id);
    await this.env.NOTIFY.send({ id });
    this.putRow({ ...row, score: row.score + 1 });
  }
}
`,
      errors: [
        {
          messageId: "staleRowHelper",
          data: {
            reader: "`this.getRow(…)`",
            table: "scores",
            awaited: "await this.env.NOTIFY.send(…)",
            awaitLine: "13",
            writer: "`this.putRow(…)`",
            writeLine: "14",
          },
          line: 12,
          column: 17,
          endLine: 12,
          endColumn: 32,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await this.env.NOTIFY.send(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
type Row = { id: string; score: number };
export class Board extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  getRow(id: string): Row {
    return this.sql.exec<Row>("SELECT id, score FROM scores WHERE id = ?", id).one();
  }
  putRow(row: Row) {
    this.sql.exec("INSERT OR REPLACE INTO scores (id, score) VALUES (?, ?)", row.id, row.score);
  }
  async bump(id: string) {
    await this.env.NOTIFY.send({ id });
    const row = this.getRow(id);
    this.putRow({ ...row, score: row.score + 1 });
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
type Row = { id: string; score: number };
export class Board extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  getRow(id: string): Row {
    return this.sql.exec<Row>("SELECT id, score FROM scores WHERE id = ?", id).one();
  }
  putRow(row: Row) {
    this.sql.exec("INSERT OR REPLACE INTO scores (id, score) VALUES (?, ?)", row.id, row.score);
  }
  async bump(id: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const row = this.getRow(id);
      await this.env.NOTIFY.send({ id });
      this.putRow({ ...row, score: row.score + 1 });
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "read in one helper, written in another, the long await in the handler between",
      code: `import { DurableObject } from "cloudflare:workers";
type Prefs = Record<string, unknown>;
export class Chat extends DurableObject<Env> {
  async loadContext() {
    const prefs = (await this.ctx.storage.get<Prefs>("prefs")) ?? {};
    const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
    return { prefs, history };
  }
  async saveConversation(prefs: Prefs) {
    await this.ctx.storage.put("prefs", prefs);
  }
  async ask(question: string) {
    const ctx = await this.loadContext();
    const answer = await fetch("https://llm.example.com/v1", { method: "POST", body: question });
    await this.saveConversation({ ...ctx.prefs, seen: true });
    return answer;
  }
}
`,
      errors: [
        {
          messageId: "staleKeyHelper",
          data: {
            reader: "`this.loadContext()`",
            key: '"prefs"',
            awaited: "await fetch(…)",
            awaitLine: "14",
            writer: "`this.saveConversation(…)`",
            writeLine: "15",
          },
          line: 13,
          column: 23,
          endLine: 13,
          endColumn: 41,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await fetch(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
type Prefs = Record<string, unknown>;
export class Chat extends DurableObject<Env> {
  async loadContext() {
    const prefs = (await this.ctx.storage.get<Prefs>("prefs")) ?? {};
    const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
    return { prefs, history };
  }
  async saveConversation(prefs: Prefs) {
    await this.ctx.storage.put("prefs", prefs);
  }
  async ask(question: string) {
    const answer = await fetch("https://llm.example.com/v1", { method: "POST", body: question });
    const ctx = await this.loadContext();
    await this.saveConversation({ ...ctx.prefs, seen: true });
    return answer;
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
type Prefs = Record<string, unknown>;
export class Chat extends DurableObject<Env> {
  async loadContext() {
    const prefs = (await this.ctx.storage.get<Prefs>("prefs")) ?? {};
    const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
    return { prefs, history };
  }
  async saveConversation(prefs: Prefs) {
    await this.ctx.storage.put("prefs", prefs);
  }
  async ask(question: string) {
    const answer = await this.ctx.blockConcurrencyWhile(async () => {
      const ctx = await this.loadContext();
      const answer = await fetch("https://llm.example.com/v1", { method: "POST", body: question });
      await this.saveConversation({ ...ctx.prefs, seen: true });
      return answer;
    });
    return answer;
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "module functions that take the SQL handle",
      code: `import { DurableObject } from "cloudflare:workers";
async function loadTokens(sql: SqlStorage) {
  return sql.exec<{ id: string; n: number }>("SELECT id, n FROM tokens").toArray();
}
function saveToken(sql: SqlStorage, id: string, n: number) {
  sql.exec("INSERT OR REPLACE INTO tokens (id, n) VALUES (?, ?)", id, n);
}
export class Tokens extends DurableObject<Env> {
  async refill() {
    const rows = await loadTokens(this.ctx.storage.sql);
    await scheduler.wait(1000);
    for (const r of rows) saveToken(this.ctx.storage.sql, r.id, r.n + 1);
  }
}
`,
      errors: [
        {
          messageId: "staleRowHelper",
          data: {
            reader: "`loadTokens(…)`",
            table: "tokens",
            awaited: "await scheduler.wait(…)",
            awaitLine: "11",
            writer: "`saveToken(…)`",
            writeLine: "12",
          },
          line: 10,
          column: 24,
          endLine: 10,
          endColumn: 56,
          suggestions: [],
        },
      ],
    },
    {
      name: "field arrows, #private, with the key a parameter of the helper",
      code: `import { DurableObject } from "cloudflare:workers";
export class Counts extends DurableObject<Env> {
  #get = async (key: string) => this.ctx.storage.get<number>(key);
  save = async (key: string, value: number) => {
    await this.ctx.storage.put(key, value);
  };
  async count(name: string) {
    const n = (await this.#get(\`count:\${name}\`)) ?? 0;
    await fetch("https://example.com/seen");
    await this.save(\`count:\${name}\`, n + 1);
  }
}
`,
      errors: [
        {
          messageId: "staleKeyHelper",
          data: {
            reader: "`this.#get(…)`",
            key: "`count:${name}`",
            awaited: "await fetch(…)",
            awaitLine: "9",
            writer: "`this.save(…)`",
            writeLine: "10",
          },
          line: 8,
          column: 22,
          endLine: 8,
          endColumn: 48,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await fetch(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
export class Counts extends DurableObject<Env> {
  #get = async (key: string) => this.ctx.storage.get<number>(key);
  save = async (key: string, value: number) => {
    await this.ctx.storage.put(key, value);
  };
  async count(name: string) {
    await fetch("https://example.com/seen");
    const n = (await this.#get(\`count:\${name}\`)) ?? 0;
    await this.save(\`count:\${name}\`, n + 1);
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
export class Counts extends DurableObject<Env> {
  #get = async (key: string) => this.ctx.storage.get<number>(key);
  save = async (key: string, value: number) => {
    await this.ctx.storage.put(key, value);
  };
  async count(name: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const n = (await this.#get(\`count:\${name}\`)) ?? 0;
      await fetch("https://example.com/seen");
      await this.save(\`count:\${name}\`, n + 1);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a helper calling a helper, inherited from a local base class",
      code: `import { DurableObject } from "cloudflare:workers";
class Store extends DurableObject<Env> {
  read<T>(key: string) {
    return this.ctx.storage.get<T>(key);
  }
  async load() {
    return (await this.read<number>("hits")) ?? 0;
  }
  async write(key: string, value: unknown) {
    await this.ctx.storage.put(key, value);
  }
}
export class Hits extends Store {
  async hit() {
    const hits = await this.load();
    await this.env.LOG.fetch("https://log/hit");
    await this.write("hits", hits + 1);
  }
}
`,
      errors: [
        {
          messageId: "staleKeyHelper",
          data: {
            reader: "`this.load()`",
            key: '"hits"',
            awaited: "await this.env.LOG.fetch(…)",
            awaitLine: "16",
            writer: "`this.write(…)`",
            writeLine: "17",
          },
          line: 15,
          column: 24,
          endLine: 15,
          endColumn: 35,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await this.env.LOG.fetch(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
class Store extends DurableObject<Env> {
  read<T>(key: string) {
    return this.ctx.storage.get<T>(key);
  }
  async load() {
    return (await this.read<number>("hits")) ?? 0;
  }
  async write(key: string, value: unknown) {
    await this.ctx.storage.put(key, value);
  }
}
export class Hits extends Store {
  async hit() {
    await this.env.LOG.fetch("https://log/hit");
    const hits = await this.load();
    await this.write("hits", hits + 1);
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
class Store extends DurableObject<Env> {
  read<T>(key: string) {
    return this.ctx.storage.get<T>(key);
  }
  async load() {
    return (await this.read<number>("hits")) ?? 0;
  }
  async write(key: string, value: unknown) {
    await this.ctx.storage.put(key, value);
  }
}
export class Hits extends Store {
  async hit() {
    await this.ctx.blockConcurrencyWhile(async () => {
      const hits = await this.load();
      await this.env.LOG.fetch("https://log/hit");
      await this.write("hits", hits + 1);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a helper that opens the gate itself, between a direct read and a direct write",
      code: `import { DurableObject } from "cloudflare:workers";
export class Tokens extends DurableObject<Env> {
  async refresh() {
    await fetch("https://auth.example.com/refresh");
  }
  async spend() {
    const left = (await this.ctx.storage.get<number>("left")) ?? 10;
    await this.refresh();
    await this.ctx.storage.put("left", left - 1);
  }
}
`,
      errors: [
        {
          messageId: "staleKey",
          data: { key: '"left"', writeLine: "9", awaited: "await this.refresh()", awaitLine: "8" },
          line: 7,
          column: 25,
          endLine: 7,
          endColumn: 61,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await this.refresh()" },
              output: `import { DurableObject } from "cloudflare:workers";
export class Tokens extends DurableObject<Env> {
  async refresh() {
    await fetch("https://auth.example.com/refresh");
  }
  async spend() {
    await this.refresh();
    const left = (await this.ctx.storage.get<number>("left")) ?? 10;
    await this.ctx.storage.put("left", left - 1);
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
export class Tokens extends DurableObject<Env> {
  async refresh() {
    await fetch("https://auth.example.com/refresh");
  }
  async spend() {
    await this.ctx.blockConcurrencyWhile(async () => {
      const left = (await this.ctx.storage.get<number>("left")) ?? 10;
      await this.refresh();
      await this.ctx.storage.put("left", left - 1);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "the stub a helper returns is made without I/O; calling it opens the gate",
      code: `import { DurableObject } from "cloudflare:workers";
export class Teams extends DurableObject<Env> {
  async teamStub(teamId: string) {
    const id = this.env.TEAM.idFromName(teamId);
    return this.env.TEAM.get(id);
  }
  async rename(teamId: string) {
    const row = this.ctx.storage.sql.exec<{ name: string }>("SELECT name FROM teams WHERE id = ?", teamId).one();
    const team = await this.teamStub(teamId);
    const suffix = await team.suffix();
    this.ctx.storage.sql.exec("UPDATE teams SET name = ? WHERE id = ?", row.name + suffix, teamId);
  }
}
`,
      errors: [
        {
          messageId: "staleRow",
          data: { table: "teams", writeLine: "11", awaited: "await team.suffix()", awaitLine: "10" },
          line: 8,
          column: 17,
          endLine: 8,
          endColumn: 107,
          suggestions: [
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
export class Teams extends DurableObject<Env> {
  async teamStub(teamId: string) {
    const id = this.env.TEAM.idFromName(teamId);
    return this.env.TEAM.get(id);
  }
  async rename(teamId: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const row = this.ctx.storage.sql.exec<{ name: string }>("SELECT name FROM teams WHERE id = ?", teamId).one();
      const team = await this.teamStub(teamId);
      const suffix = await team.suffix();
      this.ctx.storage.sql.exec("UPDATE teams SET name = ? WHERE id = ?", row.name + suffix, teamId);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an object of a package stays I/O, even built with no argument",
      code: `import { DurableObject } from "cloudflare:workers";
import { Client } from "llm-sdk";
export class Agent extends DurableObject<Env> {
  private llm = new Client();
  async reply(question: string) {
    const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
    const answer = await this.llm.complete(question);
    await this.ctx.storage.put("history", [...history, answer]);
  }
}
`,
      errors: [
        {
          messageId: "staleKey",
          data: { key: '"history"', writeLine: "8", awaited: "await this.llm.complete(…)", awaitLine: "7" },
          line: 6,
          column: 28,
          endLine: 6,
          endColumn: 69,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await this.llm.complete(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
import { Client } from "llm-sdk";
export class Agent extends DurableObject<Env> {
  private llm = new Client();
  async reply(question: string) {
    const answer = await this.llm.complete(question);
    const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
    await this.ctx.storage.put("history", [...history, answer]);
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
import { Client } from "llm-sdk";
export class Agent extends DurableObject<Env> {
  private llm = new Client();
  async reply(question: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
      const answer = await this.llm.complete(question);
      await this.ctx.storage.put("history", [...history, answer]);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "an object the class builds from something else (an SDK client) is I/O",
      code: `import { DurableObject } from "cloudflare:workers";
import { Client } from "./llm";
export class Agent extends DurableObject<Env> {
  private llm = new Client(this.env.API_KEY);
  async reply(question: string) {
    const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
    const answer = await this.llm.complete(question);
    await this.ctx.storage.put("history", [...history, answer]);
  }
}
`,
      errors: [
        {
          messageId: "staleKey",
          data: { key: '"history"', writeLine: "8", awaited: "await this.llm.complete(…)", awaitLine: "7" },
          line: 6,
          column: 28,
          endLine: 6,
          endColumn: 69,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { awaited: "await this.llm.complete(…)" },
              output: `import { DurableObject } from "cloudflare:workers";
import { Client } from "./llm";
export class Agent extends DurableObject<Env> {
  private llm = new Client(this.env.API_KEY);
  async reply(question: string) {
    const answer = await this.llm.complete(question);
    const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
    await this.ctx.storage.put("history", [...history, answer]);
  }
}
`,
            },
            {
              messageId: "suggestBlockConcurrency",
              output: `import { DurableObject } from "cloudflare:workers";
import { Client } from "./llm";
export class Agent extends DurableObject<Env> {
  private llm = new Client(this.env.API_KEY);
  async reply(question: string) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const history = (await this.ctx.storage.get<string[]>("history")) ?? [];
      const answer = await this.llm.complete(question);
      await this.ctx.storage.put("history", [...history, answer]);
    });
  }
}
`,
            },
          ],
        },
      ],
    },
  ],
});
