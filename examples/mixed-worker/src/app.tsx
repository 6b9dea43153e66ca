import { DurableObject } from "cloudflare:workers";

function Counter(props: { count: number }): JSX.Element {
  return <p class="count">Seen {props.count} times</p>;
}

/** Renders a page, and refreshes its cache once a minute with an alarm. */
export class Page extends DurableObject<Env> {
  async fetch(): Promise<Response> {
    const count = (await this.ctx.storage.get<number>("count")) ?? 0;
    await this.ctx.storage.put("count", count + 1);
    // ❌ `getAlarm()` returns a Promise, which is always truthy: the alarm is never set.
    if (!this.ctx.storage.getAlarm()) await this.ctx.storage.setAlarm(Date.now() + 60_000);
    return new Response(<Counter count={count + 1} />, { headers: { "content-type": "text/html" } });
  }

  async alarm(): Promise<void> {
    await this.ctx.storage.delete("cache");
  }
}
