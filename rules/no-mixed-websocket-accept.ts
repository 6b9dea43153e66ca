import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import { type Node, enclosingFunction, isFunction, methodCall } from "../src/analysis/ast.js";
import { type PairEnd, pairEnd } from "../src/analysis/websocket.js";

type MessageIds = "acceptAfterHibernation" | "hibernationAfterAccept" | "listenerNeverRuns";

/** What a socket is given: `ctx.acceptWebSocket(ws)`, `ws.accept()`, `ws.addEventListener(…)`. */
type Use = "hibernate" | "accept" | "listen";

interface Seen {
  call: TSESTree.CallExpression;
  use: Use;
}

export default createRule<[], MessageIds>({
  name: "no-mixed-websocket-accept",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `accept()` or `addEventListener()` on a WebSocket that is also passed to `ctx.acceptWebSocket()`",
      recommended: "error",
    },
    schema: [],
    messages: {
      acceptAfterHibernation:
        "`{{socket}}` was passed to `acceptWebSocket()`: `accept()` now throws `Can't accept() WebSocket after enabling hibernation.` Use only one of the two.",
      hibernationAfterAccept:
        "`{{socket}}` was accepted with `accept()`: `acceptWebSocket()` now throws `Cannot call acceptWebSocket() if the WebSocket was already accepted`. Use only one.",
      listenerNeverRuns:
        "`{{socket}}` is passed to `acceptWebSocket()`: this listener never runs, its events go to `webSocketMessage()`, `webSocketClose()`, `webSocketError()`. Handle them there.",
    },
  },
  defaultOptions: [],
  // Only a socket of `new WebSocketPair()` passed to `acceptWebSocket` is reported; that state is a handle, so a region.
  mentions: ["acceptWebSocket", "WebSocketPair"],
  create(context, model) {
    const { sourceCode } = context;
    const uses = new Map<PairEnd, Seen[]>();
    const see = (socket: Node, call: TSESTree.CallExpression, use: Use): void => {
      const end = pairEnd(socket, sourceCode);
      if (end === undefined) return;
      const list = uses.get(end);
      if (list) list.push({ call, use });
      else uses.set(end, [{ call, use }]);
    };
    return {
      CallExpression(node) {
        const mc = methodCall(node);
        if (!mc) return;
        if (mc.method === "acceptWebSocket") {
          const socket = node.arguments[0];
          if (socket && socket.type !== AST_NODE_TYPES.SpreadElement && model.kindOf(mc.receiver) === "state")
            see(socket, node, "hibernate");
        } else if (mc.method === "accept" && node.arguments.length === 0) {
          see(mc.receiver, node, "accept");
        } else if (mc.method === "addEventListener") {
          see(mc.receiver, node, "listen");
        }
      },
      "Program:exit"() {
        for (const seen of uses.values()) {
          const hibernations = seen.filter((s) => s.use === "hibernate");
          if (hibernations.length === 0) continue;
          for (const other of seen) {
            if (other.use === "hibernate") continue;
            const h = hibernations.find((x) => bothRun(x.call, other.call));
            if (!h) continue;
            const socket = sourceCode.getText(h.call.arguments[0]);
            if (other.use === "listen") {
              context.report({ node: other.call, messageId: "listenerNeverRuns", data: { socket } });
            } else if (other.call.range[0] > h.call.range[0]) {
              context.report({ node: other.call, messageId: "acceptAfterHibernation", data: { socket } });
            } else {
              context.report({ node: h.call, messageId: "hibernationAfterAccept", data: { socket } });
            }
          }
        }
      },
    };
  },
});

/**
 * Whether `a` and `b` both run when their function runs: they are in the same function, and neither
 * sits in a branch the other is not in (an `if`/`else`, `?:`, the right of `&&`/`||`/`??`, a `switch`
 * case, a `catch`, a nested function) below the node that holds them both.
 */
function bothRun(a: Node, b: Node): boolean {
  if (enclosingFunction(a) !== enclosingFunction(b)) return false;
  const ancestors = new Set<Node>();
  for (let n: Node | undefined = a; n; n = n.parent) ancestors.add(n);
  let common: Node | undefined = b;
  while (common && !ancestors.has(common)) common = common.parent;
  if (!common) return false;
  return !branchesBelow(a, common) && !branchesBelow(b, common);
}

/** Whether `node` runs only on some runs of `top`, its ancestor: it sits in a branch at or below `top`. */
function branchesBelow(node: Node, top: Node): boolean {
  if (node === top) return false;
  let child = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (isFunction(p)) return true;
    switch (p.type) {
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
        if (p.test !== child) return true;
        break;
      case AST_NODE_TYPES.LogicalExpression:
        if (p.right === child) return true;
        break;
      case AST_NODE_TYPES.SwitchCase:
      case AST_NODE_TYPES.CatchClause:
        return true;
      default:
        break;
    }
    if (p === top) break;
  }
  return false;
}
