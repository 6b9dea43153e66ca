/**
 * The class model: what the classes of a file are made of, for the rules that follow code from one
 * member of a class to another.
 *
 * - `ownerOf(node)`: the member of a class that code at `node` runs for: a method (or a
 *   function-valued field) by name, the constructor, the field initialisers, or an accessor.
 * - Per class, from one walk of its instance members (static members are the class's, not the
 *   instance's; a nested class is a class of its own): every `this.x` where `this` is the instance
 *   (through arrow functions, not through other functions), every call (through any nested
 *   function: a callback still runs for the member), and the `this.*` writes among the former.
 * - The same-class call graph over `this.m(…)`, in two strengths: `possible` has an edge for every
 *   call that names a method of the class's own; `certain` keeps only the edges callees.ts resolves
 *   to that very method (no subclass of the file declares `m`, nothing writes `this.m`). A rule takes
 *   the one whose mistakes keep it silent: "reaches a read" over `certain`, "may write" over `possible`.
 * - `closure`: reachability over either graph, from a set of entry members (a visited set: each
 *   member once).
 *
 * One model per file, keyed on the file's DurableObjectModel in a WeakMap; each class is indexed
 * when first asked about.
 */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import {
  type ClassNode,
  type FunctionNode,
  type Node,
  isClass,
  isFunction,
  isValueWrapper,
  keyName,
  memberName,
  unwrap,
  valueKeys,
  walk,
} from "./ast.js";
import { resolveMethod } from "./callees.js";
import type { DurableObjectModel } from "./storage.js";

/** The key of the constructor, and the one shared by every field initialiser (they run together, at construction). */
export const CONSTRUCTOR: unique symbol = Symbol("constructor");
export const INITIALISERS: unique symbol = Symbol("field initialisers");
export type MemberKey = string | typeof CONSTRUCTOR | typeof INITIALISERS;

/** Where code of a class runs. */
export interface Member {
  readonly cls: ClassNode;
  /** A method's (or function-valued field's) name, `CONSTRUCTOR` or `INITIALISERS`; undefined for an accessor or a computed name. */
  readonly key: MemberKey | undefined;
  /** The member's own function; undefined for a field initialiser. */
  readonly fn: FunctionNode | undefined;
}

/** A `this.x` (or `(this as T).x`) where `this` is the instance. */
export interface ThisMember {
  readonly node: TSESTree.MemberExpression;
  readonly name: string | undefined;
  readonly owner: Member;
  /** The function the expression is directly in: the member's own, or an arrow function in it (undefined in a field initialiser's own code). */
  readonly fn: FunctionNode | undefined;
}

/** A write to the instance: `this.a = …`, `this.a.b += …`, `this.n++`, `[this.a] = …`, `delete this.a`, `for (this.a of …)`. */
export interface ThisWrite {
  /** The assignment, update, `delete` or `for…in/of` statement that writes. */
  readonly write:
    | TSESTree.AssignmentExpression
    | TSESTree.UpdateExpression
    | TSESTree.UnaryExpression
    | TSESTree.ForInStatement
    | TSESTree.ForOfStatement;
  /** What is written: the `this.a` of the use, or the member chain on it (`this.a.b`). */
  readonly target: Node;
  readonly use: ThisMember;
}

export interface CallSite {
  readonly node: TSESTree.CallExpression;
  readonly owner: Member;
}

/** Same-class calls `this.m(…)` between members, by name. */
export interface CallGraph {
  /** The methods `key` calls. */
  callees(key: MemberKey): readonly string[];
  /** The methods (by name: not the constructor or field initialisers) that call `name`. */
  callers(name: string): readonly string[];
  /**
   * The methods that run only when `entry` runs: `entry`, and each method called only from such
   * methods and never referenced otherwise (`this.m` passed on, stored, bound); over `certain`
   * edges, a method whose body is not certain is never one.
   */
  exclusivelyFrom(entry: string): ReadonlySet<string>;
}

export interface ClassIndex {
  readonly cls: ClassNode;
  readonly thisMembers: readonly ThisMember[];
  readonly calls: readonly CallSite[];
  readonly writes: readonly ThisWrite[];
  /** Every `this.m(…)` naming an own method of the class. */
  readonly possible: CallGraph;
  /** The calls whose body callees.ts pins down to that own method. */
  readonly certain: CallGraph;
}

/** Everything reachable from `start` through `next`, `start` included (each element visited once). */
export function closure<T>(start: Iterable<T>, next: (t: T) => Iterable<T>): Set<T> {
  const seen = new Set<T>(start);
  const stack = [...seen];
  while (stack.length > 0) {
    for (const u of next(stack.pop()!)) {
      if (!seen.has(u)) {
        seen.add(u);
        stack.push(u);
      }
    }
  }
  return seen;
}

/**
 * The instance member of a class whose code `node` is: climbs out through arrow functions (and,
 * with `throughFunctions`, through any nested function: a call in a callback still runs for the
 * member). Undefined in a static member, a computed key, or a non-arrow function (without
 * `throughFunctions`) that is not itself a member.
 */
export function ownerOf(node: Node, throughFunctions = false): Member | undefined {
  let child: Node = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    if (isFunction(n)) {
      const m = n.parent;
      if ((m?.type === AST_NODE_TYPES.MethodDefinition || m?.type === AST_NODE_TYPES.PropertyDefinition) && m.value === n) {
        return !m.static && isClass(m.parent.parent) ? memberOf(m, m.parent.parent) : undefined;
      }
      if (n.type !== AST_NODE_TYPES.ArrowFunctionExpression && !throughFunctions) return undefined;
      continue;
    }
    switch (n.type) {
      case AST_NODE_TYPES.PropertyDefinition:
      case AST_NODE_TYPES.AccessorProperty:
        return n.value === child && !n.static && isClass(n.parent.parent) ? memberOf(n, n.parent.parent) : undefined;
      case AST_NODE_TYPES.MethodDefinition:
      case AST_NODE_TYPES.StaticBlock:
      case AST_NODE_TYPES.ClassBody:
        return undefined;
      default:
        if (isClass(n)) return undefined;
    }
  }
  return undefined;
}

type InstanceElement = TSESTree.MethodDefinition | TSESTree.PropertyDefinition | TSESTree.AccessorProperty;

/** The member an instance element of `cls` is. */
function memberOf(el: InstanceElement, cls: ClassNode): Member {
  if (el.type === AST_NODE_TYPES.MethodDefinition) {
    const fn = el.value as TSESTree.FunctionExpression; // a body: ownerOf and the index only ask about those
    if (el.kind === "constructor") return { cls, key: CONSTRUCTOR, fn };
    return { cls, key: el.kind === "method" ? keyName(el.key, el.computed) : undefined, fn };
  }
  if (el.type === AST_NODE_TYPES.AccessorProperty) return { cls, key: undefined, fn: undefined };
  const value = el.value;
  return isFunction(value) ? { cls, key: keyName(el.key, el.computed), fn: value } : { cls, key: INITIALISERS, fn: undefined };
}

class Index implements ClassIndex {
  readonly thisMembers: ThisMember[] = [];
  readonly calls: CallSite[] = [];
  private writeList: ThisWrite[] | undefined;
  private possibleGraph: CallGraph | undefined;
  private certainGraph: CallGraph | undefined;

  constructor(
    private readonly model: DurableObjectModel,
    readonly cls: ClassNode,
  ) {
    let initialisers: Member | undefined;
    for (const el of cls.body.body) {
      if (
        (el.type !== AST_NODE_TYPES.MethodDefinition &&
          el.type !== AST_NODE_TYPES.PropertyDefinition &&
          el.type !== AST_NODE_TYPES.AccessorProperty) ||
        el.static ||
        !el.value ||
        (el.type === AST_NODE_TYPES.MethodDefinition && el.value.type !== AST_NODE_TYPES.FunctionExpression)
      ) {
        continue;
      }
      let member = memberOf(el, cls);
      // Field initialisers are one member: one object for them all.
      if (member.key === INITIALISERS) member = initialisers ??= member;
      this.walk(el, member);
    }
  }

  /** One walk of a member's value: `this.x` where `this` is the instance, and every call. */
  private walk(el: InstanceElement, owner: Member): void {
    const root = el.value!;
    const keys = this.model.sourceCode.visitorKeys;
    const nodes: Node[] = [root];
    const instance: boolean[] = [true];
    const fns: (FunctionNode | undefined)[] = [undefined];
    while (nodes.length > 0) {
      const n = nodes.pop()!;
      let inst = instance.pop()!;
      let fn = fns.pop();
      if (isClass(n)) continue; // a class of its own
      if (isFunction(n)) {
        fn = n;
        // `this` is the instance in a method's own function and through arrows, not in other functions.
        if (n.type !== AST_NODE_TYPES.ArrowFunctionExpression) inst = inst && n === root && el.type === AST_NODE_TYPES.MethodDefinition;
      } else if (n.type === AST_NODE_TYPES.MemberExpression) {
        if (inst && unwrap(n.object).type === AST_NODE_TYPES.ThisExpression) {
          this.thisMembers.push({ node: n, name: memberName(n), owner, fn });
        }
      } else if (n.type === AST_NODE_TYPES.CallExpression) {
        this.calls.push({ node: n, owner });
      }
      const childKeys = valueKeys(keys, n.type);
      if (childKeys.length === 0) continue;
      for (let i = childKeys.length - 1; i >= 0; i--) {
        const child = (n as unknown as Record<string, unknown>)[childKeys[i]];
        if (Array.isArray(child)) {
          for (let j = child.length - 1; j >= 0; j--) {
            const c = child[j] as Node | null;
            if (c && typeof c.type === "string") {
              nodes.push(c);
              instance.push(inst);
              fns.push(fn);
            }
          }
        } else if (child && typeof (child as Node).type === "string") {
          nodes.push(child as Node);
          instance.push(inst);
          fns.push(fn);
        }
      }
    }
  }

  get writes(): readonly ThisWrite[] {
    if (!this.writeList) {
      this.writeList = [];
      for (const use of this.thisMembers) {
        const w = writeOf(use.node);
        if (w) this.writeList.push({ write: w.write, target: w.target, use });
      }
    }
    return this.writeList;
  }

  get possible(): CallGraph {
    return (this.possibleGraph ??= this.graph(false));
  }

  get certain(): CallGraph {
    return (this.certainGraph ??= this.graph(true));
  }

  private graph(certain: boolean): CallGraph {
    const { model, cls } = this;
    const own = model.classOf(cls).methods;
    const callees = new Map<MemberKey, Set<string>>();
    const callers = new Map<string, Set<MemberKey>>();
    const escaped = new Set<string>();
    const pinned = new Map<string, boolean>();
    for (const use of this.thisMembers) {
      const { name, owner, node } = use;
      if (name === undefined || owner.key === undefined || !own.has(name)) continue;
      let sure = pinned.get(name);
      if (sure === undefined) pinned.set(name, (sure = !certain || resolveMethod(model, cls, name) === own.get(name)));
      const p = node.parent;
      if (!sure || p.type !== AST_NODE_TYPES.CallExpression || p.callee !== node) {
        escaped.add(name);
        continue;
      }
      add(callees, owner.key, name);
      add(callers, name, owner.key);
    }
    const none: readonly string[] = [];
    const calleesOf = (key: MemberKey): readonly string[] => [...(callees.get(key) ?? none)];
    return {
      callees: calleesOf,
      callers: (name) => [...(callers.get(name) ?? [])].filter((k): k is string => typeof k === "string"),
      exclusivelyFrom(entry) {
        const only = new Set<string>([entry]);
        // Callers not (yet) known to run only from `entry`.
        const outside = new Map<string, number>();
        for (const [name, set] of callers) outside.set(name, escaped.has(name) ? Infinity : set.size);
        for (const work = [entry]; work.length > 0;) {
          for (const callee of calleesOf(work.pop()!)) {
            const left = (outside.get(callee) ?? Infinity) - 1;
            outside.set(callee, left);
            if (left === 0 && !only.has(callee)) {
              only.add(callee);
              work.push(callee);
            }
          }
        }
        return only;
      },
    };
  }
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * For a `this.a`: the write it is the target of, with the written member chain (`this.a.b` of
 * `this.a.b = …`), climbing through value wrappers and destructuring patterns.
 */
function writeOf(use: TSESTree.MemberExpression): { write: ThisWrite["write"]; target: Node } | undefined {
  let target: Node = use;
  let n: Node = use;
  for (let p = n.parent; p; n = p, p = p.parent) {
    if (p.type === AST_NODE_TYPES.MemberExpression && p.object === n) target = p;
    else if (!isValueWrapper(p) && p.type !== AST_NODE_TYPES.ChainExpression) break;
  }
  for (let p = n.parent; p; n = p, p = p.parent) {
    switch (p.type) {
      case AST_NODE_TYPES.AssignmentExpression:
        return p.left === n ? { write: p, target } : undefined;
      case AST_NODE_TYPES.UpdateExpression:
        return { write: p, target };
      case AST_NODE_TYPES.UnaryExpression:
        return p.operator === "delete" ? { write: p, target } : undefined;
      case AST_NODE_TYPES.ForInStatement:
      case AST_NODE_TYPES.ForOfStatement:
        return p.left === n ? { write: p, target } : undefined;
      case AST_NODE_TYPES.ArrayPattern:
      case AST_NODE_TYPES.ObjectPattern:
      case AST_NODE_TYPES.RestElement:
        continue;
      case AST_NODE_TYPES.AssignmentPattern:
        if (p.left !== n) return undefined;
        continue;
      case AST_NODE_TYPES.Property:
        if (p.value !== n || p.parent?.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
        continue;
      default:
        if (!isValueWrapper(p)) return undefined;
    }
  }
  return undefined;
}

const indexes = new WeakMap<DurableObjectModel, Map<ClassNode, ClassIndex>>();

/** The index of `cls` (built when first asked, once per file). */
export function classIndex(model: DurableObjectModel, cls: ClassNode): ClassIndex {
  let byClass = indexes.get(model);
  if (!byClass) indexes.set(model, (byClass = new Map()));
  let index = byClass.get(cls);
  if (!index) byClass.set(cls, (index = new Index(model, cls)));
  return index;
}

/** The `this.*` writes directly in `fn` (a member's function or an arrow function in it), not in functions nested in it. */
export function thisWritesIn(model: DurableObjectModel, fn: FunctionNode): ThisWrite[] {
  const owner = ownerOf(fn.body);
  return owner ? classIndex(model, owner.cls).writes.filter((w) => w.use.fn === fn) : [];
}

/**
 * The instance fields the class body declares, by name, each with its key; `null` for names that
 * are also a method or an accessor (not a plain field). Function-valued fields are methods.
 */
export function declaredFields(cls: ClassNode): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  for (const el of cls.body.body) {
    if (
      el.type === AST_NODE_TYPES.MethodDefinition ||
      el.type === AST_NODE_TYPES.AccessorProperty ||
      el.type === AST_NODE_TYPES.TSAbstractMethodDefinition
    ) {
      const name = keyName(el.key, el.computed);
      if (name !== undefined) out.set(name, null);
    } else if (el.type === AST_NODE_TYPES.PropertyDefinition && !el.static && !isFunction(el.value)) {
      const name = keyName(el.key, el.computed);
      if (name !== undefined && !out.has(name)) out.set(name, el.key);
    }
  }
  return out;
}

const firstAwaits = new WeakMap<FunctionNode, Node | null>();

/**
 * The first `await` or `for await` of `fn` itself, in source order (those of functions nested in it
 * count for those), found by one walk of its body when first asked.
 */
export function firstAwait(fn: FunctionNode, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>): Node | undefined {
  let found = firstAwaits.get(fn);
  if (found === undefined) {
    found = null;
    walk(fn.body, visitorKeys, (n) => {
      if (found || isFunction(n)) return false;
      if (n.type === AST_NODE_TYPES.AwaitExpression || (n.type === AST_NODE_TYPES.ForOfStatement && n.await)) found = n;
      return !found;
    });
    firstAwaits.set(fn, found);
  }
  return found ?? undefined;
}
