/**
 * What one call reads from or writes to Durable Object storage, by key or by SQL table, for the
 * analyses that follow stored values (stale-reads.ts in a function, summaries.ts across helpers).
 *
 * - reads: `storage.get(key)`, `txn.get(key)`, `storage.kv.get(key)`, and `sql.exec(SELECT …)`;
 * - writes: `put(key, value)` / `put({ [key]: value })`, or a SQL `UPDATE` / `INSERT OR REPLACE` /
 *   upsert of a table, with its bindings as the written values (a binding used only in the WHERE
 *   clause chooses rows: `choosesRows`); `rowWrites` gives every row write's shape, bindings or not.
 *
 * Keys are compared as written (`KeyRep`): string literals by value; other expressions by their
 * tokens, provided every variable in them is never reassigned and they contain no call or assignment.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type Node, isClass, isFunction, isReference, unwrap, walk } from "./ast.js";
import { type RowWrite, type SelectShape, isUpsertOrReplace, mainVerb, readTables, rowWrite, selectShape, writtenTable } from "./sql.js";
import { sqlRunOf } from "./sql-source.js";
import type { DurableObjectModel } from "./storage.js";

type Variable = TSESLint.Scope.Variable;
type SourceCode = Readonly<TSESLint.SourceCode>;

/** The calls followed: reads (`get`, a SQL `SELECT`) and writes (`put`, a SQL `UPDATE` or upsert). */
const READ_METHODS: ReadonlySet<string> = new Set(["get", "exec"]);
const WRITE_METHODS: ReadonlySet<string> = new Set(["put", "exec"]);

/** A storage key as an expression: a static string, or an expression over variables that do not change. */
export interface KeyRep {
  text: string;
  variables: Variable[];
  /** The key as a message shows it: the tokens without the spaces `text` puts between them (`` `count:${name}` ``). */
  display: string;
}

/** A direct read: the key expression of a `get`, or the tables of a `SELECT`. */
export interface ReadAccess {
  receiver: TSESTree.Expression;
  /** The key argument of `get(key)`. */
  keyNode?: Node;
  /** Tables a SQL read selects from. */
  tables?: string[];
  /** A plain SQL `SELECT`'s result columns and WHERE names. */
  select?: SelectShape;
}

/** One (key, value) or (table, binding) a write stores. */
export interface WriteAccess {
  /** The key expression (`put(key, v)`, `put({ [key]: v })`), or the name of a plain property key (`put({ room: v })`). */
  keyNode?: Node;
  keyName?: string;
  table?: string;
  value: Node;
  /** For a SQL binding: the statement's shape, and whether the binding only chooses rows (it is a WHERE parameter). */
  row?: RowWrite;
  choosesRows?: boolean;
}

/** What a call reads, if it is a storage read that is followed. */
export function readAccess(model: DurableObjectModel, node: TSESTree.CallExpression): ReadAccess | undefined {
  const h = model.handleCall(node, READ_METHODS);
  if (!h) return undefined;
  if (h.method === "get" && (h.kind === "storage" || h.kind === "txn" || h.kind === "kv")) {
    const arg = node.arguments[0];
    if (!arg || arg.type === AST_NODE_TYPES.ArrayExpression || arg.type === AST_NODE_TYPES.SpreadElement) return undefined;
    return { receiver: h.receiver, keyNode: arg };
  }
  if (h.kind === "sql" && h.method === "exec") {
    const statements = sqlRunOf(model, node)?.statements;
    const last = statements?.[statements.length - 1];
    if (!last || mainVerb(last) !== "select") return undefined;
    const tables = readTables(last);
    return tables && tables.length > 0 ? { receiver: h.receiver, tables, select: selectShape(last) } : undefined;
  }
  return undefined;
}

/** The (key, value) pairs or (table, bindings) a write call stores. */
export function writeAccesses(model: DurableObjectModel, node: TSESTree.CallExpression): WriteAccess[] | undefined {
  const h = model.handleCall(node, WRITE_METHODS);
  if (!h) return undefined;
  if (h.method === "put" && (h.kind === "storage" || h.kind === "txn" || h.kind === "kv")) {
    const [first, second] = node.arguments;
    if (!first) return undefined;
    if (first.type === AST_NODE_TYPES.ObjectExpression) {
      const out: WriteAccess[] = [];
      for (const p of first.properties) {
        if (p.type !== AST_NODE_TYPES.Property) continue;
        if (!p.computed && p.key.type === AST_NODE_TYPES.Identifier) out.push({ keyName: p.key.name, value: p.value });
        else out.push({ keyNode: p.key, value: p.value });
      }
      return out;
    }
    return second ? [{ keyNode: first, value: second }] : undefined;
  }
  if (h.kind === "sql" && h.method === "exec" && node.arguments.length > 1) {
    const out: WriteAccess[] = [];
    for (const stmt of sqlRunOf(model, node)?.statements ?? []) {
      const verb = mainVerb(stmt);
      if (verb !== "update" && !((verb === "insert" || verb === "replace") && isUpsertOrReplace(stmt))) continue;
      const table = writtenTable(stmt);
      const row = rowWrite(stmt);
      if (!table) continue;
      node.arguments.slice(1).forEach((b, j) => {
        const choosesRows = b.type !== AST_NODE_TYPES.SpreadElement && row?.whereParams.has(j + 1) === true;
        out.push({ table, value: b, row, choosesRows });
      });
    }
    return out;
  }
  return undefined;
}

/** The row writes (`UPDATE`, `DELETE`, upsert, `REPLACE`) of a `sql.exec(…)` call with static SQL, bindings or not. */
export function rowWrites(model: DurableObjectModel, node: TSESTree.CallExpression): RowWrite[] | undefined {
  const h = model.handleCall(node, WRITE_METHODS);
  if (!h || h.kind !== "sql" || h.method !== "exec") return undefined;
  const out: RowWrite[] = [];
  for (const stmt of sqlRunOf(model, node)?.statements ?? []) {
    const row = rowWrite(stmt);
    if (row) out.push(row);
  }
  return out.length > 0 ? out : undefined;
}

/** The key a write access names, as comparable text. */
export function writeKey(access: WriteAccess, sourceCode: SourceCode): KeyRep | undefined {
  if (access.keyName !== undefined) return { text: JSON.stringify(access.keyName), variables: [], display: JSON.stringify(access.keyName) };
  return access.keyNode ? keyRep(access.keyNode, sourceCode) : undefined;
}

/**
 * A key as something comparable: string literals by value; other expressions by their tokens,
 * provided every variable in them is never reassigned and they contain no call or assignment.
 */
export function keyRep(expr: Node, sourceCode: SourceCode): KeyRep | undefined {
  const parts = keyParts(expr, sourceCode, () => undefined);
  return parts && instantiate(parts, () => undefined);
}

/** A part of a key: its text, a variable's token, or (in a summary) a parameter of the function. */
export type KeyPart = { text: string } | { variable: Variable; text: string } | { param: number };

/**
 * `expr` as key parts; `paramOf(v)` names the variables that are parameters of a summarised
 * function (they become `{ param }` parts). Undefined when the key is not comparable.
 */
export function keyParts(expr: Node, sourceCode: SourceCode, paramOf: (v: Variable) => number | undefined): KeyPart[] | undefined {
  const e = unwrap(expr);
  if (e.type === AST_NODE_TYPES.Literal) {
    return typeof e.value === "string" || typeof e.value === "number" ? [{ text: JSON.stringify(String(e.value)) }] : undefined;
  }
  if (e.type === AST_NODE_TYPES.TemplateLiteral && e.expressions.length === 0) {
    return [{ text: JSON.stringify(e.quasis[0].value.cooked ?? "") }];
  }
  const byStart = new Map<number, KeyPart>();
  let stable = true;
  walk(e, sourceCode.visitorKeys, (n) => {
    if (!stable) return false;
    switch (n.type) {
      case AST_NODE_TYPES.CallExpression:
      case AST_NODE_TYPES.NewExpression:
      case AST_NODE_TYPES.AwaitExpression:
      case AST_NODE_TYPES.AssignmentExpression:
      case AST_NODE_TYPES.UpdateExpression:
      case AST_NODE_TYPES.YieldExpression:
      case AST_NODE_TYPES.TaggedTemplateExpression:
        stable = false;
        return false;
      case AST_NODE_TYPES.Identifier: {
        if (!isReference(n)) return false;
        const v = findVariable(sourceCode.getScope(n), n.name);
        if (!v || v.defs.length !== 1 || v.references.some((r) => r.isWrite() && !r.init)) {
          stable = v === null && (n.name === "undefined" || n.name === "globalThis") ? stable : false;
          return false;
        }
        const param = paramOf(v);
        byStart.set(n.range[0], param === undefined ? { variable: v, text: n.name } : { param });
        return false;
      }
      default:
        return !isFunction(n) && !isClass(n);
    }
  });
  if (!stable) return undefined;
  return sourceCode.getTokens(e as TSESTree.Node).map((t) => byStart.get(t.range[0]) ?? { text: t.value });
}

/** Key parts as a key, with each `{ param }` part replaced by `arg(param)`'s parts (undefined: not comparable). */
export function instantiate(parts: readonly KeyPart[], arg: (param: number) => readonly KeyPart[] | undefined): KeyRep | undefined {
  const flat = substitute(parts, arg);
  if (!flat) return undefined;
  const text: string[] = [];
  const variables: Variable[] = [];
  let display = "";
  for (const p of flat) {
    if ("param" in p) return undefined;
    text.push(p.text);
    if ("variable" in p) variables.push(p.variable);
    display += /[\w$]$/.test(display) && /^[\w$]/.test(p.text) ? ` ${p.text}` : p.text;
  }
  return { text: text.join(" "), variables, display };
}

/** Key parts with each `{ param }` part replaced by `arg(param)`'s parts; undefined when an argument has none. */
export function substitute(parts: readonly KeyPart[], arg: (param: number) => readonly KeyPart[] | undefined): KeyPart[] | undefined {
  const out: KeyPart[] = [];
  for (const p of parts) {
    if (!("param" in p)) {
      out.push(p);
      continue;
    }
    const a = arg(p.param);
    if (!a) return undefined;
    out.push(...a);
  }
  return out;
}

export function sameKey(a: KeyRep, b: KeyRep): boolean {
  return a.text === b.text && a.variables.length === b.variables.length && a.variables.every((v, i) => v === b.variables[i]);
}

/** The storage writes that can be batched by key: `put(k, v)` into `put({ … })`, `delete(k)` into `delete([ … ])`. */
export const KEY_WRITE_METHODS: ReadonlySet<string> = new Set(["put", "delete"]);

/** A write of one key to Durable Object storage (not a transaction, not Workers KV). */
export interface SingleKeyWrite {
  call: TSESTree.CallExpression;
  method: "put" | "delete";
  receiver: TSESTree.Expression;
}

/** `storage.put(k, v)` or `storage.delete(k)` of one key; not `put({ … })`, nor `delete` of a list of keys. */
export function singleKeyWrite(model: DurableObjectModel, call: TSESTree.CallExpression): SingleKeyWrite | undefined {
  const h = model.handleCall(call, KEY_WRITE_METHODS);
  if (h?.kind !== "storage" || (h.method !== "put" && h.method !== "delete")) return undefined;
  const args = call.arguments;
  if (args.some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return undefined;
  if (h.method === "put" && (args.length < 2 || args[0].type === AST_NODE_TYPES.ObjectExpression)) return undefined;
  if (h.method === "delete" && (args.length !== 1 || isKeyList(args[0]))) return undefined;
  return { call, method: h.method, receiver: h.receiver };
}

/** Array methods whose result is an array: `delete(keys.slice(i, i + 128))` is already a batch. */
const ARRAY_RESULT_METHODS = new Set(["slice", "splice", "map", "filter", "concat", "flat", "flatMap", "toSorted", "toReversed"]);

/** A `delete` argument that is a list of keys: an array literal, or an array built by a built-in. */
function isKeyList(arg: Node): boolean {
  const a = unwrap(arg);
  if (a.type === AST_NODE_TYPES.ArrayExpression) return true;
  if (a.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = unwrap(a.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier)
    return false;
  const name = callee.property.name;
  if (ARRAY_RESULT_METHODS.has(name)) return true;
  // `Array.from(…)`, `Array.of(…)`, `Object.keys(…)`
  return (
    callee.object.type === AST_NODE_TYPES.Identifier &&
    ((callee.object.name === "Array" && (name === "from" || name === "of")) || (callee.object.name === "Object" && name === "keys"))
  );
}
