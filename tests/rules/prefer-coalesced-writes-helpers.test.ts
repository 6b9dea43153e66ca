/**
 * prefer-coalesced-writes through helpers: `await this.saveName(n); await this.saveEmail(e);`,
 * where each helper does nothing but one single-key write, is a sequence of awaited writes as the
 * direct calls are. Only the `await`s can move (the batch `put({ … })` needs the writes' own
 * arguments); a helper that does more, or whose body may be replaced, is not a write.
 *
 * Messages, positions and suggestion outputs are literal: each was read and checked by hand.
 */
import rule from "../../rules/prefer-coalesced-writes.js";
import { RuleTester } from "../helpers/rule-tester.js";

new RuleTester().run("prefer-coalesced-writes", rule, {
  valid: [
    {
      name: "a helper that also fetches is not just a write",
      code: `import { DurableObject } from "cloudflare:workers";
export class Profile extends DurableObject<Env> {
  async saveName(name: string) {
    await this.ctx.storage.put("name", name);
  }
  async logAndSave(v: string) {
    await fetch("https://log.example.com");
    await this.ctx.storage.put("v", v);
  }
  async update(name: string) {
    await this.saveName(name);
    await this.logAndSave(name);
  }
}
`,
    },
    {
      name: "a helper a subclass replaces: which body runs is unknown",
      code: `import { DurableObject } from "cloudflare:workers";
export class Profile extends DurableObject<Env> {
  async saveName(name: string) {
    await this.ctx.storage.put("name", name);
  }
  async update(name: string) {
    await this.saveName(name);
    await this.ctx.storage.put("updated", Date.now());
  }
}
export class Audited extends Profile {
  override async saveName(name: string) {
    await fetch("https://audit.example.com");
    await super.saveName(name);
  }
}
`,
    },
    {
      name: "a helper that writes a batch already",
      code: `import { DurableObject } from "cloudflare:workers";
export class Profile extends DurableObject<Env> {
  async saveAll(name: string, email: string) {
    await this.ctx.storage.put({ name, email });
  }
  async update(name: string, email: string) {
    await this.saveAll(name, email);
    await this.ctx.storage.put("updated", Date.now());
  }
}
`,
    },
  ],
  invalid: [
    {
      name: "two helpers that each only write, awaited one after the other: reported, with no suggestion",
      code: `import { DurableObject } from "cloudflare:workers";
export class Profile extends DurableObject<Env> {
  async saveName(name: string) {
    await this.ctx.storage.put("name", name);
  }
  saveEmail = (email: string) => this.ctx.storage.put("email", email);
  async update(name: string, email: string) {
    await this.saveName(name);
    await this.saveEmail(email);
    return new Response("ok");
  }
}
`,
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 8,
          column: 5,
          endLine: 8,
          endColumn: 30,
          suggestions: [],
        },
      ],
    },
    {
      name: "a helper's write and a direct write: no batch, no transaction (the helper's write is not on `txn`)",
      code: `import { DurableObject } from "cloudflare:workers";
export class Profile extends DurableObject<Env> {
  async saveName(name: string) {
    await this.ctx.storage.put("name", name);
  }
  async rename(name: string) {
    await this.saveName(name);
    await this.ctx.storage.put("updated", Date.now());
  }
}
`,
      errors: [
        {
          messageId: "sequence",
          data: { count: "2" },
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 30,
          suggestions: [],
        },
      ],
    },
    {
      name: "a #private helper that only deletes, awaited in a loop",
      code: `import { DurableObject } from "cloudflare:workers";
export class Keys extends DurableObject<Env> {
  async #forget(key: string) {
    return this.ctx.storage.delete(key);
  }
  async forgetAll(keys: string[]) {
    for (const k of keys) await this.#forget(k);
  }
}
`,
      errors: [
        {
          messageId: "loop",
          line: 7,
          column: 27,
          endLine: 7,
          endColumn: 48,
          suggestions: [],
        },
      ],
    },
  ],
});
