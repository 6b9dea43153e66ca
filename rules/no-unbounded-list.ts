import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/create-rule.js";
import { mergeListeners } from "../src/analysis/listeners.js";
import { keyName, unwrap } from "../src/analysis/ast.js";
import { getModel } from "../src/analysis/storage.js";

const LIST_METHOD: ReadonlySet<string> = new Set(["list"]);

/** Options that narrow which keys `list()` returns without bounding how many. */
const RANGE_OPTIONS = new Set(["prefix", "start", "startAfter", "end"]);

/**
 * What the options argument of a `list()` call says about `limit`:
 * "none" — no argument; "noLimit" — an object literal that provably has no `limit`
 * (with whether it narrows the range); undefined — unknown (a variable, a spread, a computed key…).
 */
function listBound(call: TSESTree.CallExpression): { kind: "none" } | { kind: "noLimit"; ranged: boolean } | undefined {
  if (call.arguments.length === 0) return { kind: "none" };
  const arg = call.arguments[0];
  if (arg.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const options = unwrap(arg);
  if (options.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  let ranged = false;
  for (const prop of options.properties) {
    if (prop.type !== AST_NODE_TYPES.Property) return undefined; // `...rest` may hold a limit
    const name = keyName(prop.key, prop.computed);
    if (name === undefined || name === "limit") return undefined;
    if (RANGE_OPTIONS.has(name)) ranged = true;
  }
  return { kind: "noLimit", ranged };
}

export default createRule<[], "unbounded" | "rangeOnly">({
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
        "`list()` without a `limit` returns every key in storage, with its value, in one Map: on workerd it returned all 20,000 keys of a 20,000-key object, and Cloudflare's docs say all of it is loaded into the object's memory (128 MB limit). " +
        "As the data grows, this call gets slower and can run the object out of memory. Pass `limit` and read page by page, with `startAfter` set to the last key of the previous page.",
      rangeOnly:
        "`list()` without a `limit` returns every key in the range, with its value, in one Map: `prefix`, `start` and `end` narrow which keys come back, not how many. On workerd it returned all 20,000 keys of a 20,000-key object, and Cloudflare's docs say all of it is loaded into the object's memory (128 MB limit). " +
        "As the range fills up, this call gets slower and can run the object out of memory. Pass `limit` and read page by page, with `startAfter` set to the last key of the previous page.",
    },
  },
  create(context) {
    const model = getModel(context);
    if (!model.hasRegions) return {};
    const calls = model.calls(["list"]);
    return mergeListeners(calls.listeners, {
      "Program:exit"() {
        for (const node of calls.of("list")) {
          const call = model.handleCall(node, LIST_METHOD);
          if (!call || call.method !== "list" || (call.kind !== "storage" && call.kind !== "txn")) continue;
          const bound = listBound(node);
          if (bound) context.report({ node, messageId: bound.kind === "noLimit" && bound.ranged ? "rangeOnly" : "unbounded" });
        }
      },
    });
  },
});
