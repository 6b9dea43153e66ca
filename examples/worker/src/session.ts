import { DurableObject } from "cloudflare:workers";

/** A session expires 30 minutes after its last request. */
const TTL_MS = 30 * 60 * 1000;
const EXPIRED_URL = "https://hooks.example.com/session-expired";

export interface Profile {
  name: string;
  email: string;
}

export interface CartItem {
  sku: string;
  quantity: number;
}

/** One shopper's session: a profile, a cart, and an alarm that expires it. */
export class Session extends DurableObject<Env> {
  async touch(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + TTL_MS);
  }

  /**
   * ❌ Two puts: if the second fails (a value too large, say), the new name stays stored with the
   * old email.
   */
  async saveProfileUnsafe(profile: Profile): Promise<void> {
    await this.ctx.storage.put("name", profile.name);
    await this.ctx.storage.put("email", profile.email);
  }

  /** ✅ One `put` of both keys: one atomic write. */
  async saveProfile(profile: Profile): Promise<void> {
    await this.ctx.storage.put({ name: profile.name, email: profile.email });
  }

  /** ❌ One awaited put per item: a failure part-way leaves half the cart stored. */
  async addToCartUnsafe(items: CartItem[]): Promise<void> {
    for (const item of items) {
      await this.ctx.storage.put(`cart:${item.sku}`, item.quantity);
    }
  }

  /** ✅ Every item in one `put`: one atomic write. */
  async addToCart(items: CartItem[]): Promise<void> {
    await this.ctx.storage.put(Object.fromEntries(items.map((item) => [`cart:${item.sku}`, item.quantity])));
  }

  async cart(): Promise<CartItem[]> {
    const entries = await this.ctx.storage.list<number>({ prefix: "cart:" });
    return [...entries].map(([key, quantity]) => ({ sku: key.slice("cart:".length), quantity }));
  }

  /**
   * ❌ At compatibility date 2025-09-01 `deleteAll()` leaves the alarm set: `alarm()` still fires
   * on the emptied session, reports it expired, and wipes a new session started under the same id.
   */
  async logoutUnsafe(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  /** ✅ The alarm is deleted too. */
  async logout(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  async alarm(): Promise<void> {
    const name = await this.ctx.storage.get<string>("name");
    await fetch(EXPIRED_URL, { method: "POST", body: name ?? "anonymous" });
    await this.ctx.storage.deleteAll();
  }
}
