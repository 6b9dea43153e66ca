/**
 * Flow-sensitive tracking of values read from Durable Object storage, for "read, await something
 * that opens the input gate, write the value back" (a lost update).
 *
 * Built on GateFlow (gate-flow.ts): each read is a site, and the code path state says which
 * gate-opening `await` came after it on some path and which local variables hold values derived
 * from it. Loop back edges are not followed, so a loop-carried stale value goes unreported rather
 * than guessed.
 *
 * What counts:
 * - reads: `storage.get(key)`, `txn.get(key)`, `storage.kv.get(key)`, and `sql.exec(SELECT …)`;
 * - writes: `put(key, value)` / `put({ [key]: value })` of the same key, or a SQL `UPDATE` /
 *   `INSERT OR REPLACE` / upsert of a table the read selected from, with a value (binding) derived
 *   from the read;
 * - reading the same key again clears the earlier read (a re-read after the await is fresh);
 * - nothing inside `blockConcurrencyWhile`, `transaction` or `transactionSync` callbacks.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type Node, isClass, isFunction, unwrap, walk } from "./ast.js";
import { getGateModel } from "./gate.js";
import { GateFlow, NO_SITES, type Opener, union } from "./gate-flow.js";
import { mergeListeners, methodListeners } from "./listeners.js";
import { atomicRegionOf } from "./regions.js";
import { isUpsertOrReplace, mainVerb, readTables, writtenTable } from "./sql.js";
import { staticSql } from "./sql-text.js";
import { type DurableObjectModel, getModel } from "./storage.js";

type Variable = TSESLint.Scope.Variable;

/** The calls this analysis follows: reads (`get`, a SQL `SELECT`) and writes (`put`, a SQL `UPDATE` or upsert). */
const READ_METHODS: ReadonlySet<string> = new Set(["get", "exec"]);
const WRITE_METHODS: ReadonlySet<string> = new Set(["put", "exec"]);

/** A storage key as an expression: a static string, or an expression over variables that do not change. */
export interface KeyRep {
  text: string;
  variables: Variable[];
}

export interface ReadSite {
  id: number;
  /** The `get(…)` or `exec(…)` call. */
  node: TSESTree.CallExpression;
  receiver: TSESTree.Expression;
  key: KeyRep | undefined;
  /** Tables a SQL read selects from. */
  tables: string[] | undefined;
}

export interface StaleWrite {
  read: ReadSite;
  write: TSESTree.CallExpression;
  /** The first `await` after the read that opens the input gate on some path to the write. */
  opener: Opener;
}

/**
 * Listeners that track reads through a file and call `onStale` once per read whose value is
 * written back after a gate-opening await.
 */
export function staleReadListeners(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onStale: (stale: StaleWrite) => void,
): TSESLint.RuleListener {
  const model = getModel(context);
  if (!model.hasRegions) return {};
  const tracker = new StaleReadTracker(model, context.sourceCode, onStale);
  return mergeListeners(
    tracker.flow.listeners,
    methodListeners(tracker, ["CallExpression:exit", "VariableDeclarator:exit", "AssignmentExpression:exit"]),
  );
}

/** The reads of one file and the values that carry them (its listeners are methods: see `methodListeners`). */
class StaleReadTracker {
  readonly flow: GateFlow;
  private readonly readsByNode = new Map<Node, ReadSite>();
  private readonly readById = new Map<number, ReadSite>();
  private readonly reportedReads = new Set<number>();

  constructor(
    private readonly model: DurableObjectModel,
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
    private readonly onStale: (stale: StaleWrite) => void,
  ) {
    this.flow = new GateFlow(getGateModel(model));
  }

  "CallExpression:exit"(node: TSESTree.CallExpression): void {
    this.checkWrite(node);
    this.registerRead(node);
  }

  "VariableDeclarator:exit"(node: TSESTree.VariableDeclarator): void {
    if (this.flow.active && node.init) this.assignIn(node.id, this.readsIn(node.init), false);
  }

  "AssignmentExpression:exit"(node: TSESTree.AssignmentExpression): void {
    if (this.flow.active) this.assignIn(node.left, this.readsIn(node.right), node.operator !== "=");
  }

  /** The reads whose values `expr` may carry: read calls inside it and variables tainted by reads. */
  private readsIn(expr: Node): ReadonlySet<number> {
    let out: ReadonlySet<number> = NO_SITES;
    walk(expr, this.sourceCode.visitorKeys, (n) => {
      if (isClass(n)) return false;
      if (n.type === AST_NODE_TYPES.CallExpression) {
        const read = this.readsByNode.get(n);
        if (read) out = union(out, new Set([read.id]));
      } else if (n.type === AST_NODE_TYPES.Identifier && isReference(n)) {
        const v = findVariable(this.sourceCode.getScope(n), n.name);
        if (v) out = union(out, this.flow.taintOf(v));
      }
      return true;
    });
    return out;
  }

  /** Binds every variable in `target` (an identifier or a pattern) to `value`. */
  private assignIn(target: Node, value: ReadonlySet<number>, compound: boolean): void {
    walk(target, this.sourceCode.visitorKeys, (n) => {
      if (n.type === AST_NODE_TYPES.MemberExpression) return false; // `o.x = …` does not rebind `o`
      if (n.type === AST_NODE_TYPES.AssignmentPattern) {
        // `{ a = fallback }`: the default is a value too.
        this.assignIn(n.left, union(value, this.readsIn(n.right)), compound);
        return false;
      }
      if (n.type === AST_NODE_TYPES.Property) {
        if (n.computed) return true;
        this.assignIn(n.value, value, compound);
        return false;
      }
      if (n.type !== AST_NODE_TYPES.Identifier) return true;
      const v = findVariable(this.sourceCode.getScope(n), n.name);
      if (v) this.flow.setTaint(v, value, compound);
      return false;
    });
  }

  private registerRead(node: TSESTree.CallExpression): void {
    const site = readSite(this.model, node, this.sourceCode);
    if (!site || atomicRegionOf(this.model, node)) return;
    let read = this.readsByNode.get(node);
    if (!read) {
      read = { ...site, id: this.readById.size };
      this.readsByNode.set(node, read);
      this.readById.set(read.id, read);
    }
    const fresh = read;
    // A fresh read of the same key makes earlier reads of it irrelevant: what is written next comes from here.
    this.flow.addSite(fresh.id, (other) => {
      const o = this.readById.get(other);
      return o !== undefined && sameTarget(o, fresh);
    });
  }

  private checkWrite(node: TSESTree.CallExpression): void {
    if (!this.flow.active) return;
    const targets = writeTargets(this.model, node, this.sourceCode);
    if (!targets) return;
    for (const t of targets) {
      for (const id of this.readsIn(t.value)) {
        const read = this.readById.get(id);
        const opener = this.flow.openerSince(id);
        if (!opener || !read || this.reportedReads.has(id)) continue;
        const matches = t.key
          ? read.key !== undefined && sameKey(read.key, t.key)
          : t.table !== undefined && read.tables?.includes(t.table) === true;
        if (!matches) continue;
        this.reportedReads.add(id);
        this.onStale({ read, write: node, opener });
      }
    }
  }
}

function isReference(id: TSESTree.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === AST_NODE_TYPES.MemberExpression && p.property === id && !p.computed) return false;
  if ((p.type === AST_NODE_TYPES.Property || p.type === AST_NODE_TYPES.PropertyDefinition) && p.key === id && !p.computed) {
    return p.type === AST_NODE_TYPES.Property && p.shorthand;
  }
  return true;
}

/** What a call reads, if it is a storage read this analysis follows. */
function readSite(
  model: DurableObjectModel,
  node: TSESTree.CallExpression,
  sourceCode: Readonly<TSESLint.SourceCode>,
): Omit<ReadSite, "id"> | undefined {
  const h = model.handleCall(node, READ_METHODS);
  if (!h) return undefined;
  if (h.method === "get" && (h.kind === "storage" || h.kind === "txn" || h.kind === "kv")) {
    const arg = node.arguments[0];
    if (!arg || arg.type === AST_NODE_TYPES.ArrayExpression || arg.type === AST_NODE_TYPES.SpreadElement) return undefined;
    const key = keyRep(arg, sourceCode);
    return key ? { node, receiver: h.receiver, key, tables: undefined } : undefined;
  }
  if (h.kind === "sql" && h.method === "exec" && node.arguments[0]) {
    const sql = staticSql(node.arguments[0], sourceCode);
    const last = sql?.statements[sql.statements.length - 1];
    if (!last || mainVerb(last) !== "select") return undefined;
    const tables = readTables(last);
    return tables && tables.length > 0 ? { node, receiver: h.receiver, key: undefined, tables } : undefined;
  }
  return undefined;
}

/** The (key, value) pairs or (table, bindings) a write call stores. */
function writeTargets(
  model: DurableObjectModel,
  node: TSESTree.CallExpression,
  sourceCode: Readonly<TSESLint.SourceCode>,
): { key?: KeyRep; table?: string; value: Node }[] | undefined {
  const h = model.handleCall(node, WRITE_METHODS);
  if (!h) return undefined;
  if (h.method === "put" && (h.kind === "storage" || h.kind === "txn" || h.kind === "kv")) {
    const [first, second] = node.arguments;
    if (!first) return undefined;
    if (first.type === AST_NODE_TYPES.ObjectExpression) {
      const out: { key: KeyRep; value: Node }[] = [];
      for (const p of first.properties) {
        if (p.type !== AST_NODE_TYPES.Property) continue;
        const key = p.computed
          ? keyRep(p.key, sourceCode)
          : p.key.type === AST_NODE_TYPES.Identifier
            ? { text: JSON.stringify(p.key.name), variables: [] }
            : keyRep(p.key, sourceCode);
        if (key) out.push({ key, value: p.value });
      }
      return out;
    }
    const key = second ? keyRep(first, sourceCode) : undefined;
    return key && second ? [{ key, value: second }] : undefined;
  }
  if (h.kind === "sql" && h.method === "exec" && node.arguments.length > 1) {
    const sql = staticSql(node.arguments[0], sourceCode);
    const out: { table: string; value: Node }[] = [];
    for (const stmt of sql?.statements ?? []) {
      const verb = mainVerb(stmt);
      if (verb !== "update" && !((verb === "insert" || verb === "replace") && isUpsertOrReplace(stmt))) continue;
      const table = writtenTable(stmt);
      if (table) for (const b of node.arguments.slice(1)) out.push({ table, value: b });
    }
    return out;
  }
  return undefined;
}

/**
 * A key as something comparable: string literals by value; other expressions by their tokens,
 * provided every variable in them is never reassigned and they contain no call or assignment.
 */
export function keyRep(expr: Node, sourceCode: Readonly<TSESLint.SourceCode>): KeyRep | undefined {
  const e = unwrap(expr);
  if (e.type === AST_NODE_TYPES.Literal) {
    return typeof e.value === "string" || typeof e.value === "number"
      ? { text: JSON.stringify(String(e.value)), variables: [] }
      : undefined;
  }
  if (e.type === AST_NODE_TYPES.TemplateLiteral && e.expressions.length === 0) {
    return { text: JSON.stringify(e.quasis[0].value.cooked ?? ""), variables: [] };
  }
  const variables: Variable[] = [];
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
        variables.push(v);
        return false;
      }
      default:
        return !isFunction(n) && !isClass(n);
    }
  });
  if (!stable) return undefined;
  const tokens = sourceCode.getTokens(e as TSESTree.Node);
  return { text: tokens.map((t) => t.value).join(" "), variables };
}

export function sameKey(a: KeyRep, b: KeyRep): boolean {
  return a.text === b.text && a.variables.length === b.variables.length && a.variables.every((v, i) => v === b.variables[i]);
}

function sameTarget(a: ReadSite, b: ReadSite): boolean {
  if (a.key && b.key) return sameKey(a.key, b.key);
  if (a.tables && b.tables) return a.tables.length === b.tables.length && a.tables.every((t) => b.tables!.includes(t));
  return false;
}
