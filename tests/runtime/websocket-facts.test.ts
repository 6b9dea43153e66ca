/**
 * What workerd does with WebSocket close codes and with the two ways of accepting a WebSocket,
 * measured on workerd (Miniflare) at the compatibility dates where something changes. The
 * assertions are the facts `valid-websocket-close` and `no-mixed-websocket-accept` rely on
 * (docs/rules/valid-websocket-close.md, docs/rules/no-mixed-websocket-accept.md):
 *
 * - `ws.close(code)` accepts 1000–1003, 1007–1014 and 1016–4999, and throws
 *   `InvalidAccessError: Invalid WebSocket close code: <code>.` for 0–999, 1004, 1005, 1006, 1015
 *   and 5000 up, at every compatibility date (2021-11-03 to 2026-07-01). A reason without a code
 *   throws `InvalidAccessError: If you specify a WebSocket close reason, you must also specify a code.`,
 *   at every date. From 2026-03-03 on, a reason over 123 bytes throws `SyntaxError: WebSocket close
 *   reason must not be longer than 123 bytes when UTF-8 encoded.` (before, it is sent).
 * - A peer that closes without a code arrives as 1005 (`wasClean` true, reason ""), one that goes
 *   away without a Close frame as 1006 (`wasClean` false), in `webSocketClose()` and in a `close`
 *   listener alike; echoing either with `ws.close(code, reason)` throws.
 * - Where the echo throws, the peer gets no Close frame back: with hibernation at every date; with
 *   `accept()` and a `close` listener only before 2026-04-07, as from then on
 *   (`web_socket_auto_reply_to_close`) the runtime has answered the Close itself before the listener
 *   runs (`readyState` is already CLOSED); the echo still throws there.
 * - After `ctx.acceptWebSocket(ws)`, `ws.accept()` throws `TypeError: Can't accept() WebSocket after
 *   enabling hibernation.`; after `ws.accept()`, `ctx.acceptWebSocket(ws)` throws `Error: Cannot call
 *   \`acceptWebSocket()\` if the WebSocket was already accepted via \`accept()\``. A listener added
 *   with `ws.addEventListener()` before or after `acceptWebSocket(ws)` does not throw and never runs:
 *   `webSocketMessage()` and `webSocketClose()` get the events. Same at 2025-06-01 and 2026-07-01.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const WORKER = String.raw`
import { DurableObject } from "cloudflare:workers";
const log = [];
function tryClose(ws, args) {
  try { ws.close(...args); return "ok"; } catch (e) { return String(e); }
}
// The server side, with hibernation: the client's test name is the socket's tag.
export class Hibernating extends DurableObject {
  async fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, [new URL(request.url).searchParams.get("test")]);
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketClose(ws, code, reason, wasClean) {
    const [test] = this.ctx.getTags(ws);
    log.push({ test, code, reason, wasClean, readyState: ws.readyState, echo: tryClose(ws, [code, reason]) });
  }
}
// The server side, with accept() and a close listener.
export class Listening extends DurableObject {
  async fetch(request) {
    const test = new URL(request.url).searchParams.get("test");
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("close", (e) => {
      log.push({ test, code: e.code, reason: e.reason, wasClean: e.wasClean, readyState: server.readyState, echo: tryClose(server, [e.code, e.reason]) });
    });
    return new Response(null, { status: 101, webSocket: client });
  }
}
// Both ways of accepting one socket, in both orders.
export class Mixed extends DurableObject {
  async fetch(request) {
    const test = new URL(request.url).searchParams.get("test");
    const [client, server] = Object.values(new WebSocketPair());
    const entry = { test };
    log.push(entry);
    const step = (name, f) => { try { f(); entry[name] = "ok"; } catch (e) { entry[name] = String(e); } };
    const listen = () => {
      server.addEventListener("message", (e) => log.push({ test, ran: "message listener", data: e.data }));
      server.addEventListener("close", (e) => log.push({ test, ran: "close listener", code: e.code }));
    };
    const hibernate = () => this.ctx.acceptWebSocket(server, [test]);
    if (test === "acceptWebSocket, accept") { step("acceptWebSocket", hibernate); step("accept", () => server.accept()); }
    if (test === "accept, acceptWebSocket") { step("accept", () => server.accept()); step("acceptWebSocket", hibernate); }
    if (test === "acceptWebSocket, addEventListener") { step("acceptWebSocket", hibernate); step("addEventListener", listen); }
    if (test === "addEventListener, acceptWebSocket") { step("addEventListener", listen); step("acceptWebSocket", hibernate); }
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, data) { log.push({ test: this.ctx.getTags(ws)[0], ran: "webSocketMessage", data }); }
  webSocketClose(ws, code) { log.push({ test: this.ctx.getTags(ws)[0], ran: "webSocketClose", code }); ws.close(1000, "bye"); }
}
// The peer: opens a socket to a server class, sends "hello" to Mixed, then closes it the way the
// test says (a code, no code, or going away), and reports the Close frame it got back, if any.
export class Peer extends DurableObject {
  async run(server, test, how) {
    const ns = this.env[server];
    const res = await ns.get(ns.newUniqueId()).fetch("http://server/?test=" + encodeURIComponent(test), { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket;
    ws.accept();
    const reply = new Promise((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
    if (server === "MIXED") { ws.send("hello"); await scheduler.wait(50); }
    if (how === "go away") { setTimeout(() => this.ctx.abort("the peer goes away"), 10); return "gone"; }
    if (how === "no code") ws.close(); else ws.close(Number(how), "peer's reason");
    return await Promise.race([reply, scheduler.wait(300).then(() => "no Close frame back within 300 ms")]);
  }
  closeCodes() {
    const codes = {};
    for (let code = 0; code <= 5000; code++) codes[code] = this.close([code]);
    return codes;
  }
  close(args) {
    const [, server] = Object.values(new WebSocketPair());
    server.accept();
    return tryClose(server, args.map((a) => (a === "$undefined" ? undefined : a)));
  }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/log") return Response.json(log);
    const peer = env.PEER.get(env.PEER.newUniqueId());
    const { method, args } = await request.json();
    try {
      return Response.json({ value: await peer[method](...args) });
    } catch (e) {
      return Response.json({ error: String(e) });
    }
  },
};
`;

const DATES = ["2021-11-03", "2025-06-01", "2026-03-02", "2026-03-03", "2026-04-06", "2026-04-07", "2026-07-01"] as const;
type CompatibilityDate = (typeof DATES)[number];
let mf: Miniflare | undefined;

beforeAll(async () => {
  mf = new Miniflare({
    workers: DATES.map((date) => ({
      name: `at-${date}`,
      modules: true,
      script: WORKER,
      compatibilityDate: date,
      // JS RPC (the default from 2024-04-03) for the test's calls to Peer.
      compatibilityFlags: date < "2024-04-03" ? ["rpc"] : [],
      routes: [`${date}.test/*`],
      durableObjects: Object.fromEntries(
        ["Hibernating", "Listening", "Mixed", "Peer"].map((c) => [c.toUpperCase(), { className: c, useSQLite: true }]),
      ),
    })),
  });
  await mf.ready;
});

afterAll(async () => {
  await mf?.dispose();
});

async function call(date: CompatibilityDate, method: string, ...args: unknown[]): Promise<unknown> {
  const res = await mf!.dispatchFetch(`http://${date}.test/`, { method: "POST", body: JSON.stringify({ method, args }) });
  const out = (await res.json()) as { value?: unknown; error?: string };
  if (out.error !== undefined) throw new Error(out.error);
  return out.value;
}

async function serverLog(date: CompatibilityDate): Promise<Record<string, unknown>[]> {
  return (await (await mf!.dispatchFetch(`http://${date}.test/log`)).json()) as Record<string, unknown>[];
}

/** The codes 0–5000 as ranges of those `close(code)` accepts and those it rejects. */
function codeRanges(codes: Record<string, string>): { accepted: string[]; rejected: string[] } {
  const out = { accepted: [] as string[], rejected: [] as string[] };
  let start = 0;
  for (let code = 0; code <= 5000; code++) {
    const ok = codes[code] === "ok";
    if (!ok) expect(codes[code]).toBe(`InvalidAccessError: Invalid WebSocket close code: ${code}.`);
    if (code === 5000 || (codes[code + 1] === "ok") !== ok) {
      out[ok ? "accepted" : "rejected"].push(start === code ? `${code}` : `${start}-${code}`);
      start = code + 1;
    }
  }
  return out;
}

const invalidReason = "InvalidAccessError: If you specify a WebSocket close reason, you must also specify a code.";
const longReason = "SyntaxError: WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.";

describe.each(DATES)("ws.close() at compatibility date %s", (date) => {
  it("accepts 1000-1003, 1007-1014, 1016-4999; rejects the rest with InvalidAccessError", async () => {
    expect(codeRanges((await call(date, "closeCodes")) as Record<string, string>)).toEqual({
      accepted: ["1000-1003", "1007-1014", "1016-4999"],
      rejected: ["0-999", "1004-1006", "1015", "5000"],
    });
  });

  it("needs a code with a reason; no code and no reason is fine; 1005 is rejected without a reason too", async () => {
    expect(await call(date, "close", [])).toBe("ok");
    expect(await call(date, "close", ["$undefined", "bye"])).toBe(invalidReason);
    expect(await call(date, "close", [null, "bye"])).toBe("InvalidAccessError: Invalid WebSocket close code: 0.");
    expect(await call(date, "close", [1005])).toBe("InvalidAccessError: Invalid WebSocket close code: 1005.");
    expect(await call(date, "close", [1006, ""])).toBe("InvalidAccessError: Invalid WebSocket close code: 1006.");
    expect(await call(date, "close", [1000, "x".repeat(123)])).toBe("ok");
    expect(await call(date, "close", [1000, "x".repeat(124)])).toBe(date >= "2026-03-03" ? longReason : "ok");
  });
});

/** Before and after `web_socket_auto_reply_to_close` (2026-04-07), and long before. */
const HANDSHAKE_DATES = ["2021-11-03", "2026-04-06", "2026-04-07", "2026-07-01"] as const;

describe.each(HANDSHAKE_DATES)("echoing the peer's close at compatibility date %s", (date) => {
  const autoReply = date >= "2026-04-07";
  const noReply = "no Close frame back within 300 ms";

  it("a code-less close arrives as 1005, a peer that goes away as 1006; echoing either throws, echoing 1000 or 4001 works", async () => {
    const runs = ["HIBERNATING", "LISTENING"].flatMap((server) =>
      [
        ["no code", "no code"],
        ["1000", "1000"],
        ["4001", "4001"],
        ["go away", "go away"],
      ].map(([test, how]) => ({
        server,
        test: `${server} ${test}`,
        how,
      })),
    );
    const replies = await Promise.all(runs.map((r) => call(date, "run", r.server, r.test, r.how)));
    const reply = (test: string) => replies[runs.findIndex((r) => r.test === test)];
    // Wait for the close of the peers that went away to reach the servers.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const log = await serverLog(date);
    const entry = (test: string) => log.find((e) => e.test === test);
    const invalid = (code: number) => `InvalidAccessError: Invalid WebSocket close code: ${code}.`;
    for (const server of ["HIBERNATING", "LISTENING"]) {
      // The listener runs after the runtime answered the Close itself, from 2026-04-07 on.
      const closing = server === "LISTENING" && autoReply ? 3 : 2;
      expect(entry(`${server} no code`)).toEqual({
        test: `${server} no code`,
        code: 1005,
        reason: "",
        wasClean: true,
        readyState: closing,
        echo: invalid(1005),
      });
      expect(entry(`${server} 1000`)).toMatchObject({ code: 1000, reason: "peer's reason", wasClean: true, echo: "ok" });
      expect(entry(`${server} 4001`)).toMatchObject({ code: 4001, reason: "peer's reason", wasClean: true, echo: "ok" });
      expect(entry(`${server} go away`)).toMatchObject({
        code: 1006,
        reason: "WebSocket disconnected without sending Close frame.",
        wasClean: false,
        echo: invalid(1006),
      });
      expect(reply(`${server} 1000`)).toEqual({ code: 1000, reason: "peer's reason" });
      expect(reply(`${server} 4001`)).toEqual({ code: 4001, reason: "peer's reason" });
    }
    // Where the echo threw, the peer's close handshake never completes: with hibernation at every
    // date, with accept() before 2026-04-07.
    expect(reply("HIBERNATING no code")).toBe(noReply);
    expect(reply("LISTENING no code")).toEqual(autoReply ? { code: 1005, reason: "" } : noReply);
  });
});

describe.each(["2025-06-01", "2026-07-01"] as const)("accept() and acceptWebSocket() on one socket at compatibility date %s", (date) => {
  it("either order throws; a listener added with either order never runs, the handlers get the events", async () => {
    const tests = [
      "acceptWebSocket, accept",
      "accept, acceptWebSocket",
      "acceptWebSocket, addEventListener",
      "addEventListener, acceptWebSocket",
    ];
    for (const test of tests) await call(date, "run", "MIXED", test, "1000");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const log = await serverLog(date);
    const of = (test: string) => log.filter((e) => e.test === test);
    expect(of("acceptWebSocket, accept")).toEqual([
      { test: "acceptWebSocket, accept", acceptWebSocket: "ok", accept: "TypeError: Can't accept() WebSocket after enabling hibernation." },
      { test: "acceptWebSocket, accept", ran: "webSocketMessage", data: "hello" },
      { test: "acceptWebSocket, accept", ran: "webSocketClose", code: 1000 },
    ]);
    expect(of("accept, acceptWebSocket")).toEqual([
      {
        test: "accept, acceptWebSocket",
        accept: "ok",
        acceptWebSocket: "Error: Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`",
      },
    ]);
    for (const test of ["acceptWebSocket, addEventListener", "addEventListener, acceptWebSocket"]) {
      expect(of(test)).toEqual([
        { test, acceptWebSocket: "ok", addEventListener: "ok" },
        { test, ran: "webSocketMessage", data: "hello" },
        { test, ran: "webSocketClose", code: 1000 },
      ]);
    }
  });
});

/**
 * The reason limit's flags (`websocket_close_reason_byte_limit`, `no_websocket_close_reason_byte_limit`)
 * and bytes counted in UTF-8: what valid-websocket-close's `longReason` and its cut rely on.
 */
describe("the close reason limit: its flags, and bytes of UTF-8", () => {
  const REASON_WORKER = `export default {
  async fetch(request) {
    const reason = await request.text();
    const [, server] = Object.values(new WebSocketPair());
    server.accept();
    try { server.close(1000, reason); return new Response("ok"); } catch (e) { return new Response(String(e)); }
  },
};`;
  const VARIANTS = {
    "old date, enable flag": { compatibilityDate: "2025-06-01", compatibilityFlags: ["websocket_close_reason_byte_limit"] },
    "new date, disable flag": { compatibilityDate: "2026-07-01", compatibilityFlags: ["no_websocket_close_reason_byte_limit"] },
    "new date": { compatibilityDate: "2026-07-01", compatibilityFlags: [] },
  } as const;
  let reasons: Miniflare | undefined;
  beforeAll(async () => {
    reasons = new Miniflare({
      workers: Object.values(VARIANTS).map((settings, i) => ({
        name: `reason-${i}`,
        modules: true,
        script: REASON_WORKER,
        ...settings,
        compatibilityFlags: [...settings.compatibilityFlags],
        routes: [`reason-${i}.test/*`],
      })),
    });
    await reasons.ready;
  });
  afterAll(async () => {
    await reasons?.dispose();
  });
  const closeWith = async (variant: keyof typeof VARIANTS, reason: string): Promise<string> => {
    const i = Object.keys(VARIANTS).indexOf(variant);
    return (await reasons!.dispatchFetch(`http://reason-${i}.test/`, { method: "POST", body: reason })).text();
  };

  it("the enable flag turns the limit on at an older date; the disable flag turns it off at a newer one", async () => {
    expect(await closeWith("old date, enable flag", "x".repeat(124))).toBe(longReason);
    expect(await closeWith("new date, disable flag", "x".repeat(124))).toBe("ok");
  });

  it("counts bytes of UTF-8: 62 two-byte characters (124 bytes) throw, 61 (122 bytes, the rule's cut) are sent", async () => {
    expect(await closeWith("new date", "é".repeat(62))).toBe(longReason);
    expect(await closeWith("new date", "é".repeat(61))).toBe("ok");
  });
});
