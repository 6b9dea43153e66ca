/**
 * Flow-sensitive tracking of values read from Durable Object storage, for "read, await something
 * that opens the input gate, write the value back" (a lost update).
 *
 * Built on GateFlow (gate-flow.ts): each read is a site, and the code path state says which
 * gate-opening `await` came after it on some path and which local variables hold values derived
 * from it. Loop back edges are not followed, so a loop-carried stale value goes unreported rather
 * than guessed.
 *
 * What counts (storage-access.ts):
 * - reads: `storage.get(key)`, `txn.get(key)`, `storage.kv.get(key)`, and `sql.exec(SELECT …)`;
 *   and a call to a helper whose result carries such reads (summaries.ts) and that awaits nothing
 *   but storage itself (`const room = await this.loadRoom()`);
 * - writes: `put(key, value)` / `put({ [key]: value })` of the same key, or a SQL `UPDATE` /
 *   `INSERT OR REPLACE` / upsert of a table the read selected from, with a value (binding) derived
 *   from the read; and a call to a helper that writes the key or table from the arguments the
 *   value is passed in (`await this.saveRoom(room)`);
 * - check-then-act: a write of the same key that runs only because a condition on the read held
 *   (`if (item.status === "pending") { await fetch(…); await put(key, done) }`), whatever it writes;
 *   for SQL, an `UPDATE`/`DELETE` of the table that changes a column the condition tested, or
 *   whose row was chosen by the `SELECT`'s WHERE and changes what that WHERE tested (sql.ts
 *   `selectShape`, `rowWrite`); not when its WHERE re-tests it, and not after a claim (a write of
 *   the key or table before the gate opened);
 * - reading the same key again clears the earlier read (a re-read after the await is fresh);
 * - nothing inside `blockConcurrencyWhile`, `transaction` or `transactionSync` callbacks.
 *
 * An `await` whose effect on the gate is unknown (gate.ts) does not count as opening it here: the
 * rule reports only what it can show.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type FunctionNode, type Node, isClass, isFunction, isReference, outermostAwaitedValue, walkValues } from "./ast.js";
import { resolveCallee } from "./callees.js";
import { Gate, describeExpression, getGateModel } from "./gate.js";
import { GateFlow, NO_SITES, type Opener, union } from "./gate-flow.js";
import { atomicRegionOf } from "./regions.js";
import type { RowWrite, SelectShape } from "./sql.js";
import { type KeyRep, instantiate, keyParts, keyRep, readAccess, rowWrites, sameKey, writeAccesses, writeKey } from "./storage-access.js";
import type { DurableObjectModel } from "./storage.js";
import { returnedReads, returnsNothing, writtenFromParams } from "./summaries.js";

export interface ReadSite {
  id: number;
  /** The `get(…)` or `exec(…)` call, or the call of the helper that reads. */
  node: TSESTree.CallExpression;
  receiver: TSESTree.Expression;
  key: KeyRep | undefined;
  /** Tables a SQL read selects from. */
  tables: string[] | undefined;
  /** A plain `SELECT`'s result columns and WHERE names (undefined through a helper). */
  select: SelectShape | undefined;
  /** For a read inside a helper: the helper call as a message shows it (`this.loadRoom()`). */
  via: string | undefined;
}

export interface StaleWrite {
  read: ReadSite;
  write: TSESTree.CallExpression;
  /** For a write inside a helper: the helper call as a message shows it (`this.saveRoom(…)`). */
  writeVia: string | undefined;
  /** The key or table, as a message names it. */
  target: string;
  /** The first `await` after the read that opens the input gate on some path to the write. */
  opener: Opener;
  /**
   * "value": the written value comes from the read (a lost update); "check": the write runs only
   * because a condition on the read held, and the value was read before the gate opened (a stale
   * check: other requests can pass the same check meanwhile).
   */
  kind: "value" | "check";
  /** For a stale check on SQL rows: the columns the check tested and the write changes. */
  columns?: string[];
}

/** One (key or table, value) that a write call stores. */
interface WriteTarget {
  key?: KeyRep;
  table?: string;
  value: Node;
  /** A SQL binding's statement, and whether the binding only chooses the rows (a WHERE parameter). */
  row?: RowWrite;
  choosesRows?: boolean;
}

/** The listener methods of `StaleReadTracker`. */
export const STALE_READ_LISTENERS = [
  "CallExpression:exit",
  "VariableDeclarator:exit",
  "AssignmentExpression:exit",
  "ForOfStatement",
] as const;

/**
 * The reads of one file and the values that carry them: calls `onStale` once per read whose value
 * is written back after a gate-opening await. Its listeners are the methods `STALE_READ_LISTENERS`
 * (see `methodListeners`).
 */
export class StaleReadTracker {
  readonly flow: GateFlow;
  private readonly readsByNode = new Map<Node, ReadSite[]>();
  private readonly readById = new Map<number, ReadSite>();
  private readonly reportedReads = new Set<number>();
  /** Key reads by the key's text (`KeyRep.text`), and SQL reads of one table by the table, for the writes that look for a read of theirs. */
  private readonly readsByKey = new Map<string, ReadSite[]>();
  private readonly readsByTable = new Map<string, ReadSite[]>();
  /** Reads whose key or table was written before any gate-opening await since: the check was acted on (claimed) in time. */
  private readonly claimed = new Set<number>();

  constructor(
    private readonly model: DurableObjectModel,
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
    private readonly onStale: (stale: StaleWrite) => void,
  ) {
    this.flow = new GateFlow(getGateModel(model), { unknownOpens: false });
  }

  "CallExpression:exit"(node: TSESTree.CallExpression): void {
    this.checkWrite(node);
    this.registerRead(node);
  }

  "VariableDeclarator:exit"(node: TSESTree.VariableDeclarator): void {
    if (this.flow.active && node.init) this.assignIn(node.id, this.readsIn(node.init), false);
  }

  /**
   * `for (const row of rows)`: each item carries what the iterable carries. Bound as the loop starts,
   * in the state before it, which the loop's head and body start from (gate-flow.ts); a typed
   * listener, where a field selector (`ForOfStatement > .body`) would be tried on every node.
   */
  ForOfStatement(node: TSESTree.ForOfStatement): void {
    if (!this.flow.active) return;
    const target = node.left.type === AST_NODE_TYPES.VariableDeclaration ? node.left.declarations[0]?.id : node.left;
    if (target) this.assignIn(target, this.readsIn(node.right), false);
  }

  "AssignmentExpression:exit"(node: TSESTree.AssignmentExpression): void {
    if (this.flow.active) this.assignIn(node.left, this.readsIn(node.right), node.operator !== "=");
  }

  /** The reads whose values `expr` may carry: read calls inside it and variables tainted by reads. */
  private readsIn(expr: Node): ReadonlySet<number> {
    let out: ReadonlySet<number> = NO_SITES;
    walkValues(expr, this.sourceCode.visitorKeys, (n) => {
      if (isClass(n)) return false;
      if (n.type === AST_NODE_TYPES.CallExpression) {
        const reads = this.readsByNode.get(n);
        if (reads) out = union(out, new Set(reads.map((r) => r.id)));
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
    walkValues(target, this.sourceCode.visitorKeys, (n) => {
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
    // With no read live to supersede (a live one means this function may open the gate) and no
    // `await` left after this call (none at all in a function without one), a read here can never be stale.
    if (!this.flow.active && !this.flow.mayOpenAfter(node)) return;
    let reads = this.readsByNode.get(node);
    if (!reads) {
      const sites = this.readSites(node);
      if (sites.length === 0 || atomicRegionOf(this.model, node)) return;
      reads = sites.map((site) => ({ ...site, id: this.readById.size + sites.indexOf(site) }));
      for (const r of reads) {
        this.readById.set(r.id, r);
        if (r.key) pushTo(this.readsByKey, r.key.text, r);
        else if (r.select && r.tables?.length === 1) pushTo(this.readsByTable, r.tables[0], r);
      }
      this.readsByNode.set(node, reads);
    }
    for (const fresh of reads) {
      // A fresh read of the same key makes earlier reads of it irrelevant: what is written next comes from here.
      this.flow.addSite(fresh.id, (other) => {
        const o = this.readById.get(other);
        return o !== undefined && sameTarget(o, fresh);
      });
    }
  }

  /** What a call reads: a direct read, or the reads a helper returns (when the helper keeps the gate closed). */
  private readSites(node: TSESTree.CallExpression): Omit<ReadSite, "id">[] {
    const access = readAccess(this.model, node);
    if (access) {
      const key = access.keyNode ? keyRep(access.keyNode, this.sourceCode) : undefined;
      if (!key && !access.tables) return [];
      return [{ node, receiver: access.receiver, key, tables: access.tables, select: access.select, via: undefined }];
    }
    // A helper's result read only if it is used: `this.save(); await this.flush();` carries nothing.
    if (valueDiscarded(node)) return [];
    const helper = this.helperOf(node);
    // A helper that may let other requests in before it returns: its reads may be fresh or stale, unknown.
    if (!helper || returnsNothing(this.model, helper) || getGateModel(this.model).functionVerdict(helper) !== Gate.CLOSED) return [];
    const returns = returnedReads(this.model, helper);
    if (returns.length === 0) return [];
    const via = describeExpression(this.sourceCode.text, node);
    const receiver = receiverOf(node);
    const out: Omit<ReadSite, "id">[] = [];
    for (const r of returns) {
      if (r.tables) out.push({ node, receiver, key: undefined, tables: [...r.tables], select: undefined, via });
      else {
        const key = r.key && instantiate(r.key, (j) => this.argParts(node, j));
        if (key) out.push({ node, receiver, key, tables: undefined, select: undefined, via });
      }
    }
    return out;
  }

  private checkWrite(node: TSESTree.CallExpression): void {
    if (!this.flow.active) return;
    const { targets, via } = this.writeTargets(node);
    for (const t of targets) {
      for (const id of this.readsIn(t.value)) {
        const read = this.readById.get(id);
        const opener = this.flow.openerSince(id);
        if (!opener || !read || this.reportedReads.has(id)) continue;
        const matches = t.key
          ? read.key !== undefined && sameKey(read.key, t.key)
          : t.table !== undefined && read.tables?.includes(t.table) === true;
        if (!matches) continue;
        if (t.row && (t.choosesRows || reTests(t.row, t.row.assigned))) {
          // A binding that only chooses the rows stores nothing of the read: stale only if the read's
          // WHERE was a check that this write undoes without re-testing it (a row chosen by a stale check).
          // A write whose WHERE re-tests a column it sets is a compare-and-set: never stale.
          const columns = t.choosesRows && read.select ? staleChoice(read.select, t.row) : undefined;
          if (!columns) continue;
          this.reportedReads.add(id);
          this.onStale({ read, write: node, writeVia: via, target: t.table!, opener, kind: "check", columns });
          continue;
        }
        this.reportedReads.add(id);
        const target = t.key ? (read.key?.display ?? t.key.display) : t.table!;
        this.onStale({ read, write: node, writeVia: via, target, opener, kind: "value" });
      }
    }
    // Check-then-act: the same key, or a column of the same table, written under a condition on a
    // read made before the gate opened. The conditions are read only when a read of what the call
    // writes has seen the gate open since.
    const rows = via === undefined && this.readsByTable.size > 0 ? rowWrites(this.model, node) : undefined;
    // A write with no gate-opening await since the read settles the check in time (`status = "running"`
    // before the fetch): later writes under the same check are not decided by a stale value.
    for (const t of targets) if (t.key) this.claim(this.readsByKey.get(t.key.text));
    for (const w of rows ?? []) this.claim(this.readsByTable.get(w.table));
    if (!this.anyStaleCheck(targets, rows)) return;
    for (const test of this.guardTests(node)) {
      for (const id of this.readsIn(test)) {
        const read = this.readById.get(id);
        const opener = this.flow.openerSince(id);
        if (!opener || !read || this.reportedReads.has(id) || this.claimed.has(id)) continue;
        if (read.key) {
          if (!targets.some((w) => w.key && sameKey(read.key!, w.key))) continue;
          this.reportedReads.add(id);
          this.onStale({ read, write: node, writeVia: via, target: read.key.display, opener, kind: "check" });
          continue;
        }
        const row = read.select && rows?.find((w) => w.table === read.tables![0]);
        if (!row) continue;
        const tested = this.testedColumns(test, id, read.select!);
        const changed = changedOf(row, tested);
        if (changed.length === 0 || reTests(row, changed) || reTests(row, row.assigned)) continue;
        this.reportedReads.add(id);
        this.onStale({ read, write: node, writeVia: via, target: row.table, opener, kind: "check", columns: changed });
      }
    }
  }

  /** Claims the reads of `reads` that are live here with no gate-opening await since: a write now settles their check in time. */
  private claim(reads: readonly ReadSite[] | undefined): void {
    if (reads) for (const r of reads) if (this.flow.openerSince(r.id) === null) this.claimed.add(r.id);
  }

  /** Whether one of `reads` is neither reported nor claimed and has seen the gate open since (a check on it may be stale). */
  private anyStale(reads: readonly ReadSite[] | undefined): boolean {
    if (reads)
      for (const r of reads) if (!this.reportedReads.has(r.id) && !this.claimed.has(r.id) && this.flow.openerSince(r.id)) return true;
    return false;
  }

  /** Whether a read of what the write stores (a key of `targets`, a table of `rows`) may be a stale check (`anyStale`). */
  private anyStaleCheck(targets: readonly WriteTarget[], rows: readonly RowWrite[] | undefined): boolean {
    for (const t of targets) if (t.key && this.anyStale(this.readsByKey.get(t.key.text))) return true;
    for (const w of rows ?? []) if (this.anyStale(this.readsByTable.get(w.table))) return true;
    return false;
  }

  /**
   * The conditions around `node`, up to its function: an `if`'s or a ternary's test for its
   * branches, the left side of `&&` / `||` / `??` for its right side, a `switch`'s discriminant
   * and case tests for the case's statements. An early `return` is not a condition around what
   * follows it, and loops are not followed (no back edges, as elsewhere here).
   */
  private guardTests(node: Node): Node[] {
    const out: Node[] = [];
    let child: Node = node;
    for (let p = node.parent; p && !isFunction(p) && !isClass(p); child = p, p = p.parent) {
      if ((p.type === AST_NODE_TYPES.IfStatement || p.type === AST_NODE_TYPES.ConditionalExpression) && p.test !== child) {
        out.push(p.test);
      } else if (p.type === AST_NODE_TYPES.LogicalExpression && p.right === child) {
        out.push(p.left);
      } else if (p.type === AST_NODE_TYPES.SwitchCase && p.test !== child && p.parent.type === AST_NODE_TYPES.SwitchStatement) {
        out.push(p.parent.discriminant);
        if (p.test) out.push(p.test);
      }
    }
    return out;
  }

  /**
   * The result columns of `select` that `test` reads from the rows of read `id`: `rows[0]?.status`,
   * `team.n` (property names; `length` of a row list is not a column when the read is `SELECT *`).
   */
  private testedColumns(test: Node, id: number, select: SelectShape): string[] {
    const out: string[] = [];
    walkValues(test, this.sourceCode.visitorKeys, (n) => {
      if (isFunction(n) || isClass(n)) return false;
      if (n.type !== AST_NODE_TYPES.MemberExpression) return true;
      const name = !n.computed && n.property.type === AST_NODE_TYPES.Identifier ? n.property.name.toLowerCase() : undefined;
      const column = name !== undefined && (select.columns === "*" ? name !== "length" : select.columns.has(name));
      if (column && !out.includes(name) && this.readsIn(n.object).has(id)) out.push(name);
      return true;
    });
    return out;
  }

  /** What a call writes: a direct write, or a helper's writes, each with the argument its value comes from. */
  private writeTargets(node: TSESTree.CallExpression): { targets: WriteTarget[]; via: string | undefined } {
    const direct = writeAccesses(this.model, node);
    if (direct) {
      const targets: WriteTarget[] = [];
      for (const w of direct) {
        if (w.table) targets.push({ table: w.table, value: w.value, row: w.row, choosesRows: w.choosesRows });
        else {
          const key = writeKey(w, this.sourceCode);
          if (key) targets.push({ key, value: w.value });
        }
      }
      return { targets, via: undefined };
    }
    // A helper's writes are stored from the call's arguments: without any, there is nothing to follow.
    if (node.arguments.length === 0) return { targets: [], via: undefined };
    const helper = this.helperOf(node);
    if (!helper) return { targets: [], via: undefined };
    const targets: WriteTarget[] = [];
    for (const w of writtenFromParams(this.model, helper)) {
      const key = w.key && instantiate(w.key, (j) => this.argParts(node, j));
      if (!w.table && !key) continue;
      for (const j of w.params) {
        const arg = node.arguments[j];
        if (arg && arg.type !== AST_NODE_TYPES.SpreadElement) targets.push({ key, table: w.table, value: arg });
      }
    }
    return { targets, via: targets.length > 0 ? describeExpression(this.sourceCode.text, node) : undefined };
  }

  /** The helper a call runs, when the flow is in a region and the file shows its body. */
  private helperOf(node: TSESTree.CallExpression): FunctionNode | undefined {
    if (!this.flow.inRegion) return undefined;
    const callee = node.callee.type === AST_NODE_TYPES.Super ? undefined : resolveCallee(this.model, node);
    return callee === "unknown" ? undefined : callee;
  }

  private argParts(node: TSESTree.CallExpression, j: number) {
    const arg = node.arguments[j];
    return arg && arg.type !== AST_NODE_TYPES.SpreadElement ? keyParts(arg, this.sourceCode, () => undefined) : undefined;
  }
}

/** Whether the value of `call` is thrown away: the call (awaited or not, through wrappers) is a statement of its own or `void`ed. */
function valueDiscarded(call: TSESTree.CallExpression): boolean {
  const p = outermostAwaitedValue(call).parent;
  return p?.type === AST_NODE_TYPES.ExpressionStatement || (p?.type === AST_NODE_TYPES.UnaryExpression && p.operator === "void");
}

/** The object a helper is called on (`this` of `this.loadRoom()`), or the call itself for a plain function. */
function receiverOf(call: TSESTree.CallExpression): TSESTree.Expression {
  return call.callee.type === AST_NODE_TYPES.MemberExpression ? call.callee.object : call;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The columns of `columns` that a row write changes (all of them for a `DELETE` or `REPLACE`). */
function changedOf(row: RowWrite, columns: string[]): string[] {
  const assigned = row.assigned;
  return assigned === "all" ? columns : columns.filter((c) => assigned.has(c));
}

/** Whether a row write's WHERE names one of `columns`: it re-tests them, so it changes nothing once the check fails. */
function reTests(row: RowWrite, columns: Iterable<string> | "all"): boolean {
  if (columns === "all") return false;
  for (const c of columns) if (row.whereNames.has(c)) return true;
  return false;
}

/**
 * For a write whose rows were chosen by a read made before the gate opened: the columns the
 * read's WHERE tested that the write changes, unless the write's WHERE tests them again
 * (`UPDATE teams SET full = 1 WHERE id = ? AND full = 0`: a column both read's and write's WHERE
 * test but the write leaves alone, such as the `id`, chooses the row and is not a check).
 * undefined when that is not stale.
 */
function staleChoice(select: SelectShape, row: RowWrite): string[] | undefined {
  const changed = changedOf(row, [...select.whereNames]);
  return changed.length > 0 && !reTests(row, changed) && !reTests(row, row.assigned) ? changed : undefined;
}

function sameTarget(a: ReadSite, b: ReadSite): boolean {
  if (a.key && b.key) return sameKey(a.key, b.key);
  if (a.tables && b.tables) return a.tables.length === b.tables.length && a.tables.every((t) => b.tables!.includes(t));
  return false;
}
