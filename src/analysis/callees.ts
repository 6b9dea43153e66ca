/**
 * Which function a call runs, when this file shows it: `this.m()` / `this.#m()` (a method or a
 * field arrow of the class, or of a local base class) and `helper()` (a function declared in this
 * file and never reassigned).
 *
 * `this.m()` is resolved only when nothing can replace `m` at run time: no local subclass declares
 * its own `m`, and nothing writes `this.m` (`this.m = …`, `this[k] = …`, `({ m: this.m } = o)`,
 * `delete this.m`, …) in the class, its bases or its subclasses. Otherwise, or when no `m` is found (a framework base class, a mixin), the answer is
 * "unknown": the callee is the class's, but the analysis cannot say which body runs. Any other
 * call (`obj.m()`, an import, a parameter) resolves to nothing: it is not this file's to follow.
 */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import {
  type ClassNode,
  type FunctionNode,
  type Node,
  declaresMember,
  isClass,
  isFunction,
  isWriteTarget,
  keyName,
  memberName,
  thisClass,
  unwrap,
  walk,
} from "./ast.js";
import type { ClassFacts, DurableObjectModel } from "./storage.js";

/** A member assigned through a computed key (`this[k] = …`): no member of that class is trusted. */
const ANY_MEMBER = "\0any";
/**
 * Text that may hold a write to `this.x` other than an assignment: `delete this.x`, `this.x++`,
 * `--this.x`, a destructuring or `for…of` target (`[this.a] = …`, `({ k: this.a } = o)`), and any
 * write through a cast (`(this as any)[k] = …`, `this!.x`), which the token search does not see. A cheap
 * over-approximation: where it matches, the member is walked.
 */
const OTHER_THIS_WRITES =
  /\(\s*(?:<[^>]*>\s*)?this\b|\bthis\s*!|delete\s+this\b|(?:\+\+|--)\s*this\b|\bthis\s*(?:\.\s*#?[\w$]+|\[[^\]]*\])\s*(?:\+\+|--|[,\]}]|\s+of\b)/;
/** Base classes followed at most (a longer chain is answered "unknown"). */
const MAX_BASES = 8;

export type Callee = FunctionNode | "unknown" | undefined;

class Callees {
  private readonly methods = new Map<ClassNode, Map<string, Callee>>();
  private readonly wrappers = new Map<ClassNode, Map<string, boolean>>();
  private readonly fieldValues = new Map<ClassNode, Map<string, (Node | null)[]>>();
  private readonly assigned = new Map<ClassNode, ReadonlySet<string>>();
  private subclasses: Map<ClassNode, ClassNode[]> | undefined;
  /** The answer for each call asked about: several rules, and both halves of a rule's check, ask about the same calls. */
  private readonly byCall = new Map<TSESTree.CallExpression, Callee>();
  /** Methods being computed: an answer that may depend on one (a cycle of bases reads "unknown") is not kept. */
  private computing = 0;

  constructor(private readonly model: DurableObjectModel) {}

  of(call: TSESTree.CallExpression): Callee {
    if (this.byCall.has(call)) return this.byCall.get(call);
    const callee = this.ref(call.callee);
    if (this.computing === 0) this.byCall.set(call, callee);
    return callee;
  }

  /** The function an expression names: `this.m`, `this.#m`, a local function's name. */
  ref(expr: Node): Callee {
    const e = unwrap(expr);
    if (e.type === AST_NODE_TYPES.MemberExpression) {
      if (unwrap(e.object).type !== AST_NODE_TYPES.ThisExpression) return undefined;
      const name = memberName(e);
      const cls = thisClass(e.object);
      return name === undefined || !cls ? "unknown" : this.method(cls, name);
    }
    return e.type === AST_NODE_TYPES.Identifier ? this.localFunction(e) : undefined;
  }

  /** The body `this.name()` runs in an instance of `cls`, if only one can. */
  method(cls: ClassNode, name: string): Callee {
    let byName = this.methods.get(cls);
    if (!byName) this.methods.set(cls, (byName = new Map()));
    if (byName.has(name)) return byName.get(name);
    byName.set(name, "unknown"); // while computing (a cycle of bases ends here)
    this.computing++;
    let found: Callee;
    try {
      found = this.computeMethod(cls, name);
    } finally {
      this.computing--;
    }
    byName.set(name, found);
    return found;
  }

  private computeMethod(cls: ClassNode, name: string): Callee {
    let facts: ClassFacts | "durable-object" | undefined = this.model.classOf(cls);
    const seen = new Set<ClassFacts>();
    for (let i = 0; facts && facts !== "durable-object" && i < MAX_BASES && !seen.has(facts); i++) {
      seen.add(facts);
      const fn = facts.methods.get(name);
      // Found: unless a subclass or a write may replace it. (Asked only now: most names called on
      // `this` that the chain does not declare, such as a framework base's methods, never need it.)
      if (fn) return this.replaceable(cls, name) ? "unknown" : fn;
      if (this.assignedIn(facts.node).has(name) || this.assignedIn(facts.node).has(ANY_MEMBER)) return "unknown";
      facts = facts.base;
    }
    return "unknown";
  }

  /**
   * Whether every value the class stores in its field `name` is an object of the app that is given
   * nothing to do I/O with, or only a Durable Object handle: `this.queue = new AlarmQueue(ctx)`,
   * `this.games = createStore(this.ctx.storage)`, `this.rules = new RulesEngine()` (a class of this
   * file or of a relative import, built with no argument but literals and handles). Such an object
   * (a storage wrapper or in-memory logic of the app, often in another file) may well touch nothing
   * but storage: what awaiting its methods does to the gate is unknown, not "opens". An object of a
   * package (`new OpenAI(…)`), or one given `this`, the env or any other value, stays I/O.
   */
  wrapsHandle(cls: ClassNode, name: string): boolean {
    let byName = this.wrappers.get(cls);
    if (!byName) this.wrappers.set(cls, (byName = new Map()));
    let known = byName.get(name);
    if (known === undefined) {
      const values = this.fieldValuesOf(cls).get(name);
      known = values !== undefined && values.length > 0 && values.every((v) => v !== null && this.builtFromHandle(v));
      byName.set(name, known);
    }
    return known;
  }

  /** Every value each field of `cls` is given (its initialiser, `this.f = …`), one pass over the class; null for a compound assignment. */
  private fieldValuesOf(cls: ClassNode): Map<string, (Node | null)[]> {
    let values = this.fieldValues.get(cls);
    if (!values) {
      const out = new Map<string, (Node | null)[]>();
      const add = (name: string, v: Node | null) => {
        const list = out.get(name);
        if (list) list.push(v);
        else out.set(name, [v]);
      };
      for (const el of cls.body.body) {
        if (el.type === AST_NODE_TYPES.PropertyDefinition && !el.static && el.value) {
          const name = keyName(el.key, el.computed);
          if (name !== undefined) add(name, el.value);
        }
      }
      for (const a of this.model.thisAssignmentsOf(cls)) {
        const name = memberName(a.left as TSESTree.MemberExpression);
        if (name !== undefined) add(name, a.operator === "=" ? a.right : null);
      }
      this.fieldValues.set(cls, (values = out));
    }
    return values;
  }

  private builtFromHandle(value: Node): boolean {
    const v = unwrap(value);
    if (v.type !== AST_NODE_TYPES.NewExpression && v.type !== AST_NODE_TYPES.CallExpression) return false;
    if (v.arguments.some((a) => a.type !== AST_NODE_TYPES.SpreadElement && this.model.kindOf(a) !== undefined)) return true;
    return v.type === AST_NODE_TYPES.NewExpression && this.isAppClass(v.callee) && v.arguments.every((a) => this.isInert(a));
  }

  /** A class declared in this file, or imported from a relative path (`./ai`, `../lib/x`, `#internal`): the app's own code, not a package. */
  private isAppClass(callee: Node): boolean {
    const c = unwrap(callee);
    if (c.type !== AST_NODE_TYPES.Identifier) return false;
    const def = findVariable(this.model.sourceCode.getScope(c), c.name)?.defs[0];
    if (def?.type === "ClassName") return true;
    if (def?.type !== "ImportBinding" || def.parent?.type !== AST_NODE_TYPES.ImportDeclaration) return false;
    const source = def.parent.source.value;
    return source.startsWith(".") || source.startsWith("/") || source.startsWith("#");
  }

  /** A constructor argument that gives no way to do I/O: a literal, a handle, or an object or array of those. */
  private isInert(arg: Node): boolean {
    const a = unwrap(arg);
    switch (a.type) {
      case AST_NODE_TYPES.Literal:
        return true;
      case AST_NODE_TYPES.TemplateLiteral:
        return a.expressions.length === 0;
      case AST_NODE_TYPES.ArrayExpression:
        return a.elements.every((e) => e !== null && e.type !== AST_NODE_TYPES.SpreadElement && this.isInert(e));
      case AST_NODE_TYPES.ObjectExpression:
        return a.properties.every((p) => p.type === AST_NODE_TYPES.Property && !p.computed && this.isInert(p.value));
      default:
        return this.model.kindOf(a) !== undefined;
    }
  }

  /** A local subclass of `cls` declares its own `name`, or some class on the way writes `this.name`. */
  private replaceable(cls: ClassNode, name: string): boolean {
    const below = [cls];
    const seen = new Set<ClassNode>([cls]);
    for (let i = 0; i < below.length; i++) {
      const c = below[i];
      const names = this.assignedIn(c);
      if (names.has(name) || names.has(ANY_MEMBER)) return true;
      if (c !== cls && declaresMember(c, name)) return true;
      for (const sub of this.subclassesOf(c)) {
        if (!seen.has(sub)) {
          seen.add(sub);
          below.push(sub);
        }
      }
    }
    return false;
  }

  /** The local classes that extend `cls` directly (an index of the file's classes by their base, built once, without class facts). */
  private subclassesOf(cls: ClassNode): readonly ClassNode[] {
    if (!this.subclasses) {
      this.subclasses = new Map();
      for (const c of this.model.classes()) {
        const base = c.superClass ? localClass(c.superClass, this.model) : undefined;
        if (base) {
          const list = this.subclasses.get(base);
          if (list) list.push(c);
          else this.subclasses.set(base, [c]);
        }
      }
    }
    return this.subclasses.get(cls) ?? [];
  }

  /**
   * The member names `cls` writes through `this` in its own members (`this.x = …`, `this.x++`,
   * `delete this.x`, a destructuring target), outside nested non-arrow functions and classes, where
   * `this` is another object. Assignments come from `thisAssignmentsIn` (the text and the tokens);
   * the members whose text shows one of the other forms are walked as well.
   */
  private assignedIn(cls: ClassNode): ReadonlySet<string> {
    let names = this.assigned.get(cls);
    if (!names) {
      const out = new Set<string>();
      for (const a of this.model.thisAssignmentsOf(cls)) out.add(memberName(a.left as TSESTree.MemberExpression) ?? ANY_MEMBER);
      const text = this.model.sourceCode.text;
      for (const el of cls.body.body) {
        const body =
          (el.type === AST_NODE_TYPES.MethodDefinition || el.type === AST_NODE_TYPES.PropertyDefinition) && !el.static ? el.value : null;
        if (body && OTHER_THIS_WRITES.test(text.slice(body.range[0], body.range[1]))) this.walkWrites(body, out);
      }
      this.assigned.set(cls, (names = out));
    }
    return names;
  }

  private walkWrites(body: Node, out: Set<string>): void {
    walk(body, this.model.sourceCode.visitorKeys, (n) => {
      if (n !== body && (isClass(n) || (isFunction(n) && n.type !== AST_NODE_TYPES.ArrowFunctionExpression))) return false;
      if (n.type === AST_NODE_TYPES.MemberExpression && unwrap(n.object).type === AST_NODE_TYPES.ThisExpression && isWriteTarget(n)) {
        out.add(memberName(n) ?? ANY_MEMBER);
      }
      return true;
    });
  }

  private localFunction(id: TSESTree.Identifier): FunctionNode | undefined {
    const variable = findVariable(this.model.sourceCode.getScope(id), id.name);
    if (!variable || variable.defs.length !== 1) return undefined;
    const def = variable.defs[0];
    if (def.type === "FunctionName" && isFunction(def.node as Node)) return def.node as FunctionNode;
    if (def.type === "Variable" && !variable.references.some((r) => r.isWrite() && !r.init)) {
      const decl = def.node as TSESTree.VariableDeclarator;
      const init = decl.id === def.name && decl.init ? unwrap(decl.init) : undefined;
      if (init && isFunction(init)) return init;
    }
    return undefined;
  }
}

/** The class of this file that `expr` (an `extends` clause) names: a class declaration, or a `const` holding a class expression. */
function localClass(expr: Node, model: DurableObjectModel): ClassNode | undefined {
  const e = unwrap(expr);
  if (e.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = findVariable(model.sourceCode.getScope(e), e.name);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  const node = def?.node as Node | undefined;
  if (def?.type === "ClassName" && isClass(node)) return node;
  if (def?.type === "Variable" && node?.type === AST_NODE_TYPES.VariableDeclarator && node.init) {
    const init = unwrap(node.init);
    return isClass(init) ? init : undefined;
  }
  return undefined;
}

const callees = new WeakMap<DurableObjectModel, Callees>();

function calleesOf(model: DurableObjectModel): Callees {
  let c = callees.get(model);
  if (!c) callees.set(model, (c = new Callees(model)));
  return c;
}

/** The function `call` runs, if this file shows it; "unknown" for a `this.m()` whose body cannot be pinned down. */
export function resolveCallee(model: DurableObjectModel, call: TSESTree.CallExpression): Callee {
  return calleesOf(model).of(call);
}

/** The function `expr` names (`this.m`, `this.#m`, `helper`), as `resolveCallee` resolves a call of it. */
export function resolveFunctionRef(model: DurableObjectModel, expr: Node): Callee {
  return calleesOf(model).ref(expr);
}

/**
 * For `this.f.m()`: whether field `f` holds an object the class built from a Durable Object handle
 * (see `Callees#wrapsHandle`).
 */
export function receiverWrapsHandle(model: DurableObjectModel, receiver: Node): boolean {
  const r = unwrap(receiver);
  if (r.type !== AST_NODE_TYPES.MemberExpression || unwrap(r.object).type !== AST_NODE_TYPES.ThisExpression) return false;
  const name = memberName(r);
  const cls = thisClass(r.object);
  return name !== undefined && cls !== undefined && calleesOf(model).wrapsHandle(cls, name);
}

/** The body `this.name()` runs in `cls` (see `resolveCallee`). */
export function resolveMethod(model: DurableObjectModel, cls: ClassNode, name: string): Callee {
  return calleesOf(model).method(cls, name);
}
