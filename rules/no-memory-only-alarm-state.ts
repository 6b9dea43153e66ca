import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import type { RuleContext } from "../src/create-rule.js";
import { createRule } from "../src/rule-kit.js";
import { type ClassNode, type Node, isReference, keyName, memberName, walk } from "../src/analysis/ast.js";
import { CONSTRUCTOR, type Member, type MemberKey, classIndex, closure, declaredFields } from "../src/analysis/class-model.js";
import { type ContainerUse, classifyUse } from "../src/analysis/container-uses.js";
import { declaredInstanceBound, holdsInstanceBound } from "../src/analysis/instance-bound.js";
import { type Persistence, isStorageWrite, persistence, storageBackedFields } from "../src/analysis/persistence.js";
import type { DurableObjectModel } from "../src/analysis/storage.js";

type MessageIds = "memoryOnly";

/** The handle calls this rule looks at: reads that fill caches, `setAlarm`, and writes. */
const WATCHED_METHODS: ReadonlySet<string> = new Set(["get", "list", "exec", "setAlarm", "put"]);

/** One `this.f` of a field that is neither a method nor a handle, in a member the call graph names. */
interface Use extends ContainerUse {
  node: TSESTree.MemberExpression;
  owner: Member & { key: MemberKey };
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
        "`this.{{field}}` is filled in `{{method}}()` for `alarm()` but lives only in memory: after an eviction or restart the alarm finds it empty. " +
        "Store each item in `{{method}}()`.",
    },
  },
  // Only a class with its own `alarm()` method is reported: without the word, there is none.
  mentions: ["alarm"],
  create(context, model) {
    // Only a Durable Object class with its own `alarm()` can be reported (looked for by name first: most classes have none).
    const alarmClasses = model
      .classes()
      .filter((c) => declaresAlarm(c) && model.classOf(c).isDurableObject && model.classOf(c).methods.has("alarm"));
    if (alarmClasses.length === 0) return undefined;
    return {
      "Program:exit"() {
        for (const cls of alarmClasses) checkClass(context, model, cls);
      },
    };
  },
});

/** Reports the fields of `cls` (a Durable Object with its own `alarm()`) that buffer work for the alarm in memory only. */
function checkClass(context: RuleContext<MessageIds>, model: DurableObjectModel, cls: ClassNode): void {
  const { sourceCode } = context;
  const facts = model.classOf(cls);
  const index = classIndex(model, cls);

  // What the members do with storage: read it (into caches), set the alarm, write.
  const reads: Node[] = [];
  const schedulers = new Set<string>();
  const writers = new Set<string>();
  for (const { node, owner } of index.calls) {
    const h = model.handleCall(node, WATCHED_METHODS);
    if (!h) continue;
    const storageLike = h.kind === "storage" || h.kind === "txn";
    if (((storageLike || h.kind === "kv") && (h.method === "get" || h.method === "list")) || (h.kind === "sql" && h.method === "exec")) {
      reads.push(node);
    }
    // `setAlarm()` in the constructor does not count; a write there does not reach any method.
    if (typeof owner.key !== "string") continue;
    if (storageLike && h.method === "setAlarm") schedulers.add(owner.key);
    if (isStorageWrite(model, h, node)) writers.add(owner.key);
  }

  // The fields' uses, and the first `this.f = …` in the constructor (for fields the class body does not declare).
  const uses = new Map<string, Use[]>();
  const ctorAssign = new Map<string, TSESTree.MemberExpression>();
  for (const { node, name, owner } of index.thisMembers) {
    if (name === undefined || owner.key === undefined || node.object.type !== AST_NODE_TYPES.ThisExpression) continue;
    if (facts.methods.has(name) || facts.fields.has(name)) continue;
    let list = uses.get(name);
    if (!list) uses.set(name, (list = []));
    list.push({ node, owner: owner as Use["owner"], ...classifyUse(node, name) });
    const p = node.parent;
    if (owner.key === CONSTRUCTOR && !ctorAssign.has(name) && p.type === AST_NODE_TYPES.AssignmentExpression && p.left === node) {
      ctorAssign.set(name, node);
    }
  }
  if (uses.size === 0) return;

  // Over `certain` calls (a body callees.ts pins down) where an unknown body must not make a report;
  // over `possible` ones where it must not hide a write to storage.
  const { certain, possible } = index;
  // Code that runs when the alarm fires: alarm() and the methods it calls.
  const alarmReach = closure(["alarm"], certain.callees);
  // Methods that run only when the alarm fires: their fills are the alarm's own, their writes come too late.
  const alarmOnly = possible.exclusivelyFrom("alarm");
  const isAlarmOnly = (key: MemberKey): boolean => typeof key === "string" && alarmOnly.has(key);
  // Methods that set an alarm or write storage, themselves or through a method they call.
  const reachScheduler = closure(schedulers, certain.callers);
  const reachWriter = closure(writers, possible.callers);
  // Methods that set an alarm, call one that does, or are called (outside the alarm's own code) by one that does.
  const schedulesAround = closure(
    [...reachScheduler].filter((m) => !alarmOnly.has(m)),
    (m) => certain.callees(m).filter((c) => !alarmOnly.has(c)),
  );
  const persisting = persistence(model, cls, (m) => reachWriter.has(m));
  const storageBacked = storageBackedFields(sourceCode, cls, reads);
  const declared = declaredFields(cls);

  for (const [name, fieldUses] of uses) {
    if (storageBacked.has(name)) continue;
    const decl = declared.get(name);
    if (decl === null) continue;
    const at = decl ?? ctorAssign.get(name);
    if (!at) continue;
    // A field declared to hold callbacks, promises or sockets (`Map<string, Set<() => void>>`) is in-memory by nature.
    if (decl && declaredInstanceBound(decl.parent, sourceCode)) continue;
    if (!fieldUses.some((u) => u.kind === "read" && typeof u.owner.key === "string" && alarmReach.has(u.owner.key))) continue;
    const fills = fieldUses.filter(
      (u) =>
        u.kind === "fill" &&
        typeof u.owner.key === "string" &&
        !isAlarmOnly(u.owner.key) &&
        facts.methods.has(u.owner.key) &&
        schedulesAround.has(u.owner.key),
    );
    if (fills.length === 0) continue;
    // WebSockets, promise resolvers, callbacks: they live and die with the instance, and storage cannot hold them.
    if (fieldUses.some((u) => u.kind === "fill" && u.items.some((item) => holdsInstanceBound(item, sourceCode)))) continue;
    // Written to storage outside the alarm's own code: the buffer may be durable after all.
    if (fieldUses.some((u) => !isAlarmOnly(u.owner.key) && persisting.persists(u.node, true))) continue;
    const fill = fills.find((f) => !cachedFill(sourceCode, f, uses, persisting));
    if (!fill) continue;
    context.report({ node: at, messageId: "memoryOnly", data: { field: name, method: fill.owner.key as string } });
  }
}

/** The filling method also writes the same item to storage: the field is only a cache of it. */
function cachedFill(sourceCode: Readonly<TSESLint.SourceCode>, fill: Use, uses: Map<string, Use[]>, persisting: Persistence): boolean {
  const fn = fill.owner.fn;
  if (!fn) return false;
  const inMethod = (n: Node): boolean => n.range[0] >= fn.range[0] && n.range[1] <= fn.range[1];
  let cached = false;
  for (const item of fill.items) {
    walk(item, sourceCode.visitorKeys, (n) => {
      if (cached) return false;
      if (n.type === AST_NODE_TYPES.Identifier && isReference(n)) {
        const v = findVariable(sourceCode.getScope(n), n.name);
        if (v && v.defs.length > 0) {
          cached = v.references.some((r) => r.isRead() && inMethod(r.identifier) && persisting.persists(r.identifier, true));
        }
        return false;
      }
      if (n.type === AST_NODE_TYPES.MemberExpression && n.object.type === AST_NODE_TYPES.ThisExpression) {
        const name = memberName(n);
        const named = name === undefined ? undefined : uses.get(name);
        cached = named?.some((u) => u.owner.key === fill.owner.key && persisting.persists(u.node, true)) ?? false;
        return false;
      }
      return true;
    });
    if (cached) return true;
  }
  return false;
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
