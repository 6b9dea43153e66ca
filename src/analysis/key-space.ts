/**
 * What a file shows about the keys of a storage: which `put` stores a key that varies (one key per
 * message, per user, per request…) in the range a `list()` reads, and whether a Durable Object's
 * keys are a fixed set.
 *
 * An object's key-value storage is written only by code that holds the object's storage. A `put`
 * counts for the `list()`s of the same class (or of a class it extends, or that extends it: they
 * share the instance), and a `put` outside any class (a module function given the storage) counts
 * for every `list()` of the file. A key is constant when it is a string or number literal, a
 * template or `+` of constants, a `const` bound to one, a member of a `const` object literal never
 * written through, an enum member, a static readonly field, or an imported binding (one value each).
 * A key that is a parameter of the function is what its callers pass: followed to every call when
 * they are all in this file (a private method, a field arrow, a function that is not exported and
 * never used as a value); otherwise the caller chooses the key (a public method can be called over
 * RPC with any key) and it varies. `put(entries)` of an object the analysis does not read varies.
 * With `list({ prefix })`, a varying key whose constant start (`` `msg:${id}` ``, `"msg:" + id`)
 * cannot lie under the prefix does not count. SQL writes never count: SQL cannot reach the
 * key-value table (runtime-facts.md).
 *
 * The keys are a fixed set ("closed") only when the file shows every way to the storage: the class
 * extends `DurableObject` from `cloudflare:workers` (or nothing: the old module style), since a
 * framework base class may store keys of its own; and neither the state, the storage nor `this` is
 * handed to code the analysis does not follow (an argument of an unknown function, a destructuring,
 * a return value, an object property…).
 *
 * Computed once per file, on the first `list()` asked about, by one walk of the file.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import {
  type ClassNode,
  type FunctionNode,
  type Node,
  classMemberOf,
  isClass,
  isReference,
  isWriteTarget,
  keyName,
  memberName,
  outermostValue,
  thisClass,
  unwrap,
  walk,
} from "./ast.js";
import { resolveCallee } from "./callees.js";
import { isReassigned } from "./scope.js";
import type { DurableObjectModel, HandleKind } from "./storage.js";

/** How deep a key is followed through `const`s, and through helpers' parameters to their callers. */
const MAX_DEPTH = 4;
/** How many local base classes are climbed to find the class whose instances share a storage. */
const MAX_BASES = 8;
const PUT: ReadonlySet<string> = new Set(["put"]);

/** A write whose key varies: where it is (the `put`, or the call that passes the key to a helper) and the key's constant start. */
export interface GrowingWrite {
  node: TSESTree.CallExpression;
  key: Node | undefined;
  head: string | undefined;
}

/** What a key expression can be: one constant, a parameter of a function, or a value that varies (with its constant start). */
type KeyClass = "constant" | { fn: FunctionNode; index: number } | { head: string | undefined };

const MODULE = Symbol("module");

class KeySpace {
  /** Growing writes by the outermost local class of the code that does them (module code: `MODULE`). */
  private readonly growing = new Map<ClassNode | typeof MODULE, GrowingWrite[]>();
  private readonly calls: TSESTree.CallExpression[] = [];
  /** Names of members read without being called (`this.save` passed as a value). */
  private readonly uncalledMembers = new Set<string>();
  private readonly paramWrites: { fn: FunctionNode; index: number; put: TSESTree.CallExpression }[] = [];
  /**
   * Owners whose storage, state or `this` reaches code the analysis does not follow: worked out
   * from `uses` (the `this` expressions and the references and member expressions of the file, in
   * the walk's order) when `closed` first asks, since a `list()` with a growing write never does.
   */
  private escapes: Set<ClassNode | typeof MODULE> | undefined;
  private readonly uses: (TSESTree.ThisExpression | TSESTree.MemberExpression | TSESTree.Identifier)[] = [];

  constructor(
    private readonly model: DurableObjectModel,
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
  ) {
    walk(sourceCode.ast, sourceCode.visitorKeys, (n) => {
      switch (n.type) {
        case AST_NODE_TYPES.CallExpression:
          this.calls.push(n);
          break;
        case AST_NODE_TYPES.ThisExpression:
          this.uses.push(n);
          return false;
        case AST_NODE_TYPES.MemberExpression: {
          const v = outermostValue(n, true);
          const name = memberName(n);
          if (name !== undefined && !(v.parent?.type === AST_NODE_TYPES.CallExpression && v.parent.callee === v)) {
            this.uncalledMembers.add(name);
          }
          this.uses.push(n);
          break;
        }
        case AST_NODE_TYPES.Identifier:
          if (isReference(n)) this.uses.push(n);
          return false;
        case AST_NODE_TYPES.TSTypeAnnotation:
        case AST_NODE_TYPES.TSTypeParameterInstantiation:
        case AST_NODE_TYPES.TSInterfaceDeclaration:
        case AST_NODE_TYPES.TSTypeAliasDeclaration:
          return false;
      }
      return true;
    });
    for (const call of this.calls) {
      const h = model.handleCall(call, PUT);
      if (h && h.kind !== "state" && h.kind !== "sql") this.putKeys(call);
    }
    this.followParamWrites();
  }

  /**
   * Whether the `list()` is in a Durable Object class whose keys this file shows to be a fixed set
   * (see the module comment), apart from keys that cannot fall in its range.
   */
  closed(list: TSESTree.CallExpression, prefix: string | undefined): boolean {
    const cls = thisClass(list);
    if (!cls || !this.model.classOf(cls).isDurableObject) return false;
    const owner = this.ownerOf(list);
    if (owner === MODULE || !this.plainBase(owner)) return false;
    const escaped = this.escaped();
    if (escaped.has(owner) || escaped.has(MODULE)) return false;
    return this.growingWrite(list, prefix) === undefined;
  }

  /** The first write of the file whose key varies and may fall in the range of `list` (under `prefix`, when given). */
  growingWrite(list: TSESTree.CallExpression, prefix: string | undefined): GrowingWrite | undefined {
    const owner = this.ownerOf(list);
    const writes = [...(this.growing.get(owner) ?? []), ...(owner === MODULE ? [] : (this.growing.get(MODULE) ?? []))];
    return writes
      .filter((w) => prefix === undefined || w.head === undefined || w.head.startsWith(prefix) || prefix.startsWith(w.head))
      .sort((a, b) => a.node.range[0] - b.node.range[0])[0];
  }

  /** The outermost local class of the class around `node` (instances of a class and of its local subclasses share one storage). */
  private ownerOf(node: Node): ClassNode | typeof MODULE {
    let cls: ClassNode | undefined;
    for (let n = node.parent; n; n = n.parent) {
      if (isClass(n)) {
        cls = n;
        break;
      }
    }
    if (!cls) return MODULE;
    let owner: ClassNode = cls;
    for (let i = 0; i < MAX_BASES; i++) {
      const base: ReturnType<DurableObjectModel["classOf"]>["base"] = this.model.classOf(owner).base;
      if (!base || base === "durable-object") break;
      owner = base.node;
    }
    return owner;
  }

  private grow(at: Node, write: GrowingWrite): void {
    const owner = this.ownerOf(at);
    const list = this.growing.get(owner);
    if (list) list.push(write);
    else this.growing.set(owner, [write]);
  }

  private escaped(): ReadonlySet<ClassNode | typeof MODULE> {
    if (!this.escapes) {
      this.escapes = new Set();
      for (const n of this.uses) {
        if (n.type === AST_NODE_TYPES.ThisExpression) this.thisUse(n, this.escapes);
        else this.handleUse(n, this.escapes);
      }
    }
    return this.escapes;
  }

  /** `this` of a Durable Object class used other than as `this.x` (or `this.m.bind(this)`): it reaches code not followed. */
  private thisUse(node: TSESTree.ThisExpression, escaped: Set<ClassNode | typeof MODULE>): void {
    const cls = thisClass(node);
    if (!cls || !this.model.classOf(cls).isDurableObject) return;
    const v = outermostValue(node, true);
    const p = v.parent;
    if (p?.type === AST_NODE_TYPES.MemberExpression && p.object === v) return;
    if (p?.type === AST_NODE_TYPES.CallExpression && p.arguments[0] === v && boundMethodOfThis(p)) return;
    escaped.add(this.ownerOf(node));
  }

  /** A use of an expression that is a handle: a call on it, an alias the model follows, or an escape. */
  private handleUse(node: TSESTree.MemberExpression | TSESTree.Identifier, escaped: Set<ClassNode | typeof MODULE>): void {
    const kind = this.model.kindOf(node);
    if (kind === undefined || kind === "sql") return;
    const v = outermostValue(node, true);
    const p = v.parent;
    // `this.storage = …`, `const storage = …`: a name being given a value is judged where the value comes from.
    if (!p || isWriteTarget(v) || declares(v, p)) return;
    if (p.type === AST_NODE_TYPES.MemberExpression && p.object === v) {
      if (this.model.kindOf(p) !== undefined) return; // `state.storage`, `storage.kv`: a handle, judged itself
      const name = memberName(p);
      const outer = outermostValue(p, true);
      const called = outer.parent?.type === AST_NODE_TYPES.CallExpression && outer.parent.callee === outer;
      if (!called && (name === "put" || name === "transaction" || name === undefined || isWriteTarget(p))) escaped.add(this.ownerOf(node));
      return;
    }
    if (!this.followedAlias(v, p, kind)) escaped.add(this.ownerOf(node));
  }

  /** Whether a handle used as `v` in `p` lands where the model still sees it as the same kind of handle. */
  private followedAlias(v: Node, p: Node, kind: HandleKind): boolean {
    const m = this.model;
    switch (p.type) {
      case AST_NODE_TYPES.VariableDeclarator:
        return p.init === v && p.id.type === AST_NODE_TYPES.Identifier && m.kindOf(p.id) === kind;
      case AST_NODE_TYPES.AssignmentExpression:
        return p.right === v && p.operator === "=" && p.left.type === AST_NODE_TYPES.MemberExpression && m.kindOf(p.left) === kind;
      case AST_NODE_TYPES.CallExpression: {
        if (p.callee.type === AST_NODE_TYPES.Super) return true; // `super(ctx, env)`: only a plain `DurableObject` base is closed
        const index = p.arguments.indexOf(v as TSESTree.CallExpressionArgument);
        if (index < 0 || p.arguments.slice(0, index).some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return false;
        const fn = resolveCallee(m, p);
        const param = fn && fn !== "unknown" ? fn.params[index] : undefined;
        const id = param?.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
        return id?.type === AST_NODE_TYPES.Identifier && m.kindOf(id) === kind;
      }
      default:
        return false;
    }
  }

  /** `extends DurableObject` from `cloudflare:workers`, or no base at all: no base class that stores keys of its own. */
  private plainBase(cls: ClassNode): boolean {
    const sc = cls.superClass && unwrap(cls.superClass);
    if (!sc) return true;
    const id = sc.type === AST_NODE_TYPES.MemberExpression ? unwrap(sc.object) : sc;
    if (id.type !== AST_NODE_TYPES.Identifier) return false;
    const def = findVariable(this.sourceCode.getScope(id), id.name)?.defs[0];
    if (
      def?.type !== "ImportBinding" ||
      def.parent?.type !== AST_NODE_TYPES.ImportDeclaration ||
      def.parent.source.value !== "cloudflare:workers"
    ) {
      return false;
    }
    if (sc.type === AST_NODE_TYPES.MemberExpression) {
      return def.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier && memberName(sc) === "DurableObject";
    }
    if (def.node.type !== AST_NODE_TYPES.ImportSpecifier) return false;
    const imported = def.node.imported;
    return (imported.type === AST_NODE_TYPES.Identifier ? imported.name : imported.value) === "DurableObject";
  }

  /** The keys a `put(…)` on a handle stores. */
  private putKeys(call: TSESTree.CallExpression): void {
    const [first, second] = call.arguments;
    if (!first) return;
    const entries = unwrap(first);
    if (entries.type === AST_NODE_TYPES.ObjectExpression) {
      for (const prop of entries.properties) {
        if (prop.type !== AST_NODE_TYPES.Property) this.grow(call, { node: call, key: prop, head: undefined });
        else if (prop.computed && keyName(prop.key, true) === undefined) this.record(call, prop.key, this.keyClass(prop.key, 0), call);
      }
      return;
    }
    if (second && first.type !== AST_NODE_TYPES.SpreadElement) this.record(call, first, this.keyClass(first, 0), call);
    else this.grow(call, { node: call, key: first, head: undefined }); // `put(entries)`: keys of an object the analysis does not read
  }

  private record(call: TSESTree.CallExpression, key: Node, kind: KeyClass, put: TSESTree.CallExpression): void {
    if (kind === "constant") return;
    if ("fn" in kind) this.paramWrites.push({ fn: kind.fn, index: kind.index, put });
    else this.grow(put, { node: call, key, head: kind.head });
  }

  /** What a key expression can be (see `KeyClass`). */
  private keyClass(expr: Node, depth: number): KeyClass {
    const varying = { head: undefined };
    if (depth > MAX_DEPTH) return varying;
    const e = unwrap(expr);
    switch (e.type) {
      case AST_NODE_TYPES.Literal:
        return typeof e.value === "string" || typeof e.value === "number" ? "constant" : varying;
      case AST_NODE_TYPES.TemplateLiteral:
        if (e.expressions.every((x) => this.keyClass(x, depth + 1) === "constant")) return "constant";
        return { head: e.quasis[0].value.cooked || undefined };
      case AST_NODE_TYPES.BinaryExpression: {
        if (e.operator !== "+") return varying;
        if (this.keyClass(e.left, depth + 1) === "constant" && this.keyClass(e.right, depth + 1) === "constant") return "constant";
        const l = unwrap(e.left);
        return l.type === AST_NODE_TYPES.Literal && typeof l.value === "string" ? { head: l.value || undefined } : varying;
      }
      case AST_NODE_TYPES.ConditionalExpression:
      case AST_NODE_TYPES.LogicalExpression: {
        const [a, b] = e.type === AST_NODE_TYPES.ConditionalExpression ? [e.consequent, e.alternate] : [e.left, e.right];
        return this.keyClass(a, depth + 1) === "constant" && this.keyClass(b, depth + 1) === "constant" ? "constant" : varying;
      }
      case AST_NODE_TYPES.Identifier:
        return this.variableKey(e, depth);
      case AST_NODE_TYPES.MemberExpression:
        return this.memberKey(e, depth);
      default:
        return varying;
    }
  }

  /** A variable as a key: a parameter (followed to the callers), a `const` (followed to its value) or an imported binding. */
  private variableKey(id: TSESTree.Identifier, depth: number): KeyClass {
    const varying = { head: undefined };
    const variable = findVariable(this.sourceCode.getScope(id), id.name);
    if (!variable || variable.defs.length !== 1 || isReassigned(variable)) return varying;
    const def = variable.defs[0];
    switch (def.type) {
      case "Parameter": {
        const fn = def.node as FunctionNode;
        const index = fn.params.findIndex((p) => p === def.name || (p.type === AST_NODE_TYPES.AssignmentPattern && p.left === def.name));
        return index < 0 ? varying : { fn, index };
      }
      case "Variable":
        return def.parent.kind === "const" && def.node.init && def.node.id === def.name ? this.keyClass(def.node.init, depth + 1) : varying;
      case "ImportBinding":
        return "constant";
      default:
        return varying;
    }
  }

  /** `KEYS.ROOM` of a `const` object literal never written through, an enum member, a static readonly field, or an imported object's member. */
  private memberKey(e: TSESTree.MemberExpression, depth: number): KeyClass {
    const varying = { head: undefined };
    const name = memberName(e);
    const obj = unwrap(e.object);
    if (name === undefined || obj.type !== AST_NODE_TYPES.Identifier) return varying;
    const variable = findVariable(this.sourceCode.getScope(obj), obj.name);
    if (!variable || variable.defs.length !== 1 || isReassigned(variable)) return varying;
    const def = variable.defs[0];
    if (def.type === "ImportBinding" || def.type === "TSEnumName") return "constant";
    if (
      variable.references.some((r) => r.identifier.parent?.type === AST_NODE_TYPES.MemberExpression && isWriteTarget(r.identifier.parent))
    ) {
      return varying;
    }
    let value: Node | null | undefined;
    if (def.type === "Variable" && def.parent.kind === "const" && def.node.init) {
      const init = unwrap(def.node.init);
      if (init.type !== AST_NODE_TYPES.ObjectExpression) return varying;
      for (const prop of init.properties) {
        if (prop.type !== AST_NODE_TYPES.Property) return varying; // a spread may hold the member
        if (keyName(prop.key, prop.computed) === name) value = prop.value;
      }
    } else if (def.type === "ClassName" && isClass(def.node as Node)) {
      for (const el of (def.node as ClassNode).body.body) {
        if (el.type === AST_NODE_TYPES.PropertyDefinition && el.static && el.readonly && keyName(el.key, el.computed) === name)
          value = el.value;
      }
    }
    return value ? this.keyClass(value, depth + 1) : varying;
  }

  /** A helper that stores a key taken from its parameter: the keys are what its callers pass. */
  private followParamWrites(): void {
    const seen = new Set<string>();
    const follow = (fn: FunctionNode, index: number, put: TSESTree.CallExpression, depth: number): void => {
      const id = `${fn.range[0]}:${index}`;
      if (seen.has(id)) return;
      seen.add(id);
      const sites = depth > MAX_DEPTH ? undefined : this.callSites(fn);
      if (!sites) {
        // The callers are not all here (RPC, another module, a callback): they choose the key.
        this.grow(put, { node: put, key: fn.params[index], head: undefined });
        return;
      }
      for (const call of sites) {
        const spread = call.arguments.findIndex((a) => a.type === AST_NODE_TYPES.SpreadElement);
        const arg = call.arguments[index];
        if (spread >= 0 && spread <= index) this.grow(put, { node: call, key: call.arguments[spread], head: undefined });
        else if (arg) {
          const key = this.keyClass(arg, 0);
          if (key === "constant") continue;
          if ("fn" in key) follow(key.fn, key.index, put, depth + 1);
          else this.grow(put, { node: call, key: arg, head: key.head });
        }
      }
    };
    for (const w of this.paramWrites) follow(w.fn, w.index, w.put, 0);
  }

  /**
   * Every call that may run `fn`: for a private method or field arrow, each call of a member of that
   * name on any receiver (another instance shares the class's keys); for a named function that is
   * not exported, each call of its name. Undefined when the callers are not all in this file: a public
   * method (another Worker may call it over RPC), an exported function, a function also used as a
   * value, or one without a name to call it by.
   */
  private callSites(fn: FunctionNode): TSESTree.CallExpression[] | undefined {
    const member = classMemberOf(fn);
    if (member) {
      const def = fn.parent as TSESTree.MethodDefinition | TSESTree.PropertyDefinition;
      const internal =
        def.accessibility === "private" || def.accessibility === "protected" || def.key.type === AST_NODE_TYPES.PrivateIdentifier;
      if (!internal || member.isStatic || member.name === undefined || this.uncalledMembers.has(member.name)) return undefined;
      return this.calls.filter((c) => {
        const callee = unwrap(c.callee);
        return callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === member.name;
      });
    }
    const name =
      fn.type === AST_NODE_TYPES.FunctionDeclaration
        ? fn.id
        : fn.parent?.type === AST_NODE_TYPES.VariableDeclarator && fn.parent.init === fn
          ? fn.parent.id
          : undefined;
    if (name?.type !== AST_NODE_TYPES.Identifier || exported(fn)) return undefined;
    const variable = findVariable(this.sourceCode.getScope(name), name.name);
    if (!variable || isReassigned(variable)) return undefined;
    const sites: TSESTree.CallExpression[] = [];
    for (const ref of variable.references) {
      if (ref.init) continue;
      const v = outermostValue(ref.identifier, true);
      const call = v.parent;
      if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== v || resolveCallee(this.model, call) !== fn) return undefined;
      sites.push(call);
    }
    return sites;
  }
}

/** `export function f…` or `export const f = …`: other modules may call it (`export { f }` is a reference, so a use as a value). */
function exported(fn: FunctionNode): boolean {
  const decl = fn.type === AST_NODE_TYPES.FunctionDeclaration ? fn : fn.parent?.parent;
  const p = decl?.parent?.type;
  return p === AST_NODE_TYPES.ExportNamedDeclaration || p === AST_NODE_TYPES.ExportDefaultDeclaration;
}

/** `v` is the name a declaration introduces (a variable, a parameter), not a use of a value. */
function declares(v: Node, p: Node): boolean {
  switch (p.type) {
    case AST_NODE_TYPES.VariableDeclarator:
      return p.id === v;
    case AST_NODE_TYPES.AssignmentPattern:
      return p.left === v;
    case AST_NODE_TYPES.TSParameterProperty:
      return true;
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionDeclaration:
    case AST_NODE_TYPES.FunctionExpression:
      return p.params.includes(v as TSESTree.Parameter) || p.id === v;
    default:
      return false;
  }
}

/** `this.m.bind(this)`: a method of the same object, bound to it. */
function boundMethodOfThis(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== "bind") return false;
  const target = unwrap(callee.object);
  return target.type === AST_NODE_TYPES.MemberExpression && unwrap(target.object).type === AST_NODE_TYPES.ThisExpression;
}

const spaces = new WeakMap<DurableObjectModel, KeySpace>();

function keySpace(model: DurableObjectModel, sourceCode: Readonly<TSESLint.SourceCode>): KeySpace {
  let space = spaces.get(model);
  if (!space) spaces.set(model, (space = new KeySpace(model, sourceCode)));
  return space;
}

/** The first write of the file that adds keys to the range a `list()` reads (see the module comment), if it shows one. */
export function growingWrite(
  model: DurableObjectModel,
  sourceCode: Readonly<TSESLint.SourceCode>,
  list: TSESTree.CallExpression,
  prefix: string | undefined,
): GrowingWrite | undefined {
  return keySpace(model, sourceCode).growingWrite(list, prefix);
}

/** Whether the file shows that the Durable Object of a `list()` can only hold a fixed set of keys in its range. */
export function closedKeySet(
  model: DurableObjectModel,
  sourceCode: Readonly<TSESLint.SourceCode>,
  list: TSESTree.CallExpression,
  prefix: string | undefined,
): boolean {
  return keySpace(model, sourceCode).closed(list, prefix);
}
