import { DurableObject } from "cloudflare:workers";
import { storageOf } from "./storage";

/** Keeps a balance and the time of its last change. */
export class Ledger extends DurableObject<Env> {
  /**
   * ❌ Two awaited writes: each is its own round trip, and a crash between them keeps only the
   * first. The storage comes from another module, so only type information shows it is storage.
   */
  async deposit(amount: number): Promise<void> {
    const storage = storageOf(this.ctx);
    await storage.put("balance", amount);
    await storage.put("updatedAt", Date.now());
  }
}
