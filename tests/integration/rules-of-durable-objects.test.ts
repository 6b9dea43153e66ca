/**
 * The shapes that Cloudflare's "Rules of Durable Objects" page marks as bad, written here in our
 * own words, linted with `configs.recommended` as a user has it: each is reported by the rule it
 * belongs to, and its fixed twin is clean.
 *
 * Two of the page's bad examples are not storage anti-patterns this plugin reports (see the
 * closing note of issue 20): one global object for every user (`idFromName("global")`: a design
 * choice the code cannot judge) and `blockConcurrencyWhile` on every request (throughput).
 */
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";

const linter = new Linter({ configType: "flat" });
const CONFIG: Linter.Config[] = [plugin.configs.recommended, { files: ["**/*.ts"], languageOptions: { parser: tsParser } }];

/** `rule:line:messageId` of every finding. */
const findings = (code: string): string[] =>
  linter
    .verify(code, CONFIG, "worker.ts")
    .map((m) => `${m.ruleId?.replace("durable-objects/", "") ?? m.message}:${m.line}:${m.messageId ?? ""}`);

const TASKS = `import { DurableObject } from "cloudflare:workers";

export class Tasks extends DurableObject<Env> {
  async run(id: string): Promise<void> {
    const task = await this.ctx.storage.get<{ state: string }>(\`task:\${id}\`);
    if (task?.state === "queued") {
      await fetch(\`https://runner.example/\${id}\`);
      await this.ctx.storage.put(\`task:\${id}\`, { state: "finished" });
    }
  }
}
`;

const TASKS_CLAIMED = `import { DurableObject } from "cloudflare:workers";

export class Tasks extends DurableObject<Env> {
  async run(id: string): Promise<void> {
    const task = await this.ctx.storage.get<{ state: string }>(\`task:\${id}\`);
    if (task?.state !== "queued") return;
    await this.ctx.storage.put(\`task:\${id}\`, { state: "running" });
    await fetch(\`https://runner.example/\${id}\`);
    await this.ctx.storage.put(\`task:\${id}\`, { state: "finished" });
  }
}
`;

const WALLET = `import { DurableObject } from "cloudflare:workers";

export class Wallet extends DurableObject<Env> {
  async move(from: string, to: string, amount: number): Promise<void> {
    const source = (await this.ctx.storage.get<number>(from)) ?? 0;
    await this.ctx.storage.put(from, source - amount);
    const target = (await this.ctx.storage.get<number>(to)) ?? 0;
    await this.ctx.storage.put(to, target + amount);
  }
}
`;

const WALLET_TRANSACTION = `import { DurableObject } from "cloudflare:workers";

export class Wallet extends DurableObject<Env> {
  async move(from: string, to: string, amount: number): Promise<void> {
    await this.ctx.storage.transaction(async (txn) => {
      const source = (await txn.get<number>(from)) ?? 0;
      await txn.put(from, source - amount);
      const target = (await txn.get<number>(to)) ?? 0;
      await txn.put(to, target + amount);
    });
  }
}
`;

const SEATS = `import { DurableObject } from "cloudflare:workers";

export class Lobby extends DurableObject<Env> {
  async join(player: string): Promise<string> {
    const table = this.ctx.storage.sql.exec<{ id: string }>("SELECT id FROM tables WHERE seated < 6 LIMIT 1").one();
    await this.env.PLAYERS.get(this.env.PLAYERS.idFromName(player)).seat(table.id);
    this.ctx.storage.sql.exec("UPDATE tables SET seated = seated + 1 WHERE id = ?", table.id);
    return table.id;
  }
}
`;

const SEATS_RETESTED = SEATS.replace("WHERE id = ?", "WHERE id = ? AND seated < 6");

describe("the bad examples of Cloudflare's Rules of Durable Objects, in our own words, with configs.recommended", () => {
  it("a task checked, then run over fetch, then marked: no-unsafe-read-modify-write (stale check); claimed first: clean", () => {
    expect(findings(TASKS)).toEqual(["no-unsafe-read-modify-write:5:staleCheck"]);
    expect(findings(TASKS_CLAIMED)).toEqual([]);
  });

  it("a transfer whose awaited writes are split by a read: prefer-coalesced-writes; in one transaction(): clean", () => {
    expect(findings(WALLET)).toEqual(["prefer-coalesced-writes:6:sequence"]);
    expect(findings(WALLET_TRANSACTION)).toEqual([]);
  });

  it("a table chosen by `seated < 6`, an RPC, then `seated + 1`: no-unsafe-read-modify-write (stale check); re-tested in the UPDATE: clean", () => {
    expect(findings(SEATS)).toEqual(["no-unsafe-read-modify-write:5:staleRowCheck"]);
    expect(SEATS_RETESTED).not.toBe(SEATS);
    expect(findings(SEATS_RETESTED)).toEqual([]);
  });
});
