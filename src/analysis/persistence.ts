/**
 * Whether a value of a class reaches storage: written to it (`persists`), or read from it into a
 * field (`storageBackedFields`, the class's caches of storage). Both follow the value within its
 * statement, and through one variable, never through a name.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { type ClassNode, type Node, isClass, isFunction, keyName, memberName, methodCall, thisClass, unwrap } from "./ast.js";
import { resolveMethod } from "./callees.js";
import { mainVerb } from "./sql.js";
import { sqlRunOf } from "./sql-source.js";
import type { DurableObjectModel, HandleKind } from "./storage.js";

/** SQL verbs that store data. */
const SQL_WRITES = new Set(["insert", "update", "replace"]);

/** `put` on storage, a transaction or `storage.kv`; `sql.exec` of an `INSERT`/`UPDATE`/`REPLACE` (or of SQL built at run time). */
export function isStorageWrite(model: DurableObjectModel, h: { kind: HandleKind; method: string }, call: TSESTree.CallExpression): boolean {
  if ((h.kind === "storage" || h.kind === "txn" || h.kind === "kv") && h.method === "put") return true;
  if (h.kind !== "sql" || h.method !== "exec") return false;
  const run = sqlRunOf(model, call);
  // SQL built at run time may write: count it as a write, which keeps the rule silent.
  return !run || run.statements.some((s) => SQL_WRITES.has(mainVerb(s)));
}

export interface Persistence {
  /** Whether the value at `start` flows (within its statement, or through one variable) into a call that may store it. */
  persists(start: Node, followAliases: boolean): boolean;
}

/**
 * The calls that may store a value of `cls`: storage writes (`isStorageWrite`); `this.m(…)` of a
 * method that writes storage (`writesTransitively`), or whose body this file does not show for
 * certain (callees.ts: a method of another class or file, one a subclass overrides or the class
 * reassigns), except for the class's handle fields; a helper handed a storage handle; a binding
 * under `this.env`.
 */
export function persistence(model: DurableObjectModel, cls: ClassNode, writesTransitively: (method: string) => boolean): Persistence {
  const { sourceCode } = model;
  const facts = model.classOf(cls);
  const callCache = new Map<Node, boolean>();

  function persistingCall(call: TSESTree.CallExpression): boolean {
    let r = callCache.get(call);
    if (r === undefined) callCache.set(call, (r = computePersistingCall(call)));
    return r;
  }

  function computePersistingCall(call: TSESTree.CallExpression): boolean {
    const h = model.handleCall(call);
    if (h) return isStorageWrite(model, h, call);
    if (instanceCallMayPersist(call.callee)) return true;
    // A helper handed a storage handle may write with it.
    if (call.arguments.some((a) => a.type !== AST_NODE_TYPES.SpreadElement && model.kindOf(a) !== undefined)) return true;
    return rootedAtEnv(call.callee);
  }

  /** `this.m(…)` / `` this.m`…` ``: an own method that writes storage, or a method whose body is not certain. */
  function instanceCallMayPersist(callee: Node): boolean {
    const c = unwrap(callee);
    if (c.type !== AST_NODE_TYPES.MemberExpression || unwrap(c.object).type !== AST_NODE_TYPES.ThisExpression) return false;
    const name = memberName(c);
    if (name === undefined) return true;
    const own = facts.methods.get(name);
    if (own) return resolveMethod(model, cls, name) !== own || writesTransitively(name);
    return !facts.fields.has(name);
  }

  function persists(start: Node, followAliases: boolean): boolean {
    let n: Node = start;
    for (let p = n.parent; p; n = p, p = p.parent) {
      if (isFunction(p) || isClass(p)) return false;
      switch (p.type) {
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression:
          if (p.arguments.includes(n as TSESTree.CallExpressionArgument)) {
            if (p.type === AST_NODE_TYPES.CallExpression && persistingCall(p)) return true;
          } else if (p.callee === n && followAliases) {
            // `this.f.forEach((item) => …)`, `[...this.f].map(…)`: the callbacks see the items.
            for (const a of p.arguments) {
              if (isFunction(a) && sourceCode.getDeclaredVariables(a).some((v) => aliasPersists(v))) return true;
            }
          }
          break;
        case AST_NODE_TYPES.TaggedTemplateExpression:
          if (p.quasi === n && instanceCallMayPersist(p.tag)) return true;
          break;
        case AST_NODE_TYPES.VariableDeclarator:
          return p.init === n && followAliases && sourceCode.getDeclaredVariables(p).some((v) => aliasPersists(v));
        case AST_NODE_TYPES.ForOfStatement:
        case AST_NODE_TYPES.ForInStatement:
          return p.right === n && followAliases && sourceCode.getDeclaredVariables(p.left).some((v) => aliasPersists(v));
        default:
          if (isStatementLike(p)) return false;
      }
    }
    return false;
  }

  function aliasPersists(v: TSESLint.Scope.Variable): boolean {
    return v.references.some((r) => r.isRead() && persists(r.identifier, false));
  }

  return { persists };
}

/**
 * The fields of `cls` that a storage read among `reads` (calls in the class) flows into: assigned
 * to it or added to it (`this.f = v`, `this.f.x = v`, `this.f.set(k, v)`, a field initialiser),
 * directly or through the one variable it initialises (`const v = await storage.get(k)`, `for (const v of …)`).
 */
export function storageBackedFields(sourceCode: Readonly<TSESLint.SourceCode>, cls: ClassNode, reads: Iterable<Node>): Set<string> {
  const fields = new Set<string>();
  const variables = new Set<TSESLint.Scope.Variable>();
  /** `this.f` of `cls`: its name. */
  const field = (expr: Node): string | undefined => {
    const e = unwrap(expr);
    if (e.type !== AST_NODE_TYPES.MemberExpression || e.object.type !== AST_NODE_TYPES.ThisExpression) return undefined;
    return thisClass(e) === cls ? memberName(e) : undefined;
  };
  const mark = (start: Node, followVariables: boolean): void => {
    let n: Node = start;
    for (let p = n.parent; p; n = p, p = p.parent) {
      if (isFunction(p) || isClass(p)) return;
      let name: string | undefined;
      switch (p.type) {
        case AST_NODE_TYPES.AssignmentExpression: {
          if (p.right !== n) return;
          const target = unwrap(p.left);
          name = field(target) ?? (target.type === AST_NODE_TYPES.MemberExpression ? field(target.object) : undefined);
          break;
        }
        case AST_NODE_TYPES.CallExpression: {
          const mc = p.arguments.includes(n as TSESTree.CallExpressionArgument) ? methodCall(p) : undefined;
          name = mc && field(mc.receiver);
          break;
        }
        case AST_NODE_TYPES.PropertyDefinition:
          if (p.value === n && !p.static && p.parent.parent === cls) {
            const key = keyName(p.key, p.computed);
            if (key !== undefined) fields.add(key);
          }
          return;
        case AST_NODE_TYPES.VariableDeclarator:
          if (p.init === n && followVariables) for (const v of sourceCode.getDeclaredVariables(p)) variables.add(v);
          return;
        case AST_NODE_TYPES.ForOfStatement:
          if (p.right === n && followVariables) for (const v of sourceCode.getDeclaredVariables(p.left)) variables.add(v);
          return;
        default:
          if (isStatementLike(p)) return;
      }
      if (name !== undefined) {
        fields.add(name);
        return;
      }
    }
  };
  for (const read of reads) mark(read, true);
  for (const v of variables) for (const ref of v.references) if (ref.isRead()) mark(ref.identifier, false);
  return fields;
}

/** `this.env.X…(…)`: a binding (Workers KV, R2, D1, a queue, another object) that may store the value elsewhere. */
function rootedAtEnv(callee: Node): boolean {
  let e = unwrap(callee);
  for (;;) {
    if (e.type === AST_NODE_TYPES.MemberExpression) {
      const object = unwrap(e.object);
      if (object.type === AST_NODE_TYPES.ThisExpression) return memberName(e) === "env";
      e = object;
    } else if (e.type === AST_NODE_TYPES.CallExpression) {
      e = unwrap(e.callee);
    } else {
      return false;
    }
  }
}

/** Nodes a value flow stops at. */
function isStatementLike(n: Node): boolean {
  return (
    n.type.endsWith("Statement") ||
    n.type.endsWith("Declaration") ||
    n.type === AST_NODE_TYPES.Program ||
    n.type === AST_NODE_TYPES.SwitchCase ||
    n.type === AST_NODE_TYPES.CatchClause ||
    n.type === AST_NODE_TYPES.PropertyDefinition ||
    n.type === AST_NODE_TYPES.MethodDefinition ||
    n.type === AST_NODE_TYPES.StaticBlock
  );
}
