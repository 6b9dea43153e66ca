import { DurableObject } from "cloudflare:workers";

/** Every click is logged to an external audit service before it is counted. */
const AUDIT_URL = "https://audit.example.com/clicks";

function audit(user: string): Promise<Response> {
  return fetch(AUDIT_URL, { method: "POST", body: user });
}

/** A click counter kept under one storage key. */
export class Counter extends DurableObject<Env> {
  /**
   * ❌ Read, then `await fetch(…)`, then write back. Awaiting anything but this object's own
   * storage opens the input gate: other clicks run during the fetch, read the same old count,
   * and all but one of their increments are lost.
   */
  async incrementUnsafe(user: string): Promise<number> {
    const n = (await this.ctx.storage.get<number>("count")) ?? 0;
    await audit(user);
    await this.ctx.storage.put("count", n + 1);
    return n + 1;
  }

  /** ✅ The same, with the fetch moved before the read: between the read and the write only storage is awaited. */
  async increment(user: string): Promise<number> {
    await audit(user);
    const n = (await this.ctx.storage.get<number>("count")) ?? 0;
    await this.ctx.storage.put("count", n + 1);
    return n + 1;
  }
}

/** ✅ The count lives in memory, loaded once while `blockConcurrencyWhile` holds every request back. */
export class CachedCounter extends DurableObject<Env> {
  private value = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.value = (await ctx.storage.get<number>("value")) ?? 0;
    });
  }

  async increment(user: string): Promise<number> {
    const value = ++this.value;
    this.ctx.storage.put("value", value); // not awaited: the output gate holds the response until it is stored
    await audit(user);
    return value;
  }
}
