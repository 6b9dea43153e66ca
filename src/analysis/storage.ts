/**
 * "Is this expression Durable Object storage?" — answered from where a value comes from, never
 * from what it is called.
 *
 * A value is a Durable Object handle when it is reached from a known source:
 * - `this.ctx` in a class that extends `DurableObject` from `"cloudflare:workers"` (or a known
 *   framework base class that extends it, imported from its package);
 * - the first constructor parameter of a Durable Object class (typed `DurableObjectState`, or the
 *   old module-style `constructor(state, env)` whose parameter is used as a state);
 * - anything annotated `DurableObjectState`, `DurableObjectStorage`, `SqlStorage`,
 *   `DurableObjectTransaction`, `SyncKvStorage`;
 * - the parameter of a `storage.transaction(async (txn) => …)` callback;
 * and then through member access (`state.storage`, `storage.sql`, `storage.kv`), `const`
 * aliases, destructuring, class fields (public, `#private`, TypeScript parameter properties) and
 * `this` aliases. With type information, the TypeScript type of an expression extends this.
 *
 * One model per file, keyed on the AST in a WeakMap: it is built lazily, shared by all rules,
 * and released with the AST.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import {
  calledMethod,
  type ClassNode,
  innermostScopeAt,
  type FunctionNode,
  type Node,
  isClass,
  isFunction,
  isValueWrapper,
  keyName,
  memberName,
  methodCall,
  thisAssignmentsIn,
  thisClass,
  typeAnnotationName,
  unwrap,
  walk,
} from "./ast.js";
import { type SharedPart, methodListeners, sharedListenersOf } from "./listeners.js";
import { type ImportedName, importedAs } from "./scope.js";
import { type StaticSql, staticSql } from "./sql-text.js";

/** What a Durable Object value is. */
export type HandleKind = "state" | "storage" | "sql" | "txn" | "kv";

/** A call `recv.method(…)` on a Durable Object handle (shared between the rules that ask: do not change it). */
export interface HandleCall {
  readonly kind: HandleKind;
  readonly method: string;
  readonly receiver: TSESTree.Expression;
}

/** `this` (or an alias of it) inside a Durable Object class. */
export interface InstanceOf {
  instance: ClassFacts;
}

type Resolved = HandleKind | InstanceOf | undefined;

/** Type names from `@cloudflare/workers-types` (and `wrangler types`) that name a handle. */
const TYPE_KINDS: Readonly<Record<string, HandleKind>> = {
  DurableObjectState: "state",
  DurableObjectStorage: "storage",
  SqlStorage: "sql",
  DurableObjectTransaction: "txn",
  SyncKvStorage: "kv",
};

/**
 * Base classes whose `sql` method is a tagged template that runs SQL on the object's database:
 * partyserver's `Server` joins the template's strings with `?` and runs them with
 * `ctx.storage.sql.exec(query, ...values)`, returning the rows as an array; the Agents SDK's
 * classes extend it (`McpAgent` forwards to an `Agent`). A subclass that declares its own `sql`
 * replaces it.
 */
export const SQL_TAG_BASES: Readonly<Record<string, readonly string[]>> = {
  agents: ["Agent", "AIChatAgent", "McpAgent"],
  "agents/ai-chat-agent": ["AIChatAgent"],
  "agents/mcp": ["McpAgent"],
  "@cloudflare/ai-chat": ["AIChatAgent"],
  "@cloudflare/think": ["Think"],
  partyserver: ["Server"],
  "y-partyserver": ["YServer"],
};

/**
 * Base classes whose instances are Durable Objects with `this.ctx: DurableObjectState`, by the
 * module they are imported from. Each of these extends `DurableObject` from `cloudflare:workers`.
 */
export const DURABLE_OBJECT_BASES: Readonly<Record<string, readonly string[]>> = {
  "cloudflare:workers": ["DurableObject"],
  ...SQL_TAG_BASES,
  "@cloudflare/actors": ["Actor"],
  "@cloudflare/containers": ["Container"],
};

/** Storage (and transaction) methods that read and return a Promise of what they read. */
export const STORAGE_READ_METHODS: ReadonlySet<string> = new Set(["get", "getAlarm", "list"]);
/** `SqlStorage#exec`, as a filter for `handleCall`. */
export const EXEC_METHOD: ReadonlySet<string> = new Set(["exec"]);
/** The calls that run a callback atomically (or with the input gate held), as a filter for `handleCall`. */
export const ATOMIC_METHODS: ReadonlySet<string> = new Set(["transaction", "transactionSync", "blockConcurrencyWhile"]);
/** `SqlStorageCursor` methods that consume rows. */
export const CURSOR_READ_METHODS: ReadonlySet<string> = new Set(["next", "toArray", "one", "raw"]);

/**
 * Every method of a handle (`DurableObjectState`, `DurableObjectStorage`, its transaction,
 * `SqlStorage`, `SyncKvStorage`), from `@cloudflare/workers-types`. A call by any other name is
 * not a handle call whatever its receiver is, so its receiver is never resolved: most calls in a
 * file are answered by one set lookup.
 */
const HANDLE_METHODS: ReadonlySet<string> = new Set([
  // DurableObjectState
  "waitUntil",
  "blockConcurrencyWhile",
  "acceptWebSocket",
  "getWebSockets",
  "setWebSocketAutoResponse",
  "getWebSocketAutoResponse",
  "getWebSocketAutoResponseTimestamp",
  "setHibernatableWebSocketEventTimeout",
  "getHibernatableWebSocketEventTimeout",
  "getTags",
  "abort",
  // DurableObjectStorage, DurableObjectTransaction, SyncKvStorage
  "get",
  "list",
  "put",
  "delete",
  "deleteAll",
  "transaction",
  "transactionSync",
  "rollback",
  "getAlarm",
  "setAlarm",
  "deleteAlarm",
  "sync",
  "getCurrentBookmark",
  "getBookmarkForTime",
  "onNextSessionRestoreBookmark",
  // SqlStorage (`prepare` and `ingest` existed in early runtimes)
  "exec",
  "prepare",
  "ingest",
]);

/** Methods the runtime calls on a Durable Object class: evidence for the old module style. */
const HANDLER_METHODS = new Set(["fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"]);
/** Members only a `DurableObjectState` has: evidence that an untyped parameter is one. */
const STATE_ONLY_MEMBERS = new Set(["storage", "blockConcurrencyWhile", "acceptWebSocket", "getWebSockets"]);
/** A handle type named in the source: where a handle can come from (one regular expression: one pass over the text). */
const TYPE_NAME_PATTERN = new RegExp(`\\b(?:${Object.keys(TYPE_KINDS).join("|")})\\b`, "g");

/** Facts about one class, computed once. */
export interface ClassFacts {
  node: ClassNode;
  /** The class is a Durable Object (by base class, constructor signature, or old module style). */
  isDurableObject: boolean;
  /**
   * Instance fields that hold a handle: `ctx` → state, `sql` → sql, `#storage` → storage, …
   * Each field is resolved when it is first asked about (only its own `this.f = …` right-hand
   * sides), so a class whose fields no rule asks about costs nothing, and asking for `ctx` does not
   * resolve every other field.
   */
  readonly fields: FieldKinds;
  /** Kinds of the constructor's parameters, by index. */
  ctorParams: (HandleKind | undefined)[];
  /** Methods by name (for following same-class calls and finding `alarm`): the class's own, not inherited (see callees.ts). */
  methods: Map<string, FunctionNode>;
  /** The base class: `"durable-object"` for a known Durable Object base, the facts of a local class, or undefined. */
  readonly base: "durable-object" | ClassFacts | undefined;
  /** The imported Durable Object base the class extends, directly or through local classes. */
  readonly baseImport: ImportedName | undefined;
}

/** The handle kinds of a class's instance fields, by name (a read-only view, computed per name on demand). */
export interface FieldKinds {
  get(name: string): HandleKind | undefined;
  has(name: string): boolean;
  /** Every field that holds a handle, in the order the class gives them (inherited first). */
  [Symbol.iterator](): IterableIterator<[string, HandleKind]>;
}

/** What tells a field's kind: a type that sets it, or a value assigned to it (`undefined` for a compound assignment like `+=`). */
type FieldSource = { set: HandleKind } | { value: Node | undefined; neutral: boolean };

/** The facts while they are computed, with what the per-field resolution needs from the first pass. */
interface MutableFacts extends ClassFacts {
  isDurableObject: boolean;
  ctorParams: (HandleKind | undefined)[];
  methods: Map<string, FunctionNode>;
  base: "durable-object" | ClassFacts | undefined;
  baseImport: ImportedName | undefined;
  ctor: TSESTree.FunctionExpression | undefined;
}

interface TypeServices {
  checker: {
    getTypeAtLocation(node: unknown): TsType;
    getNonNullableType(type: TsType): TsType;
  };
  map: { get(node: Node): unknown };
}
interface TsType {
  symbol?: { name: string };
  aliasSymbol?: { name: string };
  isUnion?(): boolean;
  types?: TsType[];
}

/** The calls a rule asked for (`DurableObjectModel#calls`). */
export interface CallIndexClaim {
  /** The calls of method `name` (one of the names asked for) in traversal order; complete from `Program:exit` on. */
  of(name: string): readonly TSESTree.CallExpression[];
  /** The tagged templates `x.sql`…`` in traversal order, when asked for (`calls(names, { sqlTags: true })`). */
  sqlTags(): readonly TSESTree.TaggedTemplateExpression[];
}

/** The calls of the method names the rules ask for, in one file, collected by one shared `CallExpression` listener. */
class CallIndex implements SharedPart {
  /** The names asked for by the rules created for this file (all are created before the traversal). */
  private readonly wanted = new Set<string>();
  private readonly byName = new Map<string, TSESTree.CallExpression[]>();
  /** Whether a rule asked for the `sql` tagged templates, and those found. */
  private wantTags = false;
  private readonly tags: TSESTree.TaggedTemplateExpression[] = [];
  readonly listeners: TSESLint.RuleListener = methodListeners(this, ["CallExpression", "TaggedTemplateExpression"]);

  reset(): void {
    this.wanted.clear();
    this.byName.clear();
    this.wantTags = false;
    this.tags.length = 0;
  }

  /** Listener: indexes a call by its method name, if a rule asked for it. */
  CallExpression(node: TSESTree.CallExpression): void {
    const name = calledMethod(node);
    if (name === undefined || !this.wanted.has(name)) return;
    const list = this.byName.get(name);
    if (list) list.push(node);
    else this.byName.set(name, [node]);
  }

  /** Listener: keeps `x.sql`…`` (a tagged template is rare: one check each). */
  TaggedTemplateExpression(node: TSESTree.TaggedTemplateExpression): void {
    if (this.wantTags && node.tag.type === AST_NODE_TYPES.MemberExpression && memberName(node.tag) === "sql") this.tags.push(node);
  }

  want(names: readonly string[], sqlTags: boolean): void {
    for (const n of names) this.wanted.add(n);
    if (sqlTags) this.wantTags = true;
  }

  of(name: string): readonly TSESTree.CallExpression[] {
    if (!this.wanted.has(name)) throw new Error(`calls().of: "${name}" was not asked for when the rule was created`);
    return this.byName.get(name) ?? [];
  }

  sqlTags(): readonly TSESTree.TaggedTemplateExpression[] {
    if (!this.wantTags) throw new Error("calls().sqlTags: the `sql` tagged templates were not asked for when the rule was created");
    return this.tags;
  }
}

export class DurableObjectModel {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  /** False when the file cannot contain a handle or a `sql` tag (no mention of storage, state, DO types or `sql`` and no type info). */
  readonly mayContainStorage: boolean;
  private readonly types: TypeServices | undefined;
  /** Known Durable Object base classes by module, plus `settings["durable-objects"].baseClasses`. */
  private readonly bases: Readonly<Record<string, readonly string[]>>;
  private readonly classFacts = new Map<ClassNode, ClassFacts>();
  private readonly thisAssignments = new Map<ClassNode, TSESTree.AssignmentExpression[]>();
  private readonly exprKinds = new Map<Node, Resolved | null>();
  private readonly variableKinds = new Map<TSESLint.Scope.Variable, Resolved | null>();
  /** `handleCall` of each call asked about (null: not a handle call). */
  private readonly callKinds = new Map<TSESTree.CallExpression, HandleCall | null>();
  private depth = 0;
  /** Roots of the regions where a handle can exist (see `mayHoldHandles`); "all" for the whole file. */
  private regionRoots: ReadonlySet<Node> | "all" | undefined;
  /** `mayHoldHandles` of each function and class asked about so far. */
  private readonly scopeVerdicts = new Map<Node, boolean>();
  /** The calls of the method names the rules ask for, by name (see `calls`). */
  private callIndex: CallIndex | undefined;
  private allClasses: readonly ClassNode[] | undefined;
  /** Classes being computed: results that depend on their partial facts are not cached. */
  private computing = 0;

  constructor(sourceCode: Readonly<TSESLint.SourceCode>, settings?: Readonly<Record<string, unknown>>) {
    this.sourceCode = sourceCode;
    this.bases = mergeBases(settings);
    const services = sourceCode.parserServices as
      { program?: { getTypeChecker(): TypeServices["checker"] } | null; esTreeNodeToTSNodeMap?: TypeServices["map"] } | undefined;
    if (services?.program && services.esTreeNodeToTSNodeMap) {
      this.types = { checker: services.program.getTypeChecker(), map: services.esTreeNodeToTSNodeMap };
    }
    const text = sourceCode.text;
    this.mayContainStorage =
      this.types !== undefined ||
      text.includes("storage") ||
      text.includes("Storage") ||
      text.includes("DurableObject") ||
      text.includes("Transaction") ||
      // The Agents SDK's `` this.sql`…` `` (or `this.sql<Row>`…``) in a class whose file names no storage.
      text.includes("sql`") ||
      text.includes("sql<");
  }

  /**
   * False when no code of the file can see a handle: no region (see `mayHoldHandles`), which the
   * text check `mayContainStorage` decides for most files without looking at the tree. A rule
   * then returns no listeners, so ESLint spends nothing on it for the file: every rule reports
   * only on handles or on Durable Object classes, and each Durable Object class is a region.
   */
  get hasRegions(): boolean {
    const roots = this.regions();
    return roots === "all" || roots.size > 0;
  }

  /** Whether type information is available for this file. */
  get hasTypes(): boolean {
    return this.types !== undefined;
  }

  /**
   * Whether code at `node` can see a Durable Object handle at all. A handle only comes from a
   * source (a Durable Object class, a class or function where a handle type is named, a
   * subclass of such a class) and only flows through variables and fields, which are lexically
   * scoped: outside those regions nothing can resolve to a handle, so nothing there is resolved.
   * The whole file is one region with type information, or when a handle type is named at
   * module level.
   */
  mayHoldHandles(node: Node): boolean {
    const roots = this.regions();
    if (roots === "all") return true;
    if (roots.size === 0) return false;
    // Roots are functions and classes: climb through them to a root or a known verdict, then climb
    // again to remember the verdict for each one passed (twice the climb, but no array per call).
    let verdict = false;
    let known: Node | undefined;
    for (let n: Node | undefined = node; n; n = n.parent) {
      if (!isFunction(n) && !isClass(n)) continue;
      const v = this.scopeVerdicts.get(n);
      if (v !== undefined) {
        verdict = v;
        known = n;
        break;
      }
      if (roots.has(n)) {
        verdict = true;
        this.scopeVerdicts.set(n, true);
        known = n;
        break;
      }
    }
    for (let n: Node | undefined = node; n && n !== known; n = n.parent) {
      if (isFunction(n) || isClass(n)) this.scopeVerdicts.set(n, verdict);
    }
    return verdict;
  }

  /**
   * Whether a region root (see `mayHoldHandles`) lies on the way from `node` (included) up to
   * `outer` (excluded; the top of the file when undefined). With `mayHoldHandles(outer)` false, this
   * is `mayHoldHandles(node)`, found without caching a verdict per function.
   */
  regionRootBetween(node: Node, outer: Node | undefined): boolean {
    const roots = this.regions();
    if (roots === "all") return true;
    if (roots.size === 0) return false;
    for (let n: Node | undefined = node; n && n !== outer; n = n.parent) {
      if ((isFunction(n) || isClass(n)) && roots.has(n)) return true;
    }
    return false;
  }

  /** The Durable Object class whose instance `expr` provably is (`this`, or an alias of it), if any. */
  instanceClassOf(expr: Node): ClassFacts | undefined {
    if (!this.mayHoldHandles(expr)) return undefined;
    const r = this.resolve(expr);
    return typeof r === "object" && r.instance.isDurableObject ? r.instance : undefined;
  }

  /** What Durable Object handle `expr` evaluates to, if provably one. */
  kindOf(expr: Node): HandleKind | undefined {
    if (!this.mayHoldHandles(expr)) return undefined;
    const r = this.resolve(expr);
    return typeof r === "string" ? r : undefined;
  }

  /**
   * For a call `recv.method(...)` on a Durable Object handle: its kind and method.
   * `env.NS.get(id).deleteAll()` (an RPC stub), a KV namespace or a `Map` give undefined.
   * With `only`, calls of other methods give undefined before their receiver is resolved.
   */
  handleCall(node: TSESTree.CallExpression, only: ReadonlySet<string> = HANDLE_METHODS): HandleCall | undefined {
    if (!this.mayContainStorage) return undefined;
    const name = calledMethod(node);
    if (name === undefined || !only.has(name) || !HANDLE_METHODS.has(name)) return undefined;
    // Several rules ask about the same calls: the answer is kept per call (not while class facts are partial).
    const known = this.callKinds.get(node);
    if (known !== undefined) return known ?? undefined;
    // `calledMethod` found a member callee: its object is the receiver (no `methodCall` object per call).
    const receiver = (unwrap(node.callee) as TSESTree.MemberExpression).object as TSESTree.Expression;
    const kind = this.kindOf(receiver);
    const call = kind ? { kind, method: name, receiver } : undefined;
    if (this.computing === 0) this.callKinds.set(node, call ?? null);
    return call;
  }

  /** The static SQL of `sql.exec(query, …)` on a Durable Object SQL handle; undefined for any other call, or SQL built at run time. */
  execSql(node: TSESTree.CallExpression): StaticSql | undefined {
    const call = this.handleCall(node, EXEC_METHOD);
    if (call?.kind !== "sql" || call.method !== "exec" || node.arguments.length === 0) return undefined;
    return staticSql(node.arguments[0], this.sourceCode);
  }

  /**
   * The calls `recv.m(…)` of the file whose method `m` is one of `names`, by name, for a rule that
   * judges each call on its own, wherever the traversal is: asked for in the rule's `create`, read
   * with `of(name)` from `Program:exit` on, when every call has been visited. For all such rules
   * together ESLint calls one listener per call (see `FileListeners`) instead of one per rule.
   */
  calls(names: readonly string[], options?: { sqlTags?: boolean }): CallIndexClaim {
    const index = (this.callIndex ??= new CallIndex());
    sharedListenersOf(this.sourceCode.ast).use(index);
    index.want(names, options?.sqlTags === true);
    return index;
  }

  /**
   * The assignments to `this.x` in the instance members of `cls` (`thisAssignmentsIn` of each), in
   * source order, found once per class for everything that asks (field kinds, callees.ts).
   */
  thisAssignmentsOf(cls: ClassNode): readonly TSESTree.AssignmentExpression[] {
    let list = this.thisAssignments.get(cls);
    if (!list) {
      list = [];
      for (const el of cls.body.body) {
        if ((el.type === AST_NODE_TYPES.MethodDefinition || el.type === AST_NODE_TYPES.PropertyDefinition) && !el.static && el.value) {
          list.push(...thisAssignmentsIn(el.value, this.sourceCode));
        }
      }
      this.thisAssignments.set(cls, list);
    }
    return list;
  }

  /** Every class of the file: from the scope manager's class scopes, without a walk. */
  classes(): readonly ClassNode[] {
    if (!this.allClasses) {
      const classes: ClassNode[] = [];
      const scopeManager = this.sourceCode.scopeManager;
      if (scopeManager) {
        for (const scope of scopeManager.scopes)
          if (scope.type === "class" && isClass(scope.block as Node)) classes.push(scope.block as ClassNode);
      } else {
        walk(this.sourceCode.ast, this.sourceCode.visitorKeys, (n) => {
          if (isClass(n)) classes.push(n);
          return true;
        });
      }
      this.allClasses = classes;
    }
    return this.allClasses;
  }

  /** The facts of a class (Durable Object or not). */
  classOf(node: ClassNode): ClassFacts {
    let facts = this.classFacts.get(node);
    if (!facts) {
      // Registered before it is filled, so that a class that refers to itself sees its partial facts.
      const f: MutableFacts = {
        node,
        isDurableObject: false,
        ctorParams: [],
        methods: new Map(),
        base: undefined,
        baseImport: undefined,
        ctor: undefined,
        fields: undefined as unknown as FieldKinds,
      };
      (f as { fields: FieldKinds }).fields = new FieldTable(
        f,
        () => this.fieldSources(f),
        (sources, partial) => this.whileComputing(() => this.fieldKind(sources, partial)),
      );
      facts = f;
      this.classFacts.set(node, f);
      this.whileComputing(() => this.computeClassHead(f));
    }
    return facts;
  }

  /** The Durable Object class whose instance `this` is at `node`, if any. */
  durableObjectClassAt(node: Node): ClassFacts | undefined {
    const cls = thisClass(node);
    if (!cls) return undefined;
    const facts = this.classOf(cls);
    return facts.isDurableObject ? facts : undefined;
  }

  /**
   * The source text of an expression for the `DurableObjectState` that owns the storage `receiver`
   * (e.g. `this.ctx` for `this.ctx.storage`), for suggestions that need `blockConcurrencyWhile`.
   */
  stateTextFor(receiver: Node, at: Node): string | undefined {
    const r = unwrap(receiver);
    if (r.type === AST_NODE_TYPES.MemberExpression && memberName(r) === "storage" && this.kindOf(r.object) === "state") {
      return this.sourceCode.getText(r.object);
    }
    const facts = this.durableObjectClassAt(at);
    if (!facts) return undefined;
    for (const [name, kind] of facts.fields) {
      if (kind === "state") return `this.${name}`;
    }
    return undefined;
  }

  /**
   * The source text of the storage that owns a SQL handle `receiver` (e.g. `this.ctx.storage` for
   * `this.ctx.storage.sql` or for a `this.sql` field of a Durable Object class).
   */
  storageTextFor(receiver: Node, at: Node): string | undefined {
    const r = unwrap(receiver);
    if (r.type === AST_NODE_TYPES.MemberExpression && memberName(r) === "sql" && this.kindOf(r.object) === "storage") {
      return this.sourceCode.getText(r.object);
    }
    const state = this.stateTextFor(receiver, at);
    return state === undefined ? undefined : `${state}.storage`;
  }

  // ---------------------------------------------------------------------------------------------

  private regions(): ReadonlySet<Node> | "all" {
    return (this.regionRoots ??= this.findRegionRoots());
  }

  /**
   * The region roots of `mayHoldHandles`, found without walking the file: the handle type names in
   * the text (each marks the innermost function or class around it), the classes that extend a
   * Durable Object base (found from the references of its import), the classes without a base
   * class that are Durable Objects of the old module style (from the scope manager's class
   * scopes), and every subclass of a root class.
   */
  private findRegionRoots(): ReadonlySet<Node> | "all" {
    if (this.types) return "all";
    const roots = new Set<Node>();
    if (!this.mayContainStorage) return roots;
    const { ast, text, visitorKeys } = this.sourceCode;
    const classes: ClassNode[] = [];
    const addClass = (cls: ClassNode): void => {
      if (roots.has(cls)) return;
      roots.add(cls);
      classes.push(cls);
    };
    // 1. Handle type names: a parameter, variable, field or cast of that type. In a class, the
    //    whole class: any of its methods can store the handle in a field.
    for (const m of text.matchAll(TYPE_NAME_PATTERN)) {
      const scope = innermostScopeAt(ast, m.index, visitorKeys);
      if (!scope) return "all";
      const cls = enclosingClassOrSelf(scope);
      if (cls) addClass(cls);
      else roots.add(scope);
    }
    // 2. Subclasses of imported Durable Object bases.
    for (const stmt of ast.body) {
      if (stmt.type !== AST_NODE_TYPES.ImportDeclaration || !Object.hasOwn(this.bases, stmt.source.value)) continue;
      for (const variable of this.sourceCode.getDeclaredVariables(stmt)) {
        for (const ref of variable.references) {
          const cls = extendedBy(ref.identifier);
          if (cls) addClass(cls);
        }
      }
    }
    // 3. Old module style: classes without a base class that use a constructor parameter as a state.
    if (!this.sourceCode.scopeManager) return "all";
    for (const cls of this.classes()) {
      if (!cls.superClass && !roots.has(cls) && this.classOf(cls).isDurableObject) addClass(cls);
    }
    // 4. Subclasses of root classes inherit their fields.
    for (let i = 0; i < classes.length; i++) {
      const cls = classes[i];
      const holder =
        cls.type === AST_NODE_TYPES.ClassDeclaration
          ? cls
          : cls.parent?.type === AST_NODE_TYPES.VariableDeclarator
            ? cls.parent
            : undefined;
      if (!holder) continue;
      for (const variable of this.sourceCode.getDeclaredVariables(holder)) {
        for (const ref of variable.references) {
          const sub = extendedBy(ref.identifier);
          if (sub) addClass(sub);
        }
      }
    }
    return roots;
  }

  private resolve(expr: Node): Resolved {
    const cached = this.exprKinds.get(expr);
    if (cached !== undefined) return cached ?? undefined;
    if (this.depth > 24) return undefined; // pathological alias chains: stay silent
    this.depth++;
    let r: Resolved;
    try {
      r = this.resolveSyntax(expr);
      if (r === undefined && this.types) r = this.resolveType(expr);
    } finally {
      this.depth--;
    }
    if (this.computing === 0) this.exprKinds.set(expr, r ?? null);
    return r;
  }

  private resolveSyntax(expr: Node): Resolved {
    switch (expr.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.TSSatisfiesExpression: {
        const byType = kindOfTypeName(typeAnnotationName(expr.typeAnnotation));
        return byType ?? this.resolve(expr.expression);
      }
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.ChainExpression:
        return this.resolve(expr.expression);
      case AST_NODE_TYPES.ThisExpression: {
        const cls = thisClass(expr);
        return cls ? { instance: this.classOf(cls) } : undefined;
      }
      case AST_NODE_TYPES.MemberExpression: {
        const name = memberName(expr);
        if (name === undefined || expr.object.type === AST_NODE_TYPES.Super) return undefined;
        return member(this.resolve(expr.object), name);
      }
      case AST_NODE_TYPES.Identifier: {
        // By name from the innermost scope: findVariable(scope, node) would rescan every child scope per lookup.
        const variable = findVariable(this.sourceCode.getScope(expr), expr.name);
        return variable ? this.resolveVariable(variable) : undefined;
      }
      case AST_NODE_TYPES.AssignmentExpression:
        return expr.operator === "=" ? this.resolve(expr.right) : undefined;
      case AST_NODE_TYPES.LogicalExpression:
        // `this.sql ??= ctx.storage.sql` style lazies: both sides must agree.
        return sameKind(this.resolve(expr.left), this.resolve(expr.right));
      default:
        return undefined;
    }
  }

  private resolveVariable(variable: TSESLint.Scope.Variable): Resolved {
    if (this.variableKinds.has(variable)) return this.variableKinds.get(variable) ?? undefined;
    this.variableKinds.set(variable, null); // cycle guard
    const r = this.computeVariable(variable);
    if (this.computing === 0) this.variableKinds.set(variable, r ?? null);
    else this.variableKinds.delete(variable);
    return r;
  }

  private computeVariable(variable: TSESLint.Scope.Variable): Resolved {
    if (variable.defs.length !== 1) return undefined;
    const def = variable.defs[0];
    const id = def.name as TSESTree.Identifier;
    const annotated = kindOfTypeName(typeAnnotationName(id.typeAnnotation?.typeAnnotation));
    if (def.type === "Parameter") {
      if (annotated) return annotated;
      const fn = def.node as Node;
      if (!isFunction(fn)) return undefined;
      const index = paramIndex(fn, id);
      if (index < 0) return undefined;
      if (writtenAfterInit(variable)) return undefined;
      // Constructor parameter of a Durable Object class.
      const m = fn.parent;
      if (m?.type === AST_NODE_TYPES.MethodDefinition && m.kind === "constructor" && isClass(m.parent.parent)) {
        return this.classOf(m.parent.parent).ctorParams[index];
      }
      // `storage.transaction(async (txn) => …)`
      if (index === 0 && fn.parent?.type === AST_NODE_TYPES.CallExpression && fn.parent.arguments[0] === fn) {
        const mc = methodCall(fn.parent);
        if (mc?.method === "transaction" && this.kindOf(mc.receiver) === "storage") return "txn";
      }
      return undefined;
    }
    if (def.type === "Variable") {
      const decl = def.node as TSESTree.VariableDeclarator;
      if (writtenAfterInit(variable)) return undefined;
      if (decl.id === id) return annotated ?? (decl.init ? this.resolve(decl.init) : undefined);
      if (!decl.init) return undefined;
      const path = patternPath(decl.id, id);
      if (!path) return undefined;
      let r = this.resolve(decl.init);
      for (const name of path) r = member(r, name);
      return r;
    }
    return undefined;
  }

  /** The base class, the methods and the constructor's parameters: what `isDurableObject` needs. */
  private computeClassHead(facts: MutableFacts): void {
    const node = facts.node;

    // 1. The base class.
    const base = node.superClass ? this.baseClass(node.superClass) : undefined;
    facts.base = base;
    if (base === "durable-object") {
      facts.isDurableObject = true;
      facts.baseImport = importedAs(unwrap(node.superClass!), this.sourceCode);
    } else if (base) {
      facts.baseImport = base.baseImport;
      facts.isDurableObject = base.isDurableObject;
      facts.ctorParams = [...base.ctorParams];
    }

    // 2. Members: methods, the constructor.
    let ctor: TSESTree.FunctionExpression | undefined;
    for (const el of node.body.body) {
      if (el.type === AST_NODE_TYPES.MethodDefinition && el.value.type === AST_NODE_TYPES.FunctionExpression) {
        if (el.kind === "constructor") ctor = el.value;
        else if (!el.static && el.kind === "method") {
          const name = keyName(el.key, el.computed);
          if (name !== undefined) facts.methods.set(name, el.value);
        }
      } else if (el.type === AST_NODE_TYPES.PropertyDefinition && !el.static && isFunction(el.value)) {
        const name = keyName(el.key, el.computed);
        if (name !== undefined) facts.methods.set(name, el.value);
      }
    }
    facts.ctor = ctor;
    if (ctor) {
      facts.ctorParams = [];
      ctor.params.forEach((p, i) => {
        const param = p.type === AST_NODE_TYPES.TSParameterProperty ? p.parameter : p;
        const id = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
        let kind =
          id.type === AST_NODE_TYPES.Identifier ? kindOfTypeName(typeAnnotationName(id.typeAnnotation?.typeAnnotation)) : undefined;
        if (kind === undefined && i === 0 && base === "durable-object") kind = "state";
        if (kind === "state" && i === 0) facts.isDurableObject = true;
        facts.ctorParams[i] = kind;
      });
      if (!facts.isDurableObject && this.isOldModuleStyle(node, ctor, facts)) {
        facts.isDurableObject = true;
        facts.ctorParams[0] = "state";
      }
    }
  }

  /**
   * What tells the kind of each own field, by name, in the order it applies: parameter properties,
   * declared types and initialisers, then `this.f = …` assignments (the constructor's first, as
   * they run first). Inherited fields come first (see `FieldTable`). Nothing is resolved here.
   */
  private fieldSources(facts: MutableFacts): Map<string, FieldSource[]> {
    const node = facts.node;
    const { ctor } = facts;
    const out = new Map<string, FieldSource[]>();
    const add = (name: string, source: FieldSource): void => {
      const list = out.get(name);
      if (list) list.push(source);
      else out.set(name, [source]);
    };
    if (ctor) {
      // TypeScript parameter properties: `constructor(private readonly state: DurableObjectState)`.
      ctor.params.forEach((p, i) => {
        if (p.type !== AST_NODE_TYPES.TSParameterProperty) return;
        const param = p.parameter.type === AST_NODE_TYPES.AssignmentPattern ? p.parameter.left : p.parameter;
        const kind = facts.ctorParams[i];
        if (param.type === AST_NODE_TYPES.Identifier && kind) add(param.name, { set: kind });
      });
    }
    for (const el of node.body.body) {
      if (el.type === AST_NODE_TYPES.PropertyDefinition && !el.static) {
        const name = keyName(el.key, el.computed);
        if (name === undefined) continue;
        const declared = kindOfTypeName(typeAnnotationName(el.typeAnnotation?.typeAnnotation));
        if (declared) add(name, { set: declared });
        else if (el.value && !isFunction(el.value)) add(name, { value: el.value, neutral: isNeutral(el.value) });
      }
    }
    const assignments = [...this.thisAssignmentsOf(node)];
    // Constructor assignments first (they run first), then the rest, each in source order.
    assignments.sort((a, b) => rank(a, ctor) - rank(b, ctor) || a.range[0] - b.range[0]);
    for (const a of assignments) {
      const name = memberName(a.left as TSESTree.MemberExpression);
      if (name === undefined) continue;
      if (a.operator === "=") add(name, { value: a.right, neutral: isNeutral(a.right) });
      else if (a.operator === "??=" || a.operator === "||=") add(name, { value: a.right, neutral: false });
      else add(name, { value: undefined, neutral: false });
    }
    return out;
  }

  /**
   * The kind of one field from its sources: a declared type (or an inherited field, a parameter
   * property) sets it; every assigned value must resolve to that same kind, or the field is not a
   * handle (`null`/`undefined` resets are neutral). `partial` is called with the kind so far after
   * each source, for reads of this field while its own values are resolved.
   */
  private fieldKind(sources: readonly FieldSource[], partial: (kind: HandleKind | undefined) => void): HandleKind | undefined {
    let kind: HandleKind | undefined;
    let conflicting = false;
    for (const source of sources) {
      if ("set" in source) {
        kind = source.set;
      } else if (!source.neutral && !conflicting) {
        const r = source.value ? this.resolve(source.value) : undefined;
        const k = typeof r === "string" ? r : undefined;
        if (k === undefined || (kind !== undefined && kind !== k)) {
          if (kind !== undefined || k === undefined) {
            conflicting = true;
            kind = undefined;
          }
        } else {
          kind = k;
        }
      }
      partial(kind);
    }
    return kind;
  }

  /** Runs `compute` with results marked as depending on partial facts (not cached). */
  private whileComputing<T>(compute: () => T): T {
    this.computing++;
    try {
      return compute();
    } finally {
      this.computing--;
    }
  }

  /** `extends DurableObject` (imported from `cloudflare:workers` or a known framework), or a local DO class. */
  private baseClass(superClass: TSESTree.LeftHandSideExpression): "durable-object" | ClassFacts | undefined {
    const sc = unwrap(superClass);
    const imported = importedAs(sc, this.sourceCode);
    if (imported) return this.bases[imported.source]?.includes(imported.name) ? "durable-object" : undefined;
    if (sc.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = findVariable(this.sourceCode.getScope(sc), sc.name);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    return def?.type === "ClassName" && isClass(def.node as Node) ? this.classOf(def.node as ClassNode) : undefined;
  }

  /**
   * The old module style, without types: `class X { constructor(state, env) { this.state = state } fetch(req) {…} }`.
   * Demands a runtime handler method and the first parameter used as a state (`.storage`,
   * `.blockConcurrencyWhile`, …) directly or through the field it is stored in.
   */
  private isOldModuleStyle(node: ClassNode, ctor: TSESTree.FunctionExpression, facts: ClassFacts): boolean {
    if (node.superClass || ctor.params.length < 1 || ctor.params.length > 2) return false;
    // `constructor(private readonly state: X, env)` stores the parameter in `this.state`, exactly as
    // `this.state = state` does, whatever `X` is (untyped, `any`, an interface of the app).
    const property = ctor.params[0].type === AST_NODE_TYPES.TSParameterProperty ? ctor.params[0].parameter : undefined;
    const first = property ?? ctor.params[0];
    if (first.type !== AST_NODE_TYPES.Identifier) return false;
    if (![...facts.methods.keys()].some((m) => HANDLER_METHODS.has(m))) return false;
    const variable = findVariable(this.sourceCode.getScope(ctor.body), first.name);
    if (!variable || writtenAfterInit(variable)) return false;
    const storedIn = new Set<string>(property ? [first.name] : []);
    for (const ref of variable.references) {
      const p = ref.identifier.parent;
      if (p?.type === AST_NODE_TYPES.MemberExpression && p.object === ref.identifier) {
        const name = memberName(p);
        if (name !== undefined && STATE_ONLY_MEMBERS.has(name)) return true;
      }
      if (
        p?.type === AST_NODE_TYPES.AssignmentExpression &&
        p.right === ref.identifier &&
        p.left.type === AST_NODE_TYPES.MemberExpression &&
        p.left.object.type === AST_NODE_TYPES.ThisExpression
      ) {
        const name = memberName(p.left);
        if (name !== undefined) storedIn.add(name);
      }
    }
    if (storedIn.size === 0) return false;
    // `this.state.storage` / `this.state.blockConcurrencyWhile` somewhere in the class.
    let used = false;
    walk(node.body, this.sourceCode.visitorKeys, (n) => {
      if (used) return false;
      if (
        n.type === AST_NODE_TYPES.MemberExpression &&
        n.object.type === AST_NODE_TYPES.MemberExpression &&
        n.object.object.type === AST_NODE_TYPES.ThisExpression
      ) {
        const field = memberName(n.object);
        const name = memberName(n);
        if (field && storedIn.has(field) && name && STATE_ONLY_MEMBERS.has(name)) used = true;
      }
      return true;
    });
    return used;
  }

  private resolveType(expr: Node): Resolved {
    if (expr.type === AST_NODE_TYPES.ThisExpression || expr.type === AST_NODE_TYPES.Super) return undefined;
    const types = this.types!;
    try {
      const tsNode = types.map.get(expr);
      if (!tsNode) return undefined;
      const type = types.checker.getNonNullableType(types.checker.getTypeAtLocation(tsNode));
      return kindOfType(type);
    } catch {
      return undefined;
    }
  }
}

/** The class `scope` is or sits in, if any. */
function enclosingClassOrSelf(scope: Node): ClassNode | undefined {
  for (let n: Node | undefined = scope; n; n = n.parent) if (isClass(n)) return n;
  return undefined;
}

/** The class whose `extends` clause `id` is (through `ns.Base` and TypeScript wrappers), if any. */
function extendedBy(id: Node): ClassNode | undefined {
  let n: Node = id;
  for (let p: Node | undefined = n.parent; p; n = p, p = p.parent) {
    if (isClass(p)) return p.superClass === n ? p : undefined;
    const wraps =
      (p.type === AST_NODE_TYPES.MemberExpression && p.object === n) || isValueWrapper(p) || p.type === AST_NODE_TYPES.ChainExpression;
    if (!wraps) return undefined;
  }
  return undefined;
}

function kindOfType(type: TsType): HandleKind | undefined {
  if (type.isUnion?.() && type.types) {
    let found: HandleKind | undefined;
    for (const t of type.types) {
      const k = kindOfType(t);
      if (!k || (found && found !== k)) return undefined;
      found = k;
    }
    return found;
  }
  return kindOfTypeName(type.aliasSymbol?.name) ?? kindOfTypeName(type.symbol?.name);
}

function kindOfTypeName(name: string | undefined): HandleKind | undefined {
  return name !== undefined && Object.hasOwn(TYPE_KINDS, name) ? TYPE_KINDS[name] : undefined;
}

/** The kind reached by reading property `name` of a value of kind `base`. */
function member(base: Resolved, name: string): Resolved {
  if (base === undefined) return undefined;
  if (typeof base === "object") return base.instance.fields.get(name);
  if (base === "state" && name === "storage") return "storage";
  if (base === "storage" && name === "sql") return "sql";
  if (base === "storage" && name === "kv") return "kv";
  return undefined;
}

function sameKind(a: Resolved, b: Resolved): Resolved {
  if (a === undefined || b === undefined) return a ?? b;
  if (typeof a === "string" && a === b) return a;
  return undefined;
}

/** `null`/`undefined` assigned to a field (a reset) does not tell what the field holds. */
function isNeutral(value: Node): boolean {
  const v = unwrap(value);
  return (v.type === AST_NODE_TYPES.Literal && v.value === null) || (v.type === AST_NODE_TYPES.Identifier && v.name === "undefined");
}

function rank(node: Node, ctor: Node | undefined): number {
  if (!ctor) return 1;
  return node.range[0] >= ctor.range[0] && node.range[1] <= ctor.range[1] ? 0 : 1;
}

function paramIndex(fn: FunctionNode, id: TSESTree.Identifier): number {
  return fn.params.findIndex((p) => {
    const param = p.type === AST_NODE_TYPES.TSParameterProperty ? p.parameter : p;
    const target = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
    return target === id;
  });
}

/** A variable that is assigned again after its declaration cannot be trusted to hold what it was initialised with. */
function writtenAfterInit(variable: TSESLint.Scope.Variable): boolean {
  return variable.references.some((ref) => ref.isWrite() && !ref.init);
}

/** For `const { a: { b } } = init`, the property path from `init` to `b`: ["a", "b"]. */
function patternPath(pattern: Node, target: TSESTree.Identifier): string[] | undefined {
  if (pattern === target) return [];
  if (pattern.type === AST_NODE_TYPES.AssignmentPattern) return patternPath(pattern.left, target);
  if (pattern.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
  for (const prop of pattern.properties) {
    if (prop.type !== AST_NODE_TYPES.Property) continue;
    const name = keyName(prop.key, prop.computed);
    if (name === undefined) continue;
    if (prop.value.range[0] <= target.range[0] && target.range[1] <= prop.value.range[1]) {
      const rest = patternPath(prop.value, target);
      return rest ? [name, ...rest] : undefined;
    }
  }
  return undefined;
}

/**
 * The shared setting `settings["durable-objects"].baseClasses`: more base classes whose instances
 * are Durable Objects (`this.ctx` is their `DurableObjectState`), by the module they are imported
 * from, e.g. `{ "@acme/do-kit": ["BaseObject"] }`. Anything malformed is ignored.
 */
function mergeBases(settings: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, readonly string[]>> {
  const own = (settings?.["durable-objects"] as { baseClasses?: unknown } | undefined)?.baseClasses;
  if (!own || typeof own !== "object" || Array.isArray(own)) return DURABLE_OBJECT_BASES;
  const out: Record<string, readonly string[]> = { ...DURABLE_OBJECT_BASES };
  for (const [module, names] of Object.entries(own as Record<string, unknown>)) {
    if (!Array.isArray(names)) continue;
    const valid = names.filter((n): n is string => typeof n === "string");
    out[module] = [...(out[module] ?? []), ...valid];
  }
  return out;
}

/**
 * The fields of one class, each resolved on its first read. While a field's own values are being
 * resolved, a read of it sees its kind so far (a self-referential `this.sql ??= …`); results that
 * depend on such partial facts are not cached by the model (`whileComputing`).
 */
class FieldTable implements FieldKinds {
  private readonly facts: MutableFacts;
  private readonly findSources: () => Map<string, FieldSource[]>;
  private readonly resolveKind: (
    sources: readonly FieldSource[],
    partial: (kind: HandleKind | undefined) => void,
  ) => HandleKind | undefined;
  /** Each field's own sources, found on the first read of any field (one scan of the class). */
  private sources: Map<string, FieldSource[]> | undefined;
  private readonly kinds = new Map<string, HandleKind | undefined>();
  /** The fields being resolved, with their kinds so far. */
  private readonly partial = new Map<string, HandleKind | undefined>();
  /** Set while the base class's fields are listed. */
  private listing = false;

  /** `findSources` lists the class's own field sources; `resolveKind` resolves one field's sources (the model's `fieldKind`). */
  constructor(
    facts: MutableFacts,
    findSources: () => Map<string, FieldSource[]>,
    resolveKind: (sources: readonly FieldSource[], partial: (kind: HandleKind | undefined) => void) => HandleKind | undefined,
  ) {
    this.facts = facts;
    this.findSources = findSources;
    this.resolveKind = resolveKind;
  }

  get(name: string): HandleKind | undefined {
    if (this.kinds.has(name)) return this.kinds.get(name);
    if (this.partial.has(name)) return this.partial.get(name);
    // Marked before the base class is asked: classes that extend each other (valid syntax, a TDZ
    // error at run time) end here instead of recursing.
    this.partial.set(name, undefined);
    let kind: HandleKind | undefined;
    try {
      const own = this.ownSources().get(name);
      const inherited = this.inherited(name);
      kind = own ? this.resolveKind(inherited ? [{ set: inherited }, ...own] : own, (k) => this.partial.set(name, k)) : inherited;
    } finally {
      this.partial.delete(name);
    }
    this.kinds.set(name, kind);
    return kind;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  *[Symbol.iterator](): IterableIterator<[string, HandleKind]> {
    if (this.listing) return; // a cycle of base classes
    const names = new Set<string>();
    const { base } = this.facts;
    this.listing = true;
    try {
      if (base === "durable-object") names.add("ctx");
      else if (base) for (const [name] of base.fields) names.add(name);
    } finally {
      this.listing = false;
    }
    for (const name of this.ownSources().keys()) names.add(name);
    for (const name of names) {
      const kind = this.get(name);
      if (kind !== undefined) yield [name, kind];
    }
  }

  private inherited(name: string): HandleKind | undefined {
    const { base } = this.facts;
    if (base === "durable-object") return name === "ctx" ? "state" : undefined;
    return base ? base.fields.get(name) : undefined;
  }

  private ownSources(): Map<string, FieldSource[]> {
    return (this.sources ??= this.findSources());
  }
}

const models = new WeakMap<object, DurableObjectModel>();

/** The shared model of the file `context` is linting. */
export function getModel(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): DurableObjectModel {
  const sourceCode = context.sourceCode;
  let model = models.get(sourceCode.ast);
  if (!model) {
    model = new DurableObjectModel(sourceCode, context.settings as Readonly<Record<string, unknown>> | undefined);
    models.set(sourceCode.ast, model);
  }
  return model;
}
