/**
 * no-mixed-websocket-accept on workerd: a peer connects to each `EchoRoom` of the page and sends
 * "hello". The ❌ listener on a hibernated socket never answers; the ❌ socket accepted both ways
 * fails the upgrade with the runtime's error; both ✅ rooms answer "echo: hello".
 *
 * A WebSocket needs a peer, which the harness's JS RPC calls cannot be: each Worker below is the
 * docs block unchanged plus `WsPeer`, a Durable Object class that opens a socket to the room, sends
 * one message and reports the first message it gets back.
 */
import { expect, it } from "vitest";
import { type WorkerSpec, docsExamples, ruleProof, value } from "../harness.js";

const RULE = "no-mixed-websocket-accept";

const PEER = String.raw`
export class WsPeer extends DurableObject {
  async run() {
    const room = this.env.EchoRoom.get(this.env.EchoRoom.newUniqueId());
    let res;
    try {
      res = await room.fetch("https://room/", { headers: { Upgrade: "websocket" } });
    } catch (e) {
      return { upgrade: String(e) };
    }
    const ws = res.webSocket;
    ws.accept();
    const reply = new Promise((resolve) => ws.addEventListener("message", (e) => resolve(e.data)));
    ws.send("hello");
    const got = await Promise.race([reply, scheduler.wait(300).then(() => "no reply")]);
    ws.close(1000, "done");
    return { status: res.status, reply: got };
  }
}
`;

const { proof, runtime, define } = ruleProof(RULE, (): WorkerSpec[] =>
  docsExamples(RULE).map((e) => ({ name: e.worker, code: e.code + PEER })),
);

const talk = async (worker: string): Promise<unknown> => value(await runtime().object(worker, "WsPeer").call("run"));

export default define(() => {
  it("❌ EchoRoom with a listener on a hibernated socket: the upgrade works, the listener never answers", async () => {
    expect(await talk("incorrect-0")).toEqual({ status: 101, reply: "no reply" });
    proof.failure(
      "a",
      '❌ `EchoRoom` (`acceptWebSocket(server)`, then `server.addEventListener("message", …)`): the peer\'s "hello" gets no answer within 300 ms; the listener never runs',
    );
  });

  it("❌ EchoRoom accepting one socket both ways: acceptWebSocket() throws and the upgrade fails", async () => {
    expect(await talk("incorrect-1")).toEqual({
      upgrade: "Error: Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`",
    });
    proof.failure(
      "b",
      "❌ `EchoRoom` (`server.accept()`, then `acceptWebSocket(server)`): `fetch()` throws ``Error: Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()` ``; the peer never connects",
    );
  });

  it("✅ EchoRoom with webSocketMessage(), and ✅ EchoRoom with accept() and a listener: both answer", async () => {
    expect(await talk("correct-0")).toEqual({ status: 101, reply: "echo: hello" });
    proof.fixed("a", '✅ `EchoRoom` with hibernation (`webSocketMessage()`): the peer gets "echo: hello"');
    expect(await talk("correct-1")).toEqual({ status: 101, reply: "echo: hello" });
    proof.fixed("b", '✅ `EchoRoom` with `accept()` and a listener: the peer gets "echo: hello"');
  });
});
