import { DurableObject } from "cloudflare:workers";

/** A chat room: a message log in SQL, and who is here right now in memory. */
export class Room extends DurableObject<Env> {
  /** Visits per user since the object started: a `Map`, not Durable Object storage. */
  private readonly storage = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, text TEXT NOT NULL, sent_at INTEGER NOT NULL)",
    );
  }

  async join(user: string): Promise<number> {
    const visits = (this.storage.get(user) ?? 0) + 1;
    this.storage.set(user, visits);
    await this.announce(`${user} joined`);
    return visits;
  }

  async announce(text: string): Promise<void> {
    this.ctx.storage.sql.exec("INSERT INTO messages (text, sent_at) VALUES (?, ?)", text, Date.now());
  }

  history(): string[] {
    return this.ctx.storage.sql
      .exec<{ text: string }>("SELECT text FROM messages ORDER BY id")
      .toArray()
      .map((row) => row.text);
  }

  /**
   * Called by the Worker as `env.ROOM.get(id).deleteAll()`: an RPC method of this class. The room
   * has no alarm, so the `deleteAll()` on its storage needs no `deleteAlarm()`.
   */
  async deleteAll(): Promise<void> {
    this.storage.clear();
    await this.ctx.storage.deleteAll();
  }
}
