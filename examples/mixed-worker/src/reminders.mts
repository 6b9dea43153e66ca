import { DurableObject } from "cloudflare:workers";

/** One reminder per object, delivered by an alarm. */
export class Reminders extends DurableObject<Env> {
  async remind(at: number, text: string): Promise<void> {
    await this.ctx.storage.put("text", text);
    await this.ctx.storage.setAlarm(at);
  }

  async alarm(): Promise<void> {
    const text = await this.ctx.storage.get<string>("text");
    console.log(`reminder: ${text}`);
  }

  /** ❌ At the staging environment's compatibility date, `deleteAll()` leaves the alarm set. */
  async cancel(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
