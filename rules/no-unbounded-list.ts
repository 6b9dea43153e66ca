import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import { isFunction, keyName, unwrap } from "../src/analysis/ast.js";
import { describeExpression } from "../src/analysis/gate.js";
import { type GrowingWrite, closedKeySet, growingWrite } from "../src/analysis/key-space.js";

const LIST_METHOD: ReadonlySet<string> = new Set(["list"]);

/** Options that narrow which keys `list()` returns without bounding how many. */
const RANGE_OPTIONS = new Set(["prefix", "start", "startAfter", "end"]);

/**
 * What the options argument of a `list()` call says about `limit`:
 * "none" — no argument; "noLimit" — an object literal that provably has no `limit`
 * (with whether it narrows the range, and its `prefix` when that is a string literal); undefined —
 * unknown (a variable, a spread, a computed key…).
 */
function listBound(
  call: TSESTree.CallExpression,
): { kind: "none"; prefix?: undefined } | { kind: "noLimit"; ranged: boolean; prefix: string | undefined } | undefined {
  if (call.arguments.length === 0) return { kind: "none" };
  const arg = call.arguments[0];
  if (arg.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const options = unwrap(arg);
  if (options.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  let ranged = false;
  let prefix: string | undefined;
  for (const prop of options.properties) {
    if (prop.type !== AST_NODE_TYPES.Property) return undefined; // `...rest` may hold a limit
    const name = keyName(prop.key, prop.computed);
    if (name === undefined || name === "limit") return undefined;
    if (RANGE_OPTIONS.has(name)) ranged = true;
    const value = unwrap(prop.value);
    if (name === "prefix" && value.type === AST_NODE_TYPES.Literal && typeof value.value === "string") prefix = value.value;
  }
  return { kind: "noLimit", ranged, prefix };
}

/** The growing write as the message names it: "the key `` `msg:${id}` ``", "the keys of `entries`", "the key callers pass as `key`". */
function describeWrite(text: string, write: GrowingWrite): string {
  const key = write.key;
  if (!key) return "a key that varies";
  if (key.type === AST_NODE_TYPES.SpreadElement) return `the keys of \`${describeExpression(text, key.argument)}\``;
  if (write.node.arguments[0] === key && write.node.arguments.length === 1) return `the keys of \`${describeExpression(text, key)}\``;
  if (isFunction(key.parent) && (key.parent.params as TSESTree.Node[]).includes(key)) {
    const id = key.type === AST_NODE_TYPES.AssignmentPattern ? key.left : key;
    return `the key callers pass as \`${id.type === AST_NODE_TYPES.Identifier ? id.name : describeExpression(text, id)}\``;
  }
  return `the key \`${describeExpression(text, key)}\``;
}

export default createRule<[], "unbounded" | "rangeGrows" | "rangeOnly">({
  name: "no-unbounded-list",
  meta: {
    type: "suggestion",
    docs: {
      description: "Disallow Durable Object storage `list()` calls without a `limit`",
      recommended: false,
      strict: "warn",
    },
    schema: [],
    messages: {
      unbounded:
        "`list()` without a `limit` loads every entry into memory, and this object keeps adding keys: {{what}}, line {{line}}. Read pages with `limit` and `startAfter`.",
      rangeGrows:
        "`list()` without a `limit` loads its whole range into memory, and this object keeps adding keys to it: {{what}}, line {{line}}. Read pages with `limit` and `startAfter`.",
      rangeOnly:
        "`list()` without a `limit` loads its whole range into memory: a prefix, `start` or `end` bounds which keys, not how many. Page with `limit` and `startAfter`.",
    },
  },
  // Only `list()` calls are reported.
  mentions: ["list"],
  create(context, model) {
    const calls = model.calls(["list"]);
    return {
      "Program:exit"() {
        for (const node of calls.of("list")) {
          const call = model.handleCall(node, LIST_METHOD);
          if (!call || call.method !== "list" || (call.kind !== "storage" && call.kind !== "txn")) continue;
          const bound = listBound(node);
          if (!bound) continue;
          // A whole-storage list is reported where the file shows keys that keep coming; a range (a
          // family of keys by design) unless the file shows the object's keys are a fixed set.
          const ranged = bound.kind === "noLimit" && bound.ranged;
          const write = growingWrite(model, context.sourceCode, node, bound.prefix);
          if (write) {
            const data = { what: describeWrite(context.sourceCode.text, write), line: write.node.loc.start.line };
            context.report({ node, messageId: ranged ? "rangeGrows" : "unbounded", data });
          } else if (ranged && !closedKeySet(model, context.sourceCode, node, bound.prefix)) {
            context.report({ node, messageId: "rangeOnly" });
          }
        }
      },
    };
  },
});
