/**
 * Which expressions are a WebSocket, known by where the value comes from (never by its name), and
 * what workerd's `close()` accepts (measured: tests/runtime/websocket-facts.test.ts).
 *
 * A WebSocket is: an end of a `new WebSocketPair()` (`Object.values(pair)` destructured, `pair[0]`,
 * `pair[1]`, `{ 0: client, 1: server } = pair`), `new WebSocket(url)`, the first parameter of a
 * Durable Object's `webSocketMessage` / `webSocketClose` / `webSocketError`, an element of
 * `ctx.getWebSockets()` (`for…of`, `forEach`), or a value declared with the type `WebSocket`;
 * through `const` bindings that are never assigned again.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type FunctionNode, type Node, classMemberOf, isFunction, memberName, methodCall, typeAnnotationName, unwrap } from "./ast.js";
import { isGlobal, isReassigned, unchangedInit } from "./scope.js";
import type { RuntimeChange } from "./compat.js";
import type { DurableObjectModel } from "./storage.js";

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Codes `ws.close(code)` accepts, at every compatibility date: 1000–1003, 1007–1014, 1016–4999. */
export function isSendableCloseCode(code: number): boolean {
  const c = Math.trunc(code);
  return c >= 1000 && c < 5000 && c !== 1004 && c !== 1005 && c !== 1006 && c !== 1015;
}

/** The most bytes of UTF-8 a close reason may have (the close frame's payload is at most 125 bytes, 2 of them the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * From compatibility date 2026-03-03 (or with its flag), `close(code, reason)` throws `SyntaxError:
 * WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.`; before, it sends
 * the reason (measured: tests/runtime/websocket-facts.test.ts, flags in the same file).
 */
export const CLOSE_REASON_LIMIT: RuntimeChange = {
  since: "2026-03-03",
  enable: "websocket_close_reason_byte_limit",
  disable: "no_websocket_close_reason_byte_limit",
};

/** The Durable Object handlers whose first parameter is the WebSocket the event is for. */
const HANDLERS: ReadonlySet<string> = new Set(["webSocketMessage", "webSocketClose", "webSocketError"]);

/** How many `const x = y` steps a value is followed through. */
const MAX_STEPS = 8;

/**
 * A WebSocket's identity, for "the same socket": the `new WebSocketPair()` it is an end of and which
 * end, as text (`<offset of the new>:<0|1>`); undefined for any other WebSocket.
 */
export type PairEnd = string;

/** The end of a `new WebSocketPair()` that `expr` is, or undefined. */
export function pairEnd(expr: Node, sourceCode: SourceCode): PairEnd | undefined {
  return follow(expr, sourceCode, MAX_STEPS)?.end;
}

/** Whether `expr` is provably a WebSocket (see the module comment). */
export function isWebSocket(expr: Node, sourceCode: SourceCode, model: DurableObjectModel): boolean {
  const found = follow(expr, sourceCode, MAX_STEPS, model);
  return found !== undefined;
}

interface Found {
  /** Set for an end of a `new WebSocketPair()`. */
  end?: PairEnd;
}

/** `new WebSocketPair()` (the global), through `const pair = …`. */
function pairAt(expr: Node, sourceCode: SourceCode, steps: number): TSESTree.NewExpression | undefined {
  const e = unwrap(expr);
  if (e.type === AST_NODE_TYPES.NewExpression) {
    return e.callee.type === AST_NODE_TYPES.Identifier && e.callee.name === "WebSocketPair" && isGlobal(e.callee, sourceCode)
      ? e
      : undefined;
  }
  if (e.type === AST_NODE_TYPES.Identifier && steps > 0) {
    const init = unchangedInit(e, sourceCode);
    return init ? pairAt(init, sourceCode, steps - 1) : undefined;
  }
  return undefined;
}

/** `Object.values(<pair>)`: the pair. */
function valuesOfPair(expr: Node, sourceCode: SourceCode, steps: number): TSESTree.NewExpression | undefined {
  const e = unwrap(expr);
  if (e.type !== AST_NODE_TYPES.CallExpression || e.arguments.length !== 1) return undefined;
  const mc = methodCall(e);
  if (mc?.method !== "values" || unwrap(mc.receiver).type !== AST_NODE_TYPES.Identifier) return undefined;
  const obj = unwrap(mc.receiver) as TSESTree.Identifier;
  if (obj.name !== "Object" || !isGlobal(obj, sourceCode)) return undefined;
  return pairAt(e.arguments[0], sourceCode, steps);
}

const endOf = (pair: TSESTree.NewExpression, index: number): Found => ({ end: `${pair.range[0]}:${index}` });

function follow(expr: Node, sourceCode: SourceCode, steps: number, model?: DurableObjectModel): Found | undefined {
  const e = unwrap(expr);
  switch (e.type) {
    case AST_NODE_TYPES.NewExpression:
      return model && e.callee.type === AST_NODE_TYPES.Identifier && e.callee.name === "WebSocket" && isGlobal(e.callee, sourceCode)
        ? {}
        : undefined;
    case AST_NODE_TYPES.MemberExpression: {
      // pair[0], pair[1], Object.values(pair)[1]
      const name = e.computed && e.property.type === AST_NODE_TYPES.Literal ? String(e.property.value) : memberName(e);
      if (name !== "0" && name !== "1") return undefined;
      const pair = pairAt(e.object, sourceCode, steps) ?? valuesOfPair(e.object, sourceCode, steps);
      return pair ? endOf(pair, Number(name)) : undefined;
    }
    case AST_NODE_TYPES.Identifier:
      return steps > 0 ? followIdentifier(e, sourceCode, steps - 1, model) : undefined;
    default:
      return undefined;
  }
}

function followIdentifier(id: TSESTree.Identifier, sourceCode: SourceCode, steps: number, model?: DurableObjectModel): Found | undefined {
  const variable = findVariable(sourceCode.getScope(id), id.name);
  if (!variable || variable.defs.length !== 1 || isReassigned(variable)) return undefined;
  const def = variable.defs[0];
  const name = def.name as TSESTree.Identifier;
  if (model && typeAnnotationName(name.typeAnnotation?.typeAnnotation) === "WebSocket") return {};
  if (def.type === "Parameter") return model && isHandlerSocket(def.node, name, model) ? {} : undefined;
  if (def.type !== "Variable" || def.parent.kind === "var") return undefined;
  const decl = def.node;
  // for (const ws of ctx.getWebSockets()) …
  if (model && decl.parent.parent.type === AST_NODE_TYPES.ForOfStatement && decl.parent.parent.left === decl.parent) {
    return decl.id === name && isGetWebSockets(decl.parent.parent.right, model) ? {} : undefined;
  }
  if (!decl.init) return undefined;
  if (decl.id === name) return follow(decl.init, sourceCode, steps, model);
  // const [client, server] = Object.values(new WebSocketPair());
  if (decl.id.type === AST_NODE_TYPES.ArrayPattern) {
    const index = decl.id.elements.indexOf(name);
    const pair = valuesOfPair(decl.init, sourceCode, steps);
    return pair && (index === 0 || index === 1) ? endOf(pair, index) : undefined;
  }
  // const { 0: client, 1: server } = new WebSocketPair();
  if (decl.id.type === AST_NODE_TYPES.ObjectPattern) {
    const prop = decl.id.properties.find((p) => p.type === AST_NODE_TYPES.Property && p.value === name) as TSESTree.Property | undefined;
    const key = prop && (prop.key.type === AST_NODE_TYPES.Literal ? String(prop.key.value) : undefined);
    const pair = pairAt(decl.init, sourceCode, steps);
    return pair && (key === "0" || key === "1") ? endOf(pair, Number(key)) : undefined;
  }
  return undefined;
}

/** `ws` in `webSocketClose(ws, …)` of a Durable Object class, or in `ctx.getWebSockets().forEach((ws) => …)`. */
function isHandlerSocket(fn: Node, param: TSESTree.Identifier, model: DurableObjectModel): boolean {
  if (!isFunction(fn) || fn.params[0] !== param) return false;
  if (handlerName(fn, model) !== undefined) return true;
  const call = fn.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn) return false;
  const mc = methodCall(call);
  return mc?.method === "forEach" && isGetWebSockets(mc.receiver, model);
}

/** `ctx.getWebSockets(…)` on the object's state. */
function isGetWebSockets(expr: Node, model: DurableObjectModel): boolean {
  const e = unwrap(expr);
  if (e.type !== AST_NODE_TYPES.CallExpression) return false;
  const mc = methodCall(e);
  return mc?.method === "getWebSockets" && model.kindOf(mc.receiver) === "state";
}

/** The name of the Durable Object handler `fn` is (`webSocketClose`, …), if it is one. */
export function handlerName(fn: FunctionNode, model: DurableObjectModel): string | undefined {
  const member = classMemberOf(fn);
  if (!member || member.isStatic || member.name === undefined || !HANDLERS.has(member.name)) return undefined;
  return model.classOf(member.cls).isDurableObject ? member.name : undefined;
}
