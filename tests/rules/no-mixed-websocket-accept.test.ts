import rule from "../../rules/no-mixed-websocket-accept.js";
import { expect, it } from "vitest";
import { RuleTester, lintWith } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
const acceptAfter = (socket: string) => ({ messageId: "acceptAfterHibernation", data: { socket } }) as const;
const hibernationAfter = (socket: string) => ({ messageId: "hibernationAfterAccept", data: { socket } }) as const;
const never = (socket: string) => ({ messageId: "listenerNeverRuns", data: { socket } }) as const;

/** A Durable Object whose `fetch()` makes a pair and runs `body`. */
const room = (body: string) =>
  `${DO}export class Room extends DurableObject {\n  async fetch(request: Request) {\n    const [client, server] = Object.values(new WebSocketPair());\n    ${body}\n    return new Response(null, { status: 101, webSocket: client });\n  }\n}\n`;

new RuleTester().run("no-mixed-websocket-accept", rule, {
  valid: [
    // One way each.
    room("this.ctx.acceptWebSocket(server);"),
    room("server.accept();\n    server.addEventListener('message', (e) => server.send(String(e.data)));"),
    // The other end of the pair.
    room("this.ctx.acceptWebSocket(server);\n    client.addEventListener('message', () => {});"),
    // Two pairs: each socket is known by the pair it comes from, not by its name.
    room("this.ctx.acceptWebSocket(server);\n    { const [client, server] = Object.values(new WebSocketPair()); server.accept(); }"),
    // Exclusive branches, an early return.
    room("if (request.headers.get('x-hibernate')) this.ctx.acceptWebSocket(server);\n    else server.accept();"),
    room(
      "if (request.headers.get('x-hibernate')) {\n      this.ctx.acceptWebSocket(server);\n      return new Response(null, { status: 101, webSocket: client });\n    }\n    server.accept();",
    ),
    room("request.headers.get('x-hibernate') ? this.ctx.acceptWebSocket(server) : server.accept();"),
    // In another function: this file cannot tell when it runs.
    room("this.ctx.acceptWebSocket(server);\n    setTimeout(() => server.addEventListener('message', () => {}), 0);"),
    // acceptWebSocket on something that is not the object's state.
    room("hub.acceptWebSocket(server);\n    server.accept();"),
    // A socket that is not from a WebSocketPair.
    {
      name: "a WebSocket parameter, not an end of a WebSocketPair",
      code: `${DO}export class Room extends DurableObject { m(ws: WebSocket) { this.ctx.acceptWebSocket(ws); ws.addEventListener("message", () => {}); } }`,
    },
    // A reassigned binding.
    room("let s = server;\n    this.ctx.acceptWebSocket(s);\n    s = other;\n    s.accept();"),
  ],
  invalid: [
    {
      name: "accept() after acceptWebSocket()",
      code: room("this.ctx.acceptWebSocket(server);\n    server.accept();"),
      errors: [{ ...acceptAfter("server"), line: 6, column: 5, endLine: 6, endColumn: 20 }],
    },
    {
      name: "acceptWebSocket() after accept(), through state in a constructor parameter and a pair taken by index",
      code: `${DO}export class Room extends DurableObject {
  constructor(private state: DurableObjectState, env: Env) { super(state, env); }
  async fetch() {
    const pair = new WebSocketPair();
    const ws = pair[1];
    ws.accept();
    this.state.acceptWebSocket(pair[1], ["tag"]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
}`,
      errors: [{ ...hibernationAfter("pair[1]"), line: 8, column: 5, endLine: 8, endColumn: 49 }],
    },
    {
      name: "listeners on a hibernated socket, before and after, in a loop",
      code: room(
        "server.addEventListener('close', () => {});\n    this.ctx.acceptWebSocket(server);\n    for (const type of ['message', 'error']) server.addEventListener(type, () => {});",
      ),
      errors: [
        { ...never("server"), line: 5, column: 5, endLine: 5, endColumn: 47 },
        { ...never("server"), line: 7, column: 46, endLine: 7, endColumn: 85 },
      ],
    },
    {
      name: "{ 0: client, 1: server } = new WebSocketPair(), with the calls in one branch",
      code: `${DO}export class Room extends DurableObject {
  async fetch(request: Request) {
    const { 0: client, 1: server } = new WebSocketPair();
    if (request.headers.get("Upgrade") === "websocket") {
      this.ctx.acceptWebSocket(server);
      server.addEventListener("message", (event) => server.send(String(event.data)));
    }
    return new Response(null, { status: 101, webSocket: client });
  }
}`,
      errors: [{ ...never("server"), line: 7, column: 7, endLine: 7, endColumn: 85 }],
    },
  ],
});

it("says what happens, in these words", () => {
  const messages = lintWith(
    "no-mixed-websocket-accept",
    rule,
    room("server.addEventListener('message', () => {});\n    this.ctx.acceptWebSocket(server);\n    server.accept();"),
  ).map((m) => m.message);
  expect(messages).toEqual([
    "`server` is passed to `acceptWebSocket()`: this listener never runs, its events go to `webSocketMessage()`, `webSocketClose()`, `webSocketError()`. Handle them there.",
    "`server` was passed to `acceptWebSocket()`: `accept()` now throws `Can't accept() WebSocket after enabling hibernation.` Use only one of the two.",
  ]);
  expect(
    lintWith("no-mixed-websocket-accept", rule, room("server.accept();\n    this.ctx.acceptWebSocket(server);")).map((m) => m.message),
  ).toEqual([
    "`server` was accepted with `accept()`: `acceptWebSocket()` now throws `Cannot call acceptWebSocket() if the WebSocket was already accepted`. Use only one.",
  ]);
});
