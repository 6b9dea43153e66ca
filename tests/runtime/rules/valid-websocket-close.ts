/**
 * valid-websocket-close on workerd: a peer connects to the ❌ `ChatRoom` and closes without a code
 * (it arrives as 1005) or goes away (1006). The echo in `webSocketClose` throws `Invalid WebSocket
 * close code`, and a peer that closed without a code gets no Close frame back. The rule's suggestion
 * and the ✅ `ChatRoom` answer with 1000 and do not throw.
 *
 * A WebSocket needs a peer, which the harness's JS RPC calls cannot be: each Worker below is the
 * docs block unchanged plus `WsPeer`, a Durable Object class that opens a socket to the room, closes
 * it the way the test says and reports the Close frame it got back. The same code wraps the room's
 * `webSocketClose` (as the harness's probe wraps `alarm()`) to log whether it threw.
 *
 * The second ❌ block, `Lobby`, closes its sockets with a 130-byte reason: at the harness's
 * compatibility date (2026-07-01) `close()` throws, so `start()` fails and the player is never told.
 * The suggestion's cut reason (123 bytes) closes with code 4000 and that reason.
 */
import { expect, it } from "vitest";
import { type WorkerSpec, applySuggestions, docsExample, ruleProof, value } from "../harness.js";

const RULE = "valid-websocket-close";
const bad = docsExample(RULE, "incorrect-0").code;
const good = docsExample(RULE, "correct-0").code;
const suggested = applySuggestions(RULE, bad, "suggestGuard");
const lobby = docsExample(RULE, "incorrect-1").code;
const lobbySuggested = applySuggestions(RULE, lobby, "suggestShorten");

/** A player who waits in the \`Lobby\` while \`start()\` runs: whether \`start()\` threw, and the Close frame the player got. */
const PLAYER = String.raw`
export class WsPlayer extends DurableObject {
  async run() {
    const lobby = this.env.Lobby.get(this.env.Lobby.idFromName("lobby"));
    const res = await lobby.fetch("https://lobby/", { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket;
    ws.accept();
    const reply = new Promise((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
    let threw = null;
    try {
      await lobby.start();
    } catch (e) {
      threw = String(e);
    }
    return { threw, reply: await Promise.race([reply, scheduler.wait(300).then(() => "no Close frame")]) };
  }
}
`;

const PEER = String.raw`
const __closeLog = [];
const __webSocketClose = ChatRoom.prototype.webSocketClose;
ChatRoom.prototype.webSocketClose = async function (ws, code, ...rest) {
  try {
    await __webSocketClose.call(this, ws, code, ...rest);
    __closeLog.push({ code, threw: null });
  } catch (e) {
    __closeLog.push({ code, threw: String(e) });
    throw e;
  }
};
export class WsPeer extends DurableObject {
  async run(how) {
    const room = this.env.ChatRoom.get(this.env.ChatRoom.idFromName("room"));
    const res = await room.fetch("https://room/", { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket;
    ws.accept();
    const reply = new Promise((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
    if (how === "go away") {
      setTimeout(() => this.ctx.abort("the peer goes away"), 10);
      return "gone";
    }
    ws.close();
    return await Promise.race([reply, scheduler.wait(300).then(() => "no Close frame")]);
  }
  closeLog() {
    return __closeLog;
  }
}
`;

const { proof, runtime, define } = ruleProof(RULE, (): WorkerSpec[] => [
  { name: "incorrect-0", code: bad + PEER },
  { name: "correct-0", code: good + PEER },
  { name: "suggested", code: suggested + PEER },
  { name: "incorrect-1", code: lobby + PLAYER },
  { name: "suggested-reason", code: lobbySuggested + PLAYER },
]);

/** A peer that closes without a code, one that goes away; the Close frame the first got back, and the room's webSocketClose runs. */
async function closeBoth(worker: string): Promise<{ reply: unknown; log: unknown }> {
  const peer = runtime().object(worker, "WsPeer");
  const reply = value(await peer.call("run", "no code"));
  const gone = runtime().object(worker, "WsPeer");
  // The call fails: the peer's instance is aborted while its socket is open.
  await gone.call("run", "go away");
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { reply, log: value(await peer.call("closeLog")) };
}

export default define(() => {
  it("❌ ChatRoom: echoing 1005 and 1006 throws in webSocketClose, and the peer that closed gets no Close frame", async () => {
    const { reply, log } = await closeBoth("incorrect-0");
    expect(log).toEqual([
      { code: 1005, threw: "InvalidAccessError: Invalid WebSocket close code: 1005." },
      { code: 1006, threw: "InvalidAccessError: Invalid WebSocket close code: 1006." },
    ]);
    expect(reply).toBe("no Close frame");
    proof.failure(
      "a",
      "❌ `ChatRoom`: a peer's `close()` without a code arrives as 1005; `ws.close(code, reason)` throws `InvalidAccessError: Invalid WebSocket close code: 1005.` and the peer gets no Close frame back within 300 ms",
    );
    proof.failure(
      "b",
      "❌ `ChatRoom`: a peer that goes away arrives as 1006; the echo throws `InvalidAccessError: Invalid WebSocket close code: 1006.`",
    );
  });

  for (const [worker, label, key] of [
    ["suggested", "suggestion applied (the code passed only when `close()` accepts it)", "a"],
    ["correct-0", "✅ `ChatRoom` (`sendable(code)`)", "b"],
  ] as const) {
    it(`${label}: webSocketClose answers 1005 and 1006 with 1000 and does not throw`, async () => {
      const { reply, log } = await closeBoth(worker);
      expect(log).toEqual([
        { code: 1005, threw: null },
        { code: 1006, threw: null },
      ]);
      expect(reply).toEqual({ code: 1000, reason: "" });
      proof.fixed(key, `${label}: 1005 and 1006 are answered with 1000, nothing throws; the peer gets its Close frame (1000)`);
    });
  }

  it("❌ Lobby: close() with a 130-byte reason throws, so start() fails and the player gets no Close frame", async () => {
    const out = value(await runtime().object("incorrect-1", "WsPlayer").call("run"));
    expect(out).toEqual({
      threw: "SyntaxError: WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.",
      reply: "no Close frame",
    });
    proof.failure(
      "c",
      "❌ `Lobby`: `ws.close(4000, reason)` with a 130-byte reason throws `SyntaxError: WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.`; `start()` fails and the player gets no Close frame within 300 ms",
    );
  });

  it("suggestion applied (the reason cut to 123 bytes): start() closes the player's socket with 4000 and the reason", async () => {
    const out = value(await runtime().object("suggested-reason", "WsPlayer").call("run"));
    const reason =
      "The game has started without you: every seat at this table is now taken. Go back to the lobby list and pick another table t";
    expect(reason.length).toBe(123);
    expect(out).toEqual({ threw: null, reply: { code: 4000, reason } });
    proof.fixed(
      "c",
      "suggestion applied (the reason cut to its first 123 bytes): `start()` closes the player's socket with 4000 and the cut reason",
    );
  });
});
