/**
 * Two facts about the input gate that the gate analysis (src/analysis/gate.ts) relies on, measured on
 * workerd (Miniflare), 50 concurrent requests to one object each, with `no-unsafe-read-modify-write`
 * run on the same source:
 *
 * - reading the request body (`await request.json()`) between a read and its write-back opens the
 *   gate: updates are lost, and the rule reports it;
 * - Web Crypto keeps it closed (`crypto.subtle.digest`, `importKey`, `generateKey`, `sign`,
 *   `verify`, `exportKey`, `encrypt`, `decrypt`, `deriveBits` with PBKDF2 at 10,000 iterations):
 *   every update is kept, and the rule is silent.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import rule from "../../rules/no-unsafe-read-modify-write.js";
import { lintWith } from "../helpers/rule-tester.js";

const CONCURRENCY = 50;
const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch(request) {
    const what = new URL(request.url).pathname.slice(1);
    if (what === "body") return this.body(request);
    if (what === "digest") return this.digest();
    if (what === "hmac") return this.hmac();
    if (what === "subtle") return this.subtle();
    return Response.json({ body: await this.ctx.storage.get("body"), digest: await this.ctx.storage.get("digest"), hmac: await this.ctx.storage.get("hmac"), subtle: await this.ctx.storage.get("subtle") });
  }
  async body(request) { const n = (await this.ctx.storage.get("body")) ?? 0; const b = await request.json(); await this.ctx.storage.put("body", n + b.step); return new Response("ok"); }
  async digest() { const n = (await this.ctx.storage.get("digest")) ?? 0; await crypto.subtle.digest("SHA-256", new TextEncoder().encode(String(n))); await this.ctx.storage.put("digest", n + 1); return new Response("ok"); }
  async hmac() {
    const n = (await this.ctx.storage.get("hmac")) ?? 0;
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("k"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(String(n)));
    await this.ctx.storage.put("hmac", n + 1);
    return new Response("ok");
  }
  async subtle() {
    const n = (await this.ctx.storage.get("subtle")) ?? 0;
    const data = new TextEncoder().encode(String(n));
    const hmac = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
    await crypto.subtle.verify("HMAC", hmac, await crypto.subtle.sign("HMAC", hmac, data), data);
    await crypto.subtle.exportKey("raw", hmac);
    const aes = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const iv = new Uint8Array(12);
    await crypto.subtle.decrypt({ name: "AES-GCM", iv }, aes, await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aes, data));
    const pw = await crypto.subtle.importKey("raw", data, "PBKDF2", false, ["deriveBits"]);
    await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: data, iterations: 10000 }, pw, 256);
    await this.ctx.storage.put("subtle", n + 1);
    return new Response("ok");
  }
}
export default {
  fetch(request, env) {
    return env.COUNTER.get(env.COUNTER.idFromName("c")).fetch(request);
  },
};
`;

let mf: Miniflare;
let counts: Record<string, number>;

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: WORKER,
    compatibilityDate: "2026-07-01",
    durableObjects: { COUNTER: { className: "Counter", useSQLite: true } },
  });
  const body = JSON.stringify({ step: 1, pad: "x".repeat(64 * 1024) });
  for (const what of ["body", "digest", "hmac", "subtle"]) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        mf.dispatchFetch(`http://do/${what}`, what === "body" ? { method: "POST", body } : {}).then((r) => r.text()),
      ),
    );
  }
  counts = (await (await mf.dispatchFetch("http://do/read")).json()) as Record<string, number>;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

/** The methods of `Counter` the rule reports a lost update in. */
function reportedMethods(): string[] {
  const lines = WORKER.split("\n");
  return lintWith("no-unsafe-read-modify-write", rule, WORKER, [], "worker.js").map(
    (m) => /^\s*async (\w+)\(/.exec(lines[m.line - 1])?.[1] ?? `line ${m.line}`,
  );
}

describe("the input gate around the request body and Web Crypto, on workerd", () => {
  it(`reading the request body between a read and its write-back loses updates (${CONCURRENCY} requests), and the rule reports it`, () => {
    expect(counts.body).toBeLessThan(CONCURRENCY);
    expect(reportedMethods()).toContain("body");
  });

  it("crypto.subtle.digest, importKey and sign keep the gate closed (every update kept), and the rule is silent", () => {
    expect(counts.digest).toBe(CONCURRENCY);
    expect(counts.hmac).toBe(CONCURRENCY);
    expect(counts.subtle).toBe(CONCURRENCY);
    expect(reportedMethods()).not.toContain("digest");
    expect(reportedMethods()).not.toContain("hmac");
    expect(reportedMethods()).not.toContain("subtle");
  });
});
