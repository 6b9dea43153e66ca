/**
 * "Is this Promise used as if it were the value it resolves to?" Follows a Promise-valued expression
 * up to the first place that uses it and says how that place misreads it: a truthiness test, a
 * comparison, a conversion to a number or a string, a property read, iteration, spread or
 * destructuring. Nothing here knows about Durable Objects.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type Node, isConditionOf, isValueWrapper, memberName, outermostValue } from "./ast.js";
import { isGlobal } from "./scope.js";

type SourceCode = Readonly<TSESLint.SourceCode>;

/** How the Promise is misread: each kind is one message of no-unawaited-storage-read. */
export type MisuseKind = "truthy" | "nullish" | "compare" | "nan" | "string" | "property" | "notIterable" | "empty" | "destructure";

export interface PromiseMisuse {
  kind: MisuseKind;
  /** The operator, construct or function that uses the Promise, as shown in a message. */
  operator?: string;
  /** For `property`: the member expression that reads from the Promise. */
  member?: TSESTree.MemberExpression;
  /** For `destructure`: the names the pattern reads. */
  names?: string;
}

/** Members of a Promise: reading them is using the Promise as a Promise. */
const PROMISE_MEMBERS = new Set(["then", "catch", "finally"]);

/** Built-in functions whose first argument is converted or enumerated, not kept as a Promise. */
const CONVERTING_GLOBALS: Readonly<Record<string, MisuseKind>> = {
  String: "string",
  Number: "nan",
  parseInt: "nan",
  parseFloat: "nan",
  Boolean: "truthy",
};
const CONVERTING_STATICS: Readonly<Record<string, Readonly<Record<string, MisuseKind>>>> = {
  JSON: { stringify: "empty" },
  Object: { keys: "empty", values: "empty", entries: "empty", fromEntries: "notIterable" },
  Array: { from: "empty" },
};

/**
 * Follows the Promise's value up from `expr` through wrappers that pass it on unchanged (`as`, `!`,
 * `?.`, a ternary's branch, a logical operator's right side, a sequence's last element) to the first
 * place that uses it. Undefined when that place keeps it as a Promise (`await`, `return`, an
 * argument, a variable, an array element, `void`, `.then()`, …).
 */
export function promiseMisuse(expr: Node, sourceCode: SourceCode): PromiseMisuse | undefined {
  let child: Node = expr;
  for (let p = expr.parent; p; child = p, p = p.parent) {
    if (isValueWrapper(p) || p.type === AST_NODE_TYPES.ChainExpression) continue;
    if (isConditionOf(p, child)) return { kind: "truthy" };
    switch (p.type) {
      case AST_NODE_TYPES.SequenceExpression:
        if (p.expressions[p.expressions.length - 1] === child) continue;
        return undefined;
      case AST_NODE_TYPES.ConditionalExpression:
        continue;
      case AST_NODE_TYPES.LogicalExpression:
        if (p.left === child) return { kind: p.operator === "??" ? "nullish" : "truthy" };
        continue;
      case AST_NODE_TYPES.UnaryExpression:
        if (p.operator === "!") return { kind: "truthy" };
        if (p.operator === "-" || p.operator === "+" || p.operator === "~") return { kind: "nan", operator: `unary \`${p.operator}\`` };
        return undefined; // void, typeof, delete
      case AST_NODE_TYPES.BinaryExpression:
        return binaryMisuse(p, child);
      case AST_NODE_TYPES.SwitchStatement:
        return p.discriminant === child ? { kind: "compare", operator: "`switch`" } : undefined;
      case AST_NODE_TYPES.SwitchCase:
        return p.test === child ? { kind: "compare", operator: "`case`" } : undefined;
      case AST_NODE_TYPES.MemberExpression: {
        if (p.object !== child) return undefined;
        const name = memberName(p);
        return name !== undefined && PROMISE_MEMBERS.has(name) ? undefined : { kind: "property", member: p };
      }
      case AST_NODE_TYPES.TemplateLiteral:
        if (p.parent?.type === AST_NODE_TYPES.TaggedTemplateExpression) return undefined; // the tag gets the Promise
        return { kind: "string", operator: "a template literal" };
      case AST_NODE_TYPES.SpreadElement:
        return p.parent?.type === AST_NODE_TYPES.ObjectExpression
          ? { kind: "empty", operator: "object spread" }
          : { kind: "notIterable", operator: "spread `...`" };
      case AST_NODE_TYPES.CallExpression:
        return p.arguments[0] === child ? convertingCall(p, sourceCode) : undefined;
      case AST_NODE_TYPES.ForOfStatement:
        if (p.right !== child) return undefined;
        return { kind: "notIterable", operator: p.await ? "`for await…of`" : "`for…of`" };
      case AST_NODE_TYPES.ForInStatement:
        return p.right === child ? { kind: "empty", operator: "`for…in`" } : undefined;
      case AST_NODE_TYPES.VariableDeclarator:
        return p.init === child ? patternMisuse(p.id, sourceCode) : undefined;
      case AST_NODE_TYPES.AssignmentExpression:
        if (p.right !== child) return undefined;
        if (p.operator === "=") return patternMisuse(p.left, sourceCode);
        if (p.operator === "+=") return { kind: "string", operator: "`+=`" };
        if (p.operator === "||=" || p.operator === "&&=" || p.operator === "??=") return undefined;
        return { kind: "nan", operator: `\`${p.operator}\`` };
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * A Promise kept in a `const` and never used as a Promise: `const alarm = storage.getAlarm();
 * if (alarm === null) …`. Every reference of the constant misreads it (none is awaited, returned,
 * passed on, `.then()`ed or otherwise kept as a Promise); gives the first, with where it is.
 */
export function heldPromiseMisuse(expr: Node, sourceCode: SourceCode): { misuse: PromiseMisuse; at: TSESTree.Identifier } | undefined {
  const value = outermostValue(expr, true);
  const decl = value.parent;
  if (decl?.type !== AST_NODE_TYPES.VariableDeclarator || decl.init !== value || decl.id.type !== AST_NODE_TYPES.Identifier)
    return undefined;
  if (decl.parent.type !== AST_NODE_TYPES.VariableDeclaration || decl.parent.kind !== "const") return undefined;
  const variable = findVariable(sourceCode.getScope(decl.id), decl.id.name);
  const uses = variable?.references.filter((r) => !r.init) ?? [];
  let first: { misuse: PromiseMisuse; at: TSESTree.Identifier } | undefined;
  for (const ref of uses) {
    const id = ref.identifier;
    const misuse = id.type === AST_NODE_TYPES.Identifier ? promiseMisuse(id, sourceCode) : undefined;
    if (!misuse || id.type !== AST_NODE_TYPES.Identifier) return undefined;
    first ??= { misuse, at: id };
  }
  return first;
}

function binaryMisuse(p: TSESTree.BinaryExpression, child: Node): PromiseMisuse | undefined {
  const op = p.operator;
  switch (op) {
    case "==":
    case "!=":
    case "===":
    case "!==":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return { kind: "compare", operator: `\`${op}\`` };
    case "instanceof":
      // `get(k) instanceof Promise` asks about the Promise on purpose.
      if (p.left !== child || (p.right.type === AST_NODE_TYPES.Identifier && p.right.name === "Promise")) return undefined;
      return { kind: "compare", operator: "`instanceof`" };
    case "in":
      return p.right === child ? { kind: "compare", operator: "`in`" } : undefined;
    case "+":
      return { kind: "string", operator: "`+`" };
    default:
      return { kind: "nan", operator: `\`${op}\`` };
  }
}

/** `String(x)`, `JSON.stringify(x)`, … (the built-ins, not a shadowing binding) with the Promise as first argument. */
function convertingCall(call: TSESTree.CallExpression, sourceCode: SourceCode): PromiseMisuse | undefined {
  if (call.optional) return undefined;
  const callee = call.callee;
  if (callee.type === AST_NODE_TYPES.Identifier) {
    const kind = Object.hasOwn(CONVERTING_GLOBALS, callee.name) ? CONVERTING_GLOBALS[callee.name] : undefined;
    return kind && isGlobal(callee, sourceCode) ? { kind, operator: `\`${callee.name}()\`` } : undefined;
  }
  if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    !callee.optional &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    Object.hasOwn(CONVERTING_STATICS, callee.object.name)
  ) {
    const name = memberName(callee);
    const statics = CONVERTING_STATICS[callee.object.name];
    const kind = name !== undefined && Object.hasOwn(statics, name) ? statics[name] : undefined;
    return kind && isGlobal(callee.object, sourceCode) ? { kind, operator: `\`${callee.object.name}.${name}()\`` } : undefined;
  }
  return undefined;
}

/** What a pattern that destructures the Promise reads from it. */
function patternMisuse(pattern: Node, sourceCode: SourceCode): PromiseMisuse | undefined {
  if (pattern.type === AST_NODE_TYPES.ArrayPattern) return { kind: "notIterable", operator: "array destructuring" };
  if (pattern.type !== AST_NODE_TYPES.ObjectPattern || pattern.properties.length === 0) return undefined;
  const names: string[] = [];
  for (const prop of pattern.properties) {
    if (prop.type === AST_NODE_TYPES.RestElement) {
      names.push(`\`${sourceCode.getText(prop)}\``);
      continue;
    }
    const key = prop.computed ? undefined : prop.key.type === AST_NODE_TYPES.Identifier ? prop.key.name : undefined;
    const name = key ?? (prop.key.type === AST_NODE_TYPES.Literal ? String(prop.key.value) : undefined);
    if (name === undefined) return undefined; // a computed key could name `then`: stay silent
    if (PROMISE_MEMBERS.has(name)) return undefined;
    names.push(`\`${name}\``);
  }
  return { kind: "destructure", names: names.join(", ") };
}
