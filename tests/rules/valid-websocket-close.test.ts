import path from "node:path";
import { fileURLToPath } from "node:url";
import rule from "../../rules/valid-websocket-close.js";
import { expect, it } from "vitest";
import { RuleTester, lintWith } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
const echo = (code: string) => ({ messageId: "echo", data: { code } }) as const;
const guard = (code: string) => `${code} >= 1000 && ${code} < 5000 && ![1004, 1005, 1006, 1015].includes(${code}) ? ${code} : 1000`;
const invalid = (code: string, thrown: string) => ({ messageId: "invalidCode", data: { code, thrown } }) as const;
const reasonWithoutCode = { messageId: "reasonWithoutCode" } as const;
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures");
const inFixture = (dir: string) => path.join(fixtures, dir, "src/room.ts");
const x123 = "x".repeat(123);
const x124 = "x".repeat(124);
const e62 = "é".repeat(62); // 124 bytes of UTF-8
const e61 = "é".repeat(61); // 122 bytes

/** A Durable Object with `body` as its `webSocketClose`. */
const closeHandler = (body: string) =>
  `${DO}export class Room extends DurableObject {\n  async webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean) {\n    ${body}\n  }\n}\n`;

/** A Worker that accepts one end of a pair and adds `listener` as its close listener. */
const listener = (fn: string) =>
  `export default {\n  fetch() {\n    const [client, server] = Object.values(new WebSocketPair());\n    server.accept();\n    server.addEventListener("close", ${fn});\n    return new Response(null, { status: 101, webSocket: client });\n  },\n};\n`;

new RuleTester().run("valid-websocket-close", rule, {
  valid: [
    // Codes close() takes, and no code at all.
    closeHandler("ws.close(1000, reason);"),
    closeHandler("ws.close(4001);"),
    closeHandler("ws.close();"),
    closeHandler("ws.close(1011, 'internal error');"),
    // The echo, guarded by a test of the code, or caught.
    closeHandler("if (code !== 1005 && code !== 1006) ws.close(code, reason);"),
    closeHandler("ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);"),
    closeHandler("if (code === 1005 || code === 1006) return;\n    ws.close(code, reason);"),
    closeHandler("switch (code) { case 1000: ws.close(code, reason); break; }"),
    closeHandler(`ws.close(${guard("code")}, reason);`),
    closeHandler("try { ws.close(code, reason); } catch {}"),
    closeHandler("code >= 3000 && ws.close(code, reason);"),
    // A code that is not the peer's: another parameter, a reassigned one.
    closeHandler("ws.close(Number(reason), reason);"),
    {
      name: "a reassigned code parameter is not the peer's code",
      code: `${DO}export class Room extends DurableObject {\n  webSocketClose(ws: WebSocket, code: number) {\n    code = 1000;\n    ws.close(code);\n  }\n}`,
    },
    // Not a Durable Object's handler: the second parameter is not a close code.
    {
      name: "webSocketClose of a class that is not a Durable Object",
      code: `class Plain { webSocketClose(ws: WebSocket, code: number) { ws.close(code); } }`,
    },
    // Not a WebSocket: another object's close(), found by where it comes from, not by its name.
    closeHandler("this.file.close(code);"),
    { name: "close() on a value that is not a WebSocket", code: `const ws = openFile(); ws.close(1005);` },
    {
      name: "close() on a parameter whose type is not WebSocket",
      code: `function f(ws: { close(code?: number): void }) { ws.close(1006); }`,
    },
    // A close listener on something that is not a WebSocket.
    {
      name: "a close listener on an EventSource",
      code: `const ws = new EventSource("/x"); ws.addEventListener("close", (e) => other.close(e.code));`,
    },
    listener("(event) => server.close(1000, event.reason)"),
    listener("(event) => server.close(event.code === 1005 ? 1000 : event.code)"),
    // Another event's code.
    {
      name: "the code of a message event",
      code: `const [client, server] = Object.values(new WebSocketPair()); server.accept(); server.addEventListener("message", (e) => server.close(e.code));`,
    },
    // A local WebSocketPair shadows the global.
    {
      name: "a local class named WebSocketPair",
      code: `class WebSocketPair { 0 = { close(c: number) {} }; 1 = { close(c: number) {} } } const [a, b] = Object.values(new WebSocketPair()); b.close(1005);`,
    },
    // Reasons: 123 bytes of UTF-8 at most, and longer ones only where the limit is off.
    { name: "a reason of 123 bytes", code: closeHandler(`ws.close(1000, "${x123}");`) },
    {
      name: "a reason of 124 bytes before compatibility date 2026-03-03 is sent",
      code: closeHandler(`ws.close(1000, "${x124}");`),
      options: [{ compatibilityDate: "2026-03-02" }],
    },
    {
      name: "a reason of 124 bytes with no_websocket_close_reason_byte_limit",
      code: closeHandler(`ws.close(1000, "${x124}");`),
      options: [{ compatibilityDate: "2026-07-01", compatibilityFlags: ["no_websocket_close_reason_byte_limit"] }],
    },
    {
      name: "a reason of 124 bytes under a wrangler config dated 2026-03-01",
      code: closeHandler(`ws.close(1000, "${x124}");`),
      filename: inFixture("wrangler-new"),
    },
    { name: "a reason only run time knows", code: closeHandler("ws.close(1000, reason.repeat(200));") },
  ],
  invalid: [
    {
      name: "webSocketClose echoes the peer's code",
      code: closeHandler("ws.close(code, reason);"),
      errors: [
        {
          ...echo("code"),
          line: 4,
          column: 14,
          endLine: 4,
          endColumn: 18,
          suggestions: [{ messageId: "suggestGuard", data: { code: "code" }, output: closeHandler(`ws.close(${guard("code")}, reason);`) }],
        },
      ],
    },
    {
      name: "the echo through a const, to every socket from getWebSockets()",
      code: closeHandler("const c = code;\n    for (const other of this.ctx.getWebSockets()) other.close(c, 'bye');"),
      errors: [
        {
          ...echo("c"),
          line: 5,
          column: 63,
          endLine: 5,
          endColumn: 64,
          suggestions: [
            {
              messageId: "suggestGuard",
              data: { code: "c" },
              output: closeHandler(`const c = code;\n    for (const other of this.ctx.getWebSockets()) other.close(${guard("c")}, 'bye');`),
            },
          ],
        },
      ],
    },
    {
      name: "getWebSockets().forEach",
      code: closeHandler("this.ctx.getWebSockets().forEach((s) => s.close(code));"),
      errors: [
        {
          ...echo("code"),
          line: 4,
          column: 53,
          endLine: 4,
          endColumn: 57,
          suggestions: [
            {
              messageId: "suggestGuard",
              data: { code: "code" },
              output: closeHandler(`this.ctx.getWebSockets().forEach((s) => s.close(${guard("code")}));`),
            },
          ],
        },
      ],
    },
    {
      name: "a close listener echoes event.code",
      code: listener("(event) => server.close(event.code, event.reason)"),
      errors: [
        {
          ...echo("event.code"),
          line: 5,
          column: 62,
          endLine: 5,
          endColumn: 72,
          suggestions: [
            {
              messageId: "suggestGuard",
              data: { code: "event.code" },
              output: listener(`(event) => server.close(${guard("event.code")}, event.reason)`),
            },
          ],
        },
      ],
    },
    {
      name: "a close listener with a destructured code, and one kept in a const",
      code: listener("({ code, reason }) => { server.close(code, reason); }"),
      errors: [
        {
          ...echo("code"),
          line: 5,
          column: 75,
          endLine: 5,
          endColumn: 79,
          suggestions: [
            {
              messageId: "suggestGuard",
              data: { code: "code" },
              output: listener(`({ code, reason }) => { server.close(${guard("code")}, reason); }`),
            },
          ],
        },
      ],
    },
    {
      name: "const { code } = event, on a pair end taken by index",
      code: `const pair = new WebSocketPair();\nconst ws = pair[1];\nws.accept();\nws.onclose = (e) => { const { code } = e; ws.close(code); };\n`,
      errors: [
        {
          ...echo("code"),
          line: 4,
          column: 52,
          endLine: 4,
          endColumn: 56,
          suggestions: [
            {
              messageId: "suggestGuard",
              data: { code: "code" },
              output: `const pair = new WebSocketPair();\nconst ws = pair[1];\nws.accept();\nws.onclose = (e) => { const { code } = e; ws.close(${guard("code")}); };\n`,
            },
          ],
        },
      ],
    },
    {
      name: "a guard on something else does not count",
      code: closeHandler("if (wasClean) ws.close(code, reason);"),
      errors: [
        {
          ...echo("code"),
          line: 4,
          column: 28,
          endLine: 4,
          endColumn: 32,
          suggestions: [
            {
              messageId: "suggestGuard",
              data: { code: "code" },
              output: closeHandler(`if (wasClean) ws.close(${guard("code")}, reason);`),
            },
          ],
        },
      ],
    },
    {
      name: "literal codes close() rejects, on each kind of WebSocket",
      code: `${DO}export class Room extends DurableObject {
  webSocketMessage(ws: WebSocket) { ws.close(1005); }
  webSocketError(ws: WebSocket) { ws.close(1006, "gone"); }
  m(socket: WebSocket) { socket.close(999); socket.close(5000); socket.close(1015); socket.close(1004); socket.close(null, "x"); }
}
const { 0: client, 1: server } = new WebSocketPair();
server.close(1000.5);
client.close(1005.5);
new WebSocket("wss://example.com").close(0);
`,
      errors: [
        { ...invalid("1005", "1005"), line: 3, column: 46, endLine: 3, endColumn: 50 },
        { ...invalid("1006", "1006"), line: 4, column: 44, endLine: 4, endColumn: 48 },
        { ...invalid("999", "999"), line: 5, column: 39, endLine: 5, endColumn: 42 },
        { ...invalid("5000", "5000"), line: 5, column: 58, endLine: 5, endColumn: 62 },
        { ...invalid("1015", "1015"), line: 5, column: 78, endLine: 5, endColumn: 82 },
        { ...invalid("1004", "1004"), line: 5, column: 98, endLine: 5, endColumn: 102 },
        { ...invalid("null", "0"), line: 5, column: 118, endLine: 5, endColumn: 122 },
        { ...invalid("1005.5", "1005"), line: 9, column: 14, endLine: 9, endColumn: 20 },
        { ...invalid("0", "0"), line: 10, column: 42, endLine: 10, endColumn: 43 },
      ],
    },
    {
      name: "a reason without a code",
      code: closeHandler("ws.close(undefined, 'bye'); ws.close(void 0, reason);"),
      errors: [
        {
          ...reasonWithoutCode,
          line: 4,
          column: 14,
          endLine: 4,
          endColumn: 23,
          suggestions: [{ messageId: "suggestCode", output: closeHandler("ws.close(1000, 'bye'); ws.close(void 0, reason);") }],
        },
        {
          ...reasonWithoutCode,
          line: 4,
          column: 42,
          endLine: 4,
          endColumn: 48,
          suggestions: [{ messageId: "suggestCode", output: closeHandler("ws.close(undefined, 'bye'); ws.close(1000, reason);") }],
        },
      ],
    },
    {
      name: "a reason of 124 bytes with no compatibility date known: cut to 123",
      code: closeHandler(`ws.close(1000, "${x124}");`),
      errors: [
        {
          messageId: "longReasonFromDate",
          data: { bytes: "124" },
          line: 4,
          column: 20,
          endLine: 4,
          endColumn: 146,
          suggestions: [{ messageId: "suggestShorten", output: closeHandler(`ws.close(1000, "${x123}");`) }],
        },
      ],
    },
    {
      name: "62 two-byte characters are 124 bytes: at 2026-07-01 it throws; cut between characters",
      code: closeHandler(`ws.close(4000, \`${e62}\`);`),
      options: [{ compatibilityDate: "2026-07-01" }],
      errors: [
        {
          messageId: "longReason",
          data: { bytes: "124" },
          line: 4,
          column: 20,
          endLine: 4,
          endColumn: 84,
          suggestions: [{ messageId: "suggestShorten", output: closeHandler(`ws.close(4000, \`${e61}\`);`) }],
        },
      ],
    },
    {
      name: "the limit's flag at an older date, and a reason held by a const: reported, no suggestion",
      code: closeHandler(`const why = "${x124}";\n    ws.close(1000, why);`),
      options: [{ compatibilityDate: "2025-06-01", compatibilityFlags: ["websocket_close_reason_byte_limit"] }],
      errors: [{ messageId: "longReason", data: { bytes: "124" }, line: 5, column: 20, endLine: 5, endColumn: 23, suggestions: [] }],
    },
    {
      name: "an invalid code and a long reason: the code throws first",
      code: closeHandler(`ws.close(1006, "${x124}");`),
      options: [{ compatibilityDate: "2026-07-01" }],
      errors: [{ ...invalid("1006", "1006"), line: 4, column: 14, endLine: 4, endColumn: 18 }],
    },
    {
      name: "a malformed wrangler config is ignored, and the message names it",
      code: closeHandler(`ws.close(1000, "${x124}");`),
      filename: inFixture("wrangler-broken"),
      errors: [
        {
          messageId: "longReasonIgnoredConfig",
          data: { bytes: "124", file: "`../wrangler.toml`" },
          line: 4,
          column: 20,
          endLine: 4,
          endColumn: 146,
          suggestions: [{ messageId: "suggestShorten", output: closeHandler(`ws.close(1000, "${x123}");`) }],
        },
      ],
    },
  ],
});

it("says what goes wrong and what to do, in these words", () => {
  const messages = lintWith(
    "valid-websocket-close",
    rule,
    closeHandler("ws.close(code, reason);\n    ws.close(1005);\n    ws.close(undefined, 'bye');"),
  ).map((m) => m.message);
  expect(messages).toEqual([
    "`code` is the peer's close code: 1005 if it sent none, 1006 if it went away, and `close()` throws `Invalid WebSocket close code` for both. Pass only codes it takes.",
    "`close(1005)` throws `Invalid WebSocket close code: 1005.`: it takes 1000–1003, 1007–1014 and 1016–4999. Use 1000, or a code of your own in 4000–4999.",
    "`close()` with a reason and no code throws `If you specify a WebSocket close reason, you must also specify a code.` Pass a code first, such as 1000.",
  ]);
});
