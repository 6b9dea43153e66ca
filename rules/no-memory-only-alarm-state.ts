import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type RuleContext, createRule } from "../src/create-rule.js";
import {
  type ClassNode,
  type FunctionNode,
  type Node,
  calledMethod,
  isClass,
  isFunction,
  isReference,
  keyName,
  memberName,
  methodCall,
  outermostValue,
  thisClass,
  unwrap,
  walk,
  withinAny,
} from "../src/analysis/ast.js";
import { mainVerb } from "../src/analysis/sql.js";
import { staticSql } from "../src/analysis/sql-text.js";
import { type ClassFacts, type DurableObjectModel, type HandleKind, getModel } from "../src/analysis/storage.js";
import { methodListeners } from "../src/analysis/listeners.js";

type MessageIds = "memoryOnly";

/** Where code of a class runs: a method (or function-valued field) by name, the constructor, or a field initialiser. */
const CTOR: unique symbol = Symbol("constructor");
const INIT: unique symbol = Symbol("field initialiser");
type OwnerKey = string | typeof CTOR | typeof INIT;

interface Owner {
  cls: ClassNode;
  key: OwnerKey;
  /** The method's function, for methods. */
  fn: FunctionNode | undefined;
}

/** Methods that add their arguments to an array, `Set` or `Map`. */
const FILLERS = new Set(["push", "unshift", "add", "set"]);
/** Methods that empty a container without reading it. */
const CLEARERS = new Set(["clear"]);
/** Runtime handlers whose first parameter is a WebSocket. */
const WEBSOCKET_HANDLERS = new Set(["webSocketMessage", "webSocketClose", "webSocketError"]);
/** The handle calls this rule looks at: reads that fill caches, `setAlarm`, and writes. */
const WATCHED_METHODS: ReadonlySet<string> = new Set(["get", "list", "exec", "setAlarm", "put"]);
/** SQL verbs that store data. */
const SQL_WRITES = new Set(["insert", "update", "replace"]);

/** One `this.f` of a (non-handle, non-method) field. */
interface Use {
  node: TSESTree.MemberExpression;
  owner: Owner;
  /** fill: adds items; read: reads the contents; reset: replaces or empties it without reading. */
  /** `probe`: a membership check or a removal by key (`has`, `includes`, `indexOf`, `delete`): it reads no batch out of the field. */
  kind: "fill" | "read" | "probe" | "reset";
  /** The values a fill adds. */
  items: Node[];
}

interface ClassData {
  facts: ClassFacts;
  uses: Map<string, Use[]>;
  /** Same-class calls `this.m(…)`: caller → callee names. */
  calls: Map<OwnerKey, Set<string>>;
  /** For each own method: who calls it, and whether it is referenced other than by a call. */
  refs: Map<string, { callers: Set<OwnerKey>; escaped: boolean }>;
  /** Owners that call `setAlarm()`. */
  schedulers: Set<OwnerKey>;
  /** Owners that write storage (`put`, SQL `INSERT`/`UPDATE`/`REPLACE`). */
  writers: Set<OwnerKey>;
  /** Fields assigned or filled from a storage read: caches of storage. */
  storageBacked: Set<string>;
  /** The first `this.f = …` in the constructor, for fields not declared in the class body. */
  ctorAssign: Map<string, TSESTree.MemberExpression>;
}

export default createRule<[], MessageIds>({
  name: "no-memory-only-alarm-state",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow Durable Object fields that buffer work for `alarm()` only in memory",
      recommended: "warn",
    },
    schema: [],
    messages: {
      memoryOnly:
        "`this.{{field}}` is filled in `{{method}}()` and read when `alarm()` runs, but it lives only in memory. Alarms are durable, in-memory fields are not: " +
        "if the object is evicted, or restarted by a deploy or a crash, before the alarm fires, `alarm()` runs on a fresh instance where `this.{{field}}` is empty, and the items are silently lost. " +
        'Write each item to storage in `{{method}}()` (e.g. `sql.exec("INSERT INTO pending …", …)` or `storage.put("pending:" + id, item)`), and in `alarm()` read, process and delete the stored items inside `storage.transactionSync(() => { … })`.',
    },
  },
  create(context) {
    const model = getModel(context);
    // Only a class with its own `alarm()` method is reported: without the word, there is none.
    if (!model.hasRegions || !context.sourceCode.text.includes("alarm")) return {};
    // Only a Durable Object class with its own `alarm()` can be reported (looked for by name first: most classes have none).
    const alarmClasses = model
      .classes()
      .filter((c) => declaresAlarm(c) && model.classOf(c).isDurableObject && model.classOf(c).methods.has("alarm"));
    if (alarmClasses.length === 0) return {};
    return methodListeners(new AlarmStateChecker(context, model, alarmClasses), ["ThisExpression", "CallExpression", "Program:exit"]);
  },
});

/** One file's state for this rule (its listeners are methods: see `methodListeners`). */
class AlarmStateChecker {
  private readonly context: RuleContext<MessageIds>;
  private readonly model: DurableObjectModel;
  /** The Durable Object classes with their own `alarm()`. */
  private readonly alarmClasses: readonly ClassNode[];
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;
  /** Per class: its data, or null for a class that is not a Durable Object. */
  private readonly classes = new Map<ClassNode, ClassData | null>();
  /** Variables initialised from a storage read (one step). */
  private readonly storageVars = new Set<TSESLint.Scope.Variable>();

  constructor(context: RuleContext<MessageIds>, model: DurableObjectModel, alarmClasses: readonly ClassNode[]) {
    this.context = context;
    this.model = model;
    this.alarmClasses = alarmClasses;
    this.sourceCode = context.sourceCode;
  }

  /** Whether `node` is in a Durable Object class with its own `alarm()`: nothing elsewhere can be reported (a range test, no climb). */
  private inAlarmClass(node: Node): boolean {
    return withinAny(this.alarmClasses, node);
  }

  private dataFor(cls: ClassNode): ClassData | undefined {
    let data = this.classes.get(cls);
    if (data === null) return undefined;
    if (!data) {
      const facts = this.model.classOf(cls);
      // Only a Durable Object class with its own `alarm()` can be reported: nothing else is collected.
      if (!facts.isDurableObject || !facts.methods.has("alarm")) {
        this.classes.set(cls, null);
        return undefined;
      }
      data = {
        facts,
        uses: new Map(),
        calls: new Map(),
        refs: new Map(),
        schedulers: new Set(),
        writers: new Set(),
        storageBacked: new Set(),
        ctorAssign: new Map(),
      };
      this.classes.set(cls, data);
    }
    return data;
  }

  /** `this.f` (in a Durable Object class): its class data and field name. */
  private thisField(expr: Node): { data: ClassData; name: string } | undefined {
    const e = unwrap(expr);
    if (e.type !== AST_NODE_TYPES.MemberExpression || e.object.type !== AST_NODE_TYPES.ThisExpression) return undefined;
    const name = memberName(e);
    const cls = name === undefined ? undefined : thisClass(e);
    const data = cls ? this.dataFor(cls) : undefined;
    return data && name !== undefined ? { data, name } : undefined;
  }

  /**
   * Marks what a storage read flows into: a field it is assigned to or added to (that field is a
   * cache of storage), or a variable it initialises (followed one step at Program:exit).
   */
  private markStorageSource(start: Node, followVariables: boolean): void {
    let n: Node = start;
    for (let p = n.parent; p; n = p, p = p.parent) {
      if (isFunction(p) || isClass(p)) return;
      switch (p.type) {
        case AST_NODE_TYPES.AssignmentExpression: {
          if (p.right !== n) return;
          const target = unwrap(p.left);
          const f = this.thisField(target) ?? (target.type === AST_NODE_TYPES.MemberExpression ? this.thisField(target.object) : undefined);
          if (f) {
            f.data.storageBacked.add(f.name);
            return;
          }
          break;
        }
        case AST_NODE_TYPES.CallExpression: {
          if (!p.arguments.includes(n as TSESTree.CallExpressionArgument)) break;
          const mc = methodCall(p);
          const f = mc ? this.thisField(mc.receiver) : undefined;
          if (f) {
            f.data.storageBacked.add(f.name);
            return;
          }
          break;
        }
        case AST_NODE_TYPES.PropertyDefinition: {
          if (p.value === n && !p.static && isClass(p.parent.parent)) {
            const name = keyName(p.key, p.computed);
            const data = this.dataFor(p.parent.parent);
            if (name !== undefined && data) data.storageBacked.add(name);
          }
          return;
        }
        case AST_NODE_TYPES.VariableDeclarator:
          if (p.init === n && followVariables) for (const v of this.sourceCode.getDeclaredVariables(p)) this.storageVars.add(v);
          return;
        case AST_NODE_TYPES.ForOfStatement:
          if (p.right === n && followVariables) for (const v of this.sourceCode.getDeclaredVariables(p.left)) this.storageVars.add(v);
          return;
        default:
          if (isStatementLike(p)) return;
      }
    }
  }

  // `this` is far rarer than member expressions; its `this.x` member is entered just before it.
  ThisExpression(thisExpr: TSESTree.ThisExpression): void {
    if (!this.inAlarmClass(thisExpr)) return;
    const node = thisExpr.parent;
    if (node.type !== AST_NODE_TYPES.MemberExpression || node.object !== thisExpr) return;
    const name = memberName(node);
    if (name === undefined) return;
    const cls = thisClass(node);
    const data = cls && this.dataFor(cls);
    if (!data) return;
    const owner = ownerOf(node);
    if (!owner || owner.cls !== cls) return;
    const { facts } = data;
    if (facts.methods.has(name)) {
      let ref = data.refs.get(name);
      if (!ref) data.refs.set(name, (ref = { callers: new Set(), escaped: false }));
      const parent = node.parent;
      if (parent.type === AST_NODE_TYPES.CallExpression && parent.callee === node) {
        ref.callers.add(owner.key);
        let callees = data.calls.get(owner.key);
        if (!callees) data.calls.set(owner.key, (callees = new Set()));
        callees.add(name);
      } else {
        ref.escaped = true;
      }
      return;
    }
    if (facts.fields.has(name)) return;
    const use = classify(node, name);
    let uses = data.uses.get(name);
    if (!uses) data.uses.set(name, (uses = []));
    uses.push({ node, owner, kind: use.kind, items: use.items });
    if (owner.key === CTOR && !data.ctorAssign.has(name)) {
      const p = node.parent;
      if (p.type === AST_NODE_TYPES.AssignmentExpression && p.left === node) data.ctorAssign.set(name, node);
    }
  }

  CallExpression(node: TSESTree.CallExpression): void {
    // Only calls in a Durable Object class can fill, cache, schedule or write its fields.
    const name = calledMethod(node);
    if (name === undefined || !WATCHED_METHODS.has(name) || !this.inAlarmClass(node)) return;
    const cls = enclosingClass(node);
    if (!cls || !this.dataFor(cls)) return;
    const h = this.model.handleCall(node, WATCHED_METHODS);
    if (!h) return;
    const storageLike = h.kind === "storage" || h.kind === "txn";
    if ((storageLike || h.kind === "kv") && (h.method === "get" || h.method === "list")) this.markStorageSource(node, true);
    else if (h.kind === "sql" && h.method === "exec") this.markStorageSource(node, true);
    const schedules = storageLike && h.method === "setAlarm";
    const writes = isStorageWrite(h, node, this.sourceCode);
    if (!schedules && !writes) return;
    const owner = ownerOf(node, true);
    const data = owner ? this.dataFor(owner.cls) : undefined;
    if (!owner || !data) return;
    if (schedules) data.schedulers.add(owner.key);
    if (writes) data.writers.add(owner.key);
  }

  "Program:exit"(): void {
    for (const v of this.storageVars) {
      for (const ref of v.references) if (ref.isRead()) this.markStorageSource(ref.identifier, false);
    }
    for (const [cls, data] of this.classes) {
      if (data && data.uses.size > 0) this.checkClass(cls, data);
    }
  }

  private checkClass(cls: ClassNode, data: ClassData): void {
    const { facts } = data;
    const callees = (m: OwnerKey): Iterable<string> => data.calls.get(m) ?? [];

    // Code that runs when the alarm fires: alarm() and the methods it calls.
    const alarmReach = closure(["alarm"], callees);
    // Methods that run only when the alarm fires: called only from such methods, never referenced otherwise.
    const alarmOnly = new Set<string>(["alarm"]);
    const outside = new Map<string, number>(); // callers not (yet) known to run only from alarm()
    for (const [name, ref] of data.refs) outside.set(name, ref.escaped || ref.callers.size === 0 ? Infinity : ref.callers.size);
    for (const work = ["alarm"]; work.length > 0;) {
      for (const callee of callees(work.pop()!)) {
        const left = (outside.get(callee) ?? Infinity) - 1;
        outside.set(callee, left);
        if (left === 0 && !alarmOnly.has(callee)) {
          alarmOnly.add(callee);
          work.push(callee);
        }
      }
    }
    const isAlarmOnly = (o: OwnerKey): boolean => typeof o === "string" && alarmOnly.has(o);

    const callers = new Map<string, string[]>();
    for (const [caller, set] of data.calls) {
      if (typeof caller !== "string") continue;
      for (const callee of set) {
        let list = callers.get(callee);
        if (!list) callers.set(callee, (list = []));
        list.push(caller);
      }
    }
    const callersOf = (m: string): string[] => callers.get(m) ?? [];
    const named = (keys: Set<OwnerKey>): string[] => [...keys].filter((k): k is string => typeof k === "string");
    // Methods that set an alarm or write storage, themselves or through a method they call.
    const reachScheduler = closure(named(data.schedulers), callersOf);
    const reachWriter = closure(named(data.writers), callersOf);
    // Methods that set an alarm, call one that does, or are called (outside the alarm's own code) by one that does.
    const schedulesAround = closure(
      [...reachScheduler].filter((m) => !alarmOnly.has(m)),
      (m) => [...callees(m)].filter((c) => !alarmOnly.has(c)),
    );
    const persisting = persistence(this.model, this.sourceCode, facts, (m) => reachWriter.has(m));
    const declaredFields = declarations(cls);

    for (const [name, uses] of data.uses) {
      if (data.storageBacked.has(name) || facts.methods.has(name)) continue;
      const declared = declaredFields.get(name);
      if (declared === null) continue;
      const at = declared ?? data.ctorAssign.get(name);
      if (!at) continue;
      // A field declared to hold callbacks, promises or sockets (`Map<string, Set<() => void>>`) is in-memory by nature.
      if (declared && this.declaredInstanceBound(declared.parent)) continue;
      if (!uses.some((u) => u.kind === "read" && typeof u.owner.key === "string" && alarmReach.has(u.owner.key))) continue;
      const fills = uses.filter(
        (u) =>
          u.kind === "fill" &&
          typeof u.owner.key === "string" &&
          !isAlarmOnly(u.owner.key) &&
          facts.methods.has(u.owner.key) &&
          schedulesAround.has(u.owner.key),
      );
      if (fills.length === 0) continue;
      // WebSockets, promise resolvers, callbacks: they live and die with the instance, and storage cannot hold them.
      if (uses.some((u) => u.kind === "fill" && u.items.some((item) => this.instanceBound(item)))) continue;
      // Written to storage outside the alarm's own code: the buffer may be durable after all.
      if (uses.some((u) => !isAlarmOnly(u.owner.key) && persisting.persists(u.node, true))) continue;
      const fill = fills.find((f) => !this.cachedFill(f, data, persisting));
      if (!fill) continue;
      this.context.report({
        node: at,
        messageId: "memoryOnly",
        data: { field: name, method: fill.owner.key as string },
      });
    }
  }

  /**
   * An item that cannot be stored and does not outlive the instance: a function, a promise or its
   * resolver, a WebSocket (by its declaration: `new WebSocketPair()`, `getWebSockets()`, a `WebSocket`
   * annotation, a `webSocketMessage`/`webSocketClose`/`webSocketError` parameter), a stream or its
   * reader or writer (`new TransformStream()`, `getWriter()`), or anything annotated with one of
   * `INSTANCE_BOUND_TYPES` (stubs, controllers, sockets).
   */
  private instanceBound(item: Node): boolean {
    let bound = false;
    walk(item, this.sourceCode.visitorKeys, (n) => {
      if (bound) return false;
      if (isFunction(n)) bound = true;
      else if (n.type === AST_NODE_TYPES.NewExpression) {
        const callee = unwrap(n.callee);
        bound = callee.type === AST_NODE_TYPES.Identifier && INSTANCE_BOUND_CONSTRUCTORS.has(callee.name);
      } else if (n.type === AST_NODE_TYPES.CallExpression && STREAM_ENDS.has(calledMethod(n) ?? "")) {
        bound = true;
      } else if (n.type === AST_NODE_TYPES.Identifier && isReference(n)) {
        // `request.text()`, `ws.url`: a value read off the identifier, not the identifier's own value.
        if (n.parent?.type === AST_NODE_TYPES.MemberExpression && n.parent.object === n) return false;
        const v = findVariable(this.sourceCode.getScope(n), n.name);
        bound = v !== null && v.defs.length === 1 && this.boundDefinition(v.defs[0]);
        return false;
      }
      return !bound;
    });
    return bound;
  }

  private boundDefinition(def: TSESLint.Scope.Definition): boolean {
    if (def.type === "FunctionName" || def.type === "ClassName") return true;
    const id = def.name as TSESTree.Identifier;
    if (id.typeAnnotation && typeHoldsInstanceBound(id.typeAnnotation.typeAnnotation, this.sourceCode)) return true;
    if (def.type === "Parameter") {
      const fn = def.node as Node;
      if (fn.parent?.type === AST_NODE_TYPES.NewExpression && fn.parent.arguments[0] === fn) {
        const callee = unwrap(fn.parent.callee);
        return callee.type === AST_NODE_TYPES.Identifier && callee.name === "Promise";
      }
      const m = isFunction(fn) ? fn.parent : undefined;
      const name = m?.type === AST_NODE_TYPES.MethodDefinition ? keyName(m.key, m.computed) : undefined;
      // webSocketMessage(ws, message): only the first parameter is the socket.
      return name !== undefined && WEBSOCKET_HANDLERS.has(name) && isFunction(fn) && fn.params[0] === id;
    }
    if (def.type === "Variable") {
      const init = (def.node as TSESTree.VariableDeclarator).init;
      return init !== null && BOUND_INIT.test(this.sourceCode.getText(init));
    }
    return false;
  }

  /** A field whose declared type (annotation, or `new Map<…>()` type arguments) holds values storage cannot. */
  private declaredInstanceBound(decl: Node | undefined): boolean {
    if (decl?.type !== AST_NODE_TYPES.PropertyDefinition) return false;
    if (decl.typeAnnotation && typeHoldsInstanceBound(decl.typeAnnotation.typeAnnotation, this.sourceCode)) return true;
    const init = decl.value && unwrap(decl.value);
    return (
      init?.type === AST_NODE_TYPES.NewExpression &&
      (init.typeArguments?.params ?? []).some((t) => typeHoldsInstanceBound(t, this.sourceCode))
    );
  }

  /** The filling method also writes the same item to storage: the field is only a cache of it. */
  private cachedFill(fill: Use, data: ClassData, persisting: Persistence): boolean {
    const fn = fill.owner.fn;
    if (!fn) return false;
    const inMethod = (n: Node): boolean => n.range[0] >= fn.range[0] && n.range[1] <= fn.range[1];
    let cached = false;
    for (const item of fill.items) {
      walk(item, this.sourceCode.visitorKeys, (n) => {
        if (cached) return false;
        if (n.type === AST_NODE_TYPES.Identifier && isReference(n)) {
          const v = findVariable(this.sourceCode.getScope(n), n.name);
          if (v && v.defs.length > 0) {
            cached = v.references.some((r) => r.isRead() && inMethod(r.identifier) && persisting.persists(r.identifier, true));
          }
          return false;
        }
        if (n.type === AST_NODE_TYPES.MemberExpression && n.object.type === AST_NODE_TYPES.ThisExpression) {
          const name = memberName(n);
          const uses = name === undefined ? undefined : data.uses.get(name);
          cached = uses?.some((u) => u.owner.key === fill.owner.key && persisting.persists(u.node, true)) ?? false;
          return false;
        }
        return true;
      });
      if (cached) return true;
    }
    return false;
  }
}

interface Persistence {
  /** Whether the value at `start` flows (within its statement, or through one variable) into a call that may store it. */
  persists(start: Node, followAliases: boolean): boolean;
}

function persistence(
  model: DurableObjectModel,
  sourceCode: Readonly<TSESLint.SourceCode>,
  facts: ClassFacts,
  writesTransitively: (method: string) => boolean,
): Persistence {
  const callCache = new Map<Node, boolean>();

  /** A call that may write its arguments to storage. Unknown calls on the instance count (precision first). */
  function persistingCall(call: TSESTree.CallExpression): boolean {
    let r = callCache.get(call);
    if (r === undefined) callCache.set(call, (r = computePersistingCall(call)));
    return r;
  }

  function computePersistingCall(call: TSESTree.CallExpression): boolean {
    const h = model.handleCall(call);
    if (h) return isStorageWrite(h, call, sourceCode);
    if (instanceCallMayPersist(call.callee)) return true;
    // A helper handed a storage handle may write with it.
    if (call.arguments.some((a) => a.type !== AST_NODE_TYPES.SpreadElement && model.kindOf(a) !== undefined)) return true;
    return rootedAtEnv(call.callee);
  }

  /** `this.m(…)` / `` this.m`…` ``: an own method that writes storage, or a method the class does not define here. */
  function instanceCallMayPersist(callee: Node): boolean {
    const c = unwrap(callee);
    if (c.type !== AST_NODE_TYPES.MemberExpression || unwrap(c.object).type !== AST_NODE_TYPES.ThisExpression) return false;
    const name = memberName(c);
    if (name === undefined) return true;
    if (facts.methods.has(name)) return writesTransitively(name);
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

/** `put` on storage, a transaction or `storage.kv`; `sql.exec` of an `INSERT`/`UPDATE`/`REPLACE` (or of SQL built at run time). */
function isStorageWrite(
  h: { kind: HandleKind; method: string },
  call: TSESTree.CallExpression,
  sourceCode: Readonly<TSESLint.SourceCode>,
): boolean {
  if ((h.kind === "storage" || h.kind === "txn" || h.kind === "kv") && h.method === "put") return true;
  if (h.kind !== "sql" || h.method !== "exec") return false;
  const q = call.arguments[0];
  if (!q || q.type === AST_NODE_TYPES.SpreadElement) return true;
  const sql = staticSql(q, sourceCode);
  // SQL built at run time may write: count it as a write, which keeps the rule silent.
  return !sql || sql.statements.some((s) => SQL_WRITES.has(mainVerb(s)));
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

/** Methods that only ask whether a known item is in the field, or remove it by key: a marker set, not a batch being drained. */
const PROBES = new Set(["has", "includes", "indexOf", "delete"]);

/** What a `this.f` does to the field. */
function classify(node: TSESTree.MemberExpression, name: string): { kind: Use["kind"]; items: Node[] } {
  const read = { kind: "read" as const, items: [] };
  const reset = { kind: "reset" as const, items: [] };
  const base = outermostValue(node);
  const p = base.parent;
  if (!p) return read;
  if (p.type === AST_NODE_TYPES.MemberExpression && p.object === base) {
    const method = memberName(p);
    const gp = p.parent;
    if (gp?.type === AST_NODE_TYPES.CallExpression && gp.callee === p && method !== undefined) {
      const args = gp.arguments;
      if (FILLERS.has(method) && args.length > 0) return { kind: "fill", items: args };
      if (method === "splice" && args.length > 2) return { kind: "fill", items: args.slice(2) };
      if (CLEARERS.has(method)) return reset;
      if (PROBES.has(method)) return { kind: "probe", items: [] };
    }
    if (gp?.type === AST_NODE_TYPES.AssignmentExpression && gp.left === p) {
      if (method === "length") return reset;
      if (p.computed && gp.operator === "=") return { kind: "fill", items: [gp.right] };
    }
    return read;
  }
  if (p.type === AST_NODE_TYPES.AssignmentExpression && p.left === base) {
    if (p.operator !== "=") return read;
    const items = selfAppend(p.right, name);
    return items ? { kind: "fill", items } : reset;
  }
  // The `this.f` inside `this.f = [...this.f, x]` / `this.f = this.f.concat(x)`: part of that fill.
  if (isSelfAppendOperand(base, name)) return reset;
  return read;
}

function isThisMember(node: Node, name: string): boolean {
  const e = unwrap(node);
  return e.type === AST_NODE_TYPES.MemberExpression && e.object.type === AST_NODE_TYPES.ThisExpression && memberName(e) === name;
}

/** For `[...this.f, a, b]` / `this.f.concat(a, b)`: [a, b]. */
function selfAppend(right: Node, name: string): Node[] | undefined {
  const r = unwrap(right);
  if (r.type === AST_NODE_TYPES.ArrayExpression) {
    const self = r.elements.findIndex((e) => e?.type === AST_NODE_TYPES.SpreadElement && isThisMember(e.argument, name));
    if (self < 0) return undefined;
    const items = r.elements.filter((e, i): e is TSESTree.Expression | TSESTree.SpreadElement => i !== self && e !== null);
    return items.length > 0 ? items : undefined;
  }
  if (r.type === AST_NODE_TYPES.CallExpression && r.arguments.length > 0) {
    const mc = methodCall(r);
    if (mc?.method === "concat" && isThisMember(mc.receiver, name)) return r.arguments;
  }
  return undefined;
}

function isSelfAppendOperand(base: Node, name: string): boolean {
  const p = base.parent;
  let value: Node | undefined;
  if (p?.type === AST_NODE_TYPES.SpreadElement && p.parent?.type === AST_NODE_TYPES.ArrayExpression) value = p.parent;
  else if (
    p?.type === AST_NODE_TYPES.MemberExpression &&
    p.object === base &&
    p.parent?.type === AST_NODE_TYPES.CallExpression &&
    p.parent.callee === p
  )
    value = p.parent;
  if (!value) return false;
  const top = outermostValue(value);
  const a = top.parent;
  return (
    a?.type === AST_NODE_TYPES.AssignmentExpression &&
    a.operator === "=" &&
    a.right === top &&
    isThisMember(a.left, name) &&
    selfAppend(value, name) !== undefined
  );
}

/** Whether a class body declares an instance member named `alarm`, a method or a field (a cheap test before the class's facts). */
function declaresAlarm(cls: ClassNode): boolean {
  return cls.body.body.some(
    (m) =>
      (m.type === AST_NODE_TYPES.MethodDefinition || m.type === AST_NODE_TYPES.PropertyDefinition) &&
      !m.static &&
      keyName(m.key, m.computed) === "alarm",
  );
}

/** The nearest class around `node`. */
function enclosingClass(node: Node): ClassNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (isClass(n)) return n;
  return undefined;
}

/**
 * The class member code at `node` runs in. Walks out through arrow functions (and, with
 * `throughFunctions`, through any nested function: a call in a callback still runs for the method).
 */
function ownerOf(node: Node, throughFunctions = false): Owner | undefined {
  let child: Node = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    if (isFunction(n)) {
      const p = n.parent;
      if (p?.type === AST_NODE_TYPES.MethodDefinition && p.value === n) {
        if (p.static || !isClass(p.parent.parent)) return undefined;
        const cls = p.parent.parent;
        if (p.kind === "constructor") return { cls, key: CTOR, fn: n };
        if (p.kind !== "method") return undefined;
        const name = keyName(p.key, p.computed);
        return name === undefined ? undefined : { cls, key: name, fn: n };
      }
      if (p?.type === AST_NODE_TYPES.PropertyDefinition && p.value === n) {
        if (p.static || !isClass(p.parent.parent)) return undefined;
        const name = keyName(p.key, p.computed);
        return name === undefined ? undefined : { cls: p.parent.parent, key: name, fn: n };
      }
      if (n.type !== AST_NODE_TYPES.ArrowFunctionExpression && !throughFunctions) return undefined;
      continue;
    }
    switch (n.type) {
      case AST_NODE_TYPES.PropertyDefinition:
        if (n.value === child && !n.static && isClass(n.parent.parent)) return { cls: n.parent.parent, key: INIT, fn: undefined };
        return undefined;
      case AST_NODE_TYPES.MethodDefinition:
      case AST_NODE_TYPES.AccessorProperty:
      case AST_NODE_TYPES.StaticBlock:
      case AST_NODE_TYPES.ClassBody:
        return undefined;
      default:
        if (isClass(n)) return undefined;
    }
  }
  return undefined;
}

/**
 * The keys of the class body's declarations of instance fields, by name; `null` for names that are
 * also a method or an accessor (not a plain field).
 */
function declarations(cls: ClassNode): Map<string, Node | null> {
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

/** Everything reachable from `start` through `next`, `start` included. */
function closure<T>(start: T[], next: (t: T) => Iterable<T>): Set<T> {
  const seen = new Set<T>(start);
  const stack = [...start];
  while (stack.length > 0) {
    const t = stack.pop()!;
    for (const u of next(t)) {
      if (!seen.has(u)) {
        seen.add(u);
        stack.push(u);
      }
    }
  }
  return seen;
}

/** Type names whose values live and die with the instance: storage cannot hold them. */
const INSTANCE_BOUND_TYPES = new Set([
  // promises and functions
  "Promise",
  "PromiseLike",
  "Function",
  // sockets and open requests
  "WebSocket",
  "Socket",
  "Request",
  "Response",
  "AbortController",
  "AbortSignal",
  // streams, their readers, writers and controllers
  "ReadableStream",
  "WritableStream",
  "TransformStream",
  "ReadableStreamDefaultReader",
  "ReadableStreamBYOBReader",
  "WritableStreamDefaultWriter",
  "ReadableStreamDefaultController",
  "ReadableByteStreamController",
  "WritableStreamDefaultController",
  "TransformStreamDefaultController",
  // stubs of other objects and services
  "DurableObjectStub",
  "Fetcher",
]);
/** Constructors whose instances live and die with the object. */
const INSTANCE_BOUND_CONSTRUCTORS = new Set([
  "Promise",
  "WebSocketPair",
  "TransformStream",
  "ReadableStream",
  "WritableStream",
  "AbortController",
]);
/** Calls that return a stream's reader or writer. */
const STREAM_ENDS = new Set(["getReader", "getWriter"]);
/** In a variable's initialiser: a socket, a resolver, a promise, a stream or one of its ends. */
const BOUND_INIT = /WebSocket|withResolvers|new Promise|new (?:Transform|Readable|Writable)Stream\b|\.get(?:Reader|Writer)\(/;

/**
 * Whether a type mentions, anywhere, a function type, a method, or one of the instance-bound
 * types, looking into the interfaces and type aliases of this file that it names (`waiters:
 * Waiter[]` with `interface Waiter { resolve: (v: T) => void }`), each once.
 */
function typeHoldsInstanceBound(type: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>, seen = new Set<Node>()): boolean {
  let found = false;
  walk(type, sourceCode.visitorKeys, (n) => {
    if (found) return false;
    if (
      n.type === AST_NODE_TYPES.TSFunctionType ||
      n.type === AST_NODE_TYPES.TSConstructorType ||
      n.type === AST_NODE_TYPES.TSMethodSignature
    ) {
      found = true;
    } else if (n.type === AST_NODE_TYPES.TSTypeReference && n.typeName.type === AST_NODE_TYPES.Identifier) {
      if (INSTANCE_BOUND_TYPES.has(n.typeName.name)) found = true;
      else {
        const decl = localTypeDeclaration(n.typeName, sourceCode);
        if (decl && !seen.has(decl)) {
          seen.add(decl);
          found = typeHoldsInstanceBound(decl, sourceCode, seen);
        }
      }
    }
    return !found;
  });
  return found;
}

/** The interface or type alias of this file that `name` refers to, if any. */
function localTypeDeclaration(
  name: TSESTree.Identifier,
  sourceCode: Readonly<TSESLint.SourceCode>,
): TSESTree.TSInterfaceDeclaration | TSESTree.TSTypeAliasDeclaration | undefined {
  const variable = findVariable(sourceCode.getScope(name), name.name);
  for (const def of variable?.defs ?? []) {
    const node = def.node as Node;
    if (node.type === AST_NODE_TYPES.TSInterfaceDeclaration || node.type === AST_NODE_TYPES.TSTypeAliasDeclaration) return node;
  }
  return undefined;
}
