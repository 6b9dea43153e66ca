import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { createRule } from "../src/rule-kit.js";
import { type FunctionNode, type Node, isFunction, memberName, methodCall, unwrap, walk } from "../src/analysis/ast.js";
import { isNullishValue, isReassigned, unchangedInit } from "../src/analysis/scope.js";
import type { DurableObjectModel } from "../src/analysis/storage.js";
import { COMPATIBILITY_OPTIONS_SCHEMA, type ChangeState, type CompatibilityOptions, changeState } from "../src/analysis/compat.js";
import { utf8Length } from "../src/analysis/sql.js";
import { CLOSE_REASON_LIMIT, MAX_CLOSE_REASON_BYTES, handlerName, isSendableCloseCode, isWebSocket } from "../src/analysis/websocket.js";

type MessageIds =
  | "echo"
  | "invalidCode"
  | "reasonWithoutCode"
  | "longReason"
  | "longReasonFromDate"
  | "longReasonIgnoredConfig"
  | "suggestGuard"
  | "suggestCode"
  | "suggestShorten";

type Options = [CompatibilityOptions];

/** How many `const x = y` steps the received code is followed through. */
const MAX_STEPS = 8;

/** The peer's close code where `close()` is called with it: the variables that hold it, for the guard check. */
interface Received {
  /** Variables holding the code (`code`, `const c = event.code`, `{ code }`). */
  codeVars: Set<TSESLint.Scope.Variable>;
  /** Close events whose `.code` is the code. */
  eventVars: Set<TSESLint.Scope.Variable>;
  /** The handler or listener the code was received by. */
  handler: FunctionNode;
}

export default createRule<Options, MessageIds>({
  name: "valid-websocket-close",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `ws.close()` arguments that workerd rejects, such as echoing the peer's close code 1005 or 1006",
      recommended: "error",
    },
    hasSuggestions: true,
    defaultOptions: [{}],
    schema: [COMPATIBILITY_OPTIONS_SCHEMA],
    messages: {
      echo: "`{{code}}` is the peer's close code: 1005 if it sent none, 1006 if it went away, and `close()` throws `Invalid WebSocket close code` for both. Pass only codes it takes.",
      invalidCode:
        "`close({{code}})` throws `Invalid WebSocket close code: {{thrown}}.`: it takes 1000–1003, 1007–1014 and 1016–4999. Use 1000, or a code of your own in 4000–4999.",
      reasonWithoutCode:
        "`close()` with a reason and no code throws `If you specify a WebSocket close reason, you must also specify a code.` Pass a code first, such as 1000.",
      longReason:
        "This reason is {{bytes}} bytes of UTF-8 and `close()` takes 123: it throws `WebSocket close reason must not be longer than 123 bytes`. Shorten it.",
      longReasonFromDate:
        "This reason is {{bytes}} bytes of UTF-8 and `close()` takes 123: from compatibility date 2026-03-03 it throws a `SyntaxError`. Shorten it.",
      longReasonIgnoredConfig:
        "This reason is {{bytes}} bytes of UTF-8 and `close()` takes 123: from compatibility date 2026-03-03 it throws ({{file}} is malformed and was ignored). Shorten it.",
      suggestGuard: "Pass `{{code}}` only when `close()` accepts it, 1000 otherwise",
      suggestCode: "Close with code 1000",
      suggestShorten: "Cut the reason to its first 123 bytes",
    },
  },
  // A WebSocket is named in the file (`WebSocketPair`, `acceptWebSocket`, the type), or a handler receives one.
  mentions: ["close", ["WebSocket", "webSocket"]],
  // A socket of a Worker's `fetch` is closed outside any Durable Object too.
  outsideRegions: true,
  create(context, model, [options]) {
    const { sourceCode } = context;
    /** Whether the reason limit applies to this file (read from the options and wrangler config when first needed). */
    let limit: ChangeState | undefined;
    const checkReason = (reasonArg: TSESTree.Expression | undefined): void => {
      const reason = reasonArg && staticReason(reasonArg, sourceCode);
      if (!reasonArg || reason === undefined) return;
      const bytes = utf8Length(reason.text);
      if (bytes <= MAX_CLOSE_REASON_BYTES) return;
      limit ??= changeState(context.filename, options, CLOSE_REASON_LIMIT);
      if (limit.on === false) return;
      const literal = reason.literal;
      const ignored = limit.on === undefined && limit.why === "ignoredConfig" ? limit.file : undefined;
      context.report({
        node: reasonArg,
        messageId: limit.on ? "longReason" : ignored ? "longReasonIgnoredConfig" : "longReasonFromDate",
        data: ignored ? { bytes: String(bytes), file: ignored } : { bytes: String(bytes) },
        suggest: literal
          ? [
              {
                messageId: "suggestShorten",
                fix: (fixer) => fixer.replaceTextRange(literal, utf8Prefix(reason.text, MAX_CLOSE_REASON_BYTES)),
              },
            ]
          : [],
      });
    };
    return {
      CallExpression(node) {
        const mc = methodCall(node);
        if (mc?.method !== "close" || node.arguments.length === 0) return;
        const [codeArg, reasonArg] = node.arguments;
        if (codeArg.type === AST_NODE_TYPES.SpreadElement || reasonArg?.type === AST_NODE_TYPES.SpreadElement) return;
        if (!isWebSocket(mc.receiver, sourceCode, model)) return;
        const code = unwrap(codeArg);
        if (code.type === AST_NODE_TYPES.Literal && (typeof code.value === "number" || code.value === null)) {
          const thrown = code.value === null ? 0 : Math.trunc(code.value);
          if (code.value === null || !isSendableCloseCode(thrown)) {
            context.report({
              node: codeArg,
              messageId: "invalidCode",
              data: { code: sourceCode.getText(codeArg), thrown: String(thrown) },
            });
          } else {
            checkReason(reasonArg);
          }
          return;
        }
        if (isNullishValue(code, sourceCode)) {
          if (reasonArg) {
            context.report({
              node: codeArg,
              messageId: "reasonWithoutCode",
              suggest: [{ messageId: "suggestCode", fix: (fixer) => fixer.replaceText(codeArg, "1000") }],
            });
          }
          return;
        }
        checkReason(reasonArg);
        const received = receivedCode(code, sourceCode, model, MAX_STEPS);
        if (!received || guarded(node, received, sourceCode)) return;
        const text = sourceCode.getText(codeArg);
        const guard = `${text} >= 1000 && ${text} < 5000 && ![1004, 1005, 1006, 1015].includes(${text}) ? ${text} : 1000`;
        context.report({
          node: codeArg,
          messageId: "echo",
          data: { code: text },
          suggest: [{ messageId: "suggestGuard", data: { code: text }, fix: (fixer) => fixer.replaceText(codeArg, guard) }],
        });
      },
    };
  },
});

/**
 * Whether `expr` is the close code a peer sent: the `code` parameter of a Durable Object's
 * `webSocketClose(ws, code, …)`, or `event.code` (or a destructured `code`) of a `close` listener on
 * a WebSocket; through `const` bindings never assigned again.
 */
function receivedCode(
  expr: Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
  model: DurableObjectModel,
  steps: number,
): Received | undefined {
  const e = unwrap(expr);
  if (e.type === AST_NODE_TYPES.MemberExpression) {
    if (memberName(e) !== "code") return undefined;
    const obj = unwrap(e.object);
    const event = obj.type === AST_NODE_TYPES.Identifier ? variableOf(obj, sourceCode) : undefined;
    const def = event?.defs[0];
    if (!event || def?.type !== "Parameter" || !isFunction(def.node) || def.node.params[0] !== def.name) return undefined;
    return isCloseListener(def.node, sourceCode, model)
      ? { codeVars: new Set(), eventVars: new Set([event]), handler: def.node }
      : undefined;
  }
  if (e.type !== AST_NODE_TYPES.Identifier || steps === 0) return undefined;
  const variable = variableOf(e, sourceCode);
  const def = variable?.defs[0];
  if (!variable || !def) return undefined;
  const name = def.name as TSESTree.Identifier;
  if (def.type === "Parameter" && isFunction(def.node)) {
    const fn = def.node;
    // webSocketClose(ws, code, reason, wasClean)
    if (fn.params[1] === name && handlerName(fn, model) === "webSocketClose") {
      return { codeVars: new Set([variable]), eventVars: new Set(), handler: fn };
    }
    // addEventListener("close", ({ code, reason }) => …)
    if (isCodeProperty(name) && name.parent.parent === fn.params[0] && isCloseListener(fn, sourceCode, model)) {
      return { codeVars: new Set([variable]), eventVars: new Set(), handler: fn };
    }
    return undefined;
  }
  if (def.type !== "Variable" || def.parent.kind === "var" || !def.node.init) return undefined;
  // const c = code; const c = event.code;
  let found: Received | undefined;
  if (def.node.id === name) found = receivedCode(def.node.init, sourceCode, model, steps - 1);
  // const { code } = event;
  else if (isCodeProperty(name) && name.parent.parent === def.node.id) {
    const init = unwrap(def.node.init);
    if (init.type !== AST_NODE_TYPES.Identifier) return undefined;
    const event = variableOf(init, sourceCode);
    const eventDef = event?.defs[0];
    if (!event || eventDef?.type !== "Parameter" || !isFunction(eventDef.node) || eventDef.node.params[0] !== eventDef.name)
      return undefined;
    if (!isCloseListener(eventDef.node, sourceCode, model)) return undefined;
    found = { codeVars: new Set(), eventVars: new Set([event]), handler: eventDef.node };
  }
  found?.codeVars.add(variable);
  return found;
}

/** Whether `name` is the value of the `code` property of an object pattern (`{ code }`, `{ code: c }`). */
function isCodeProperty(name: TSESTree.Identifier): boolean {
  const prop = name.parent;
  return (
    prop?.type === AST_NODE_TYPES.Property &&
    prop.value === name &&
    prop.parent.type === AST_NODE_TYPES.ObjectPattern &&
    !prop.computed &&
    prop.key.type === AST_NODE_TYPES.Identifier &&
    prop.key.name === "code"
  );
}

/** `ws.addEventListener("close", fn)` or `ws.onclose = fn`, on a WebSocket. */
function isCloseListener(fn: FunctionNode, sourceCode: Readonly<TSESLint.SourceCode>, model: DurableObjectModel): boolean {
  const p = fn.parent;
  if (p?.type === AST_NODE_TYPES.CallExpression && p.arguments[1] === fn) {
    const mc = methodCall(p);
    const type = p.arguments[0];
    return (
      mc?.method === "addEventListener" &&
      type.type === AST_NODE_TYPES.Literal &&
      type.value === "close" &&
      isWebSocket(mc.receiver, sourceCode, model)
    );
  }
  if (p?.type === AST_NODE_TYPES.AssignmentExpression && p.right === fn && p.operator === "=") {
    const left = p.left;
    return left.type === AST_NODE_TYPES.MemberExpression && memberName(left) === "onclose" && isWebSocket(left.object, sourceCode, model);
  }
  return false;
}

/** The variable `id` refers to, declared once and never assigned again. */
function variableOf(id: TSESTree.Identifier, sourceCode: Readonly<TSESLint.SourceCode>): TSESLint.Scope.Variable | undefined {
  const variable = findVariable(sourceCode.getScope(id), id.name);
  return variable && variable.defs.length === 1 && !isReassigned(variable) ? variable : undefined;
}

/**
 * Whether the `close()` call runs only after a test of the code, between it and the handler: an
 * `if`, `?:`, `&&`/`||`/`??` or `switch` around it whose test reads the code, an `if` that reads it
 * earlier in an enclosing block (`if (code === 1005) return;`), or a `try` with a `catch` around it.
 */
function guarded(call: TSESTree.CallExpression, received: Received, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const readsCode = (test: Node | null | undefined): boolean => {
    if (!test) return false;
    let found = false;
    walk(test, sourceCode.visitorKeys, (n) => {
      if (found) return false;
      if (n.type !== AST_NODE_TYPES.Identifier) return true;
      const v = findVariable(sourceCode.getScope(n), n.name);
      if (v && received.codeVars.has(v)) found = true;
      else if (v && received.eventVars.has(v)) {
        const m = n.parent;
        found = m?.type === AST_NODE_TYPES.MemberExpression && m.object === n && memberName(m) === "code";
      }
      return true;
    });
    return found;
  };
  let child: Node = call;
  for (let p: Node | undefined = call.parent; p && child !== received.handler; child = p, p = p.parent) {
    switch (p.type) {
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
        if (p.test !== child && readsCode(p.test)) return true;
        break;
      case AST_NODE_TYPES.LogicalExpression:
        if (p.right === child && readsCode(p.left)) return true;
        break;
      case AST_NODE_TYPES.SwitchCase:
        if (readsCode(p.test) || readsCode((p.parent as TSESTree.SwitchStatement).discriminant)) return true;
        break;
      case AST_NODE_TYPES.TryStatement:
        if (p.block === child && p.handler) return true;
        break;
      case AST_NODE_TYPES.BlockStatement:
      case AST_NODE_TYPES.Program:
        for (const stmt of p.body) {
          if (stmt === child) break;
          if (stmt.type === AST_NODE_TYPES.IfStatement && readsCode(stmt.test)) return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

/**
 * The text of a reason known before run time: a string literal or a template literal without
 * `${…}`, directly or through a `const`. `literal` is the source range inside the quotes when the
 * literal is written directly in the call and holds no escapes (what a fix may rewrite).
 */
function staticReason(
  node: Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
  steps = MAX_STEPS,
): { text: string; literal: [number, number] | undefined } | undefined {
  const e = unwrap(node);
  const direct = e === node;
  if (e.type === AST_NODE_TYPES.Literal && typeof e.value === "string") {
    return { text: e.value, literal: direct && e.raw.slice(1, -1) === e.value ? [e.range[0] + 1, e.range[1] - 1] : undefined };
  }
  if (e.type === AST_NODE_TYPES.TemplateLiteral && e.expressions.length === 0) {
    const q = e.quasis[0];
    if (typeof q.value.cooked !== "string") return undefined;
    return { text: q.value.cooked, literal: direct && q.value.raw === q.value.cooked ? [e.range[0] + 1, e.range[1] - 1] : undefined };
  }
  if (e.type === AST_NODE_TYPES.Identifier && steps > 0) {
    const init = unchangedInit(e, sourceCode);
    const inner = init ? staticReason(init, sourceCode, steps - 1) : undefined;
    return inner && { text: inner.text, literal: undefined };
  }
  return undefined;
}

/** The longest start of `text` of at most `max` bytes of UTF-8, cut between code points. */
function utf8Prefix(text: string, max: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > max) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}
