import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import { type ClassNode, type FunctionNode, enclosingFunction, keyName, memberName, methodCall, unwrap } from "../src/analysis/ast.js";
import { type Callee, resolveMethod } from "../src/analysis/callees.js";
import { classIndex, closure, ownerOf } from "../src/analysis/class-model.js";
import { COMPATIBILITY_OPTIONS_SCHEMA, type CompatibilityOptions } from "../src/analysis/compat.js";
import { type KeepsAlarmReason, whyDeleteAllKeepsAlarm } from "../src/analysis/delete-all-alarm.js";
import { insertBeforeStatement } from "../src/analysis/fix.js";
import type { DurableObjectModel } from "../src/analysis/storage.js";

/** The storage calls this rule looks at: the `deleteAll()` to judge, and what says the class uses alarms or deletes one. */
const ALARM_METHODS: ReadonlySet<string> = new Set(["deleteAll", "setAlarm", "deleteAlarm"]);

type Options = [CompatibilityOptions];

type MessageIds = KeepsAlarmReason | "suggestDeleteAlarm";

interface Candidate {
  call: TSESTree.CallExpression;
  receiver: TSESTree.Expression;
  cls: ClassNode;
  fn: FunctionNode;
}

export default createRule<Options, MessageIds>({
  name: "require-delete-alarm-with-delete-all",
  meta: {
    defaultOptions: [{}],
    type: "problem",
    docs: {
      description: "Require `deleteAlarm()` next to `deleteAll()` in Durable Objects that use alarms",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [COMPATIBILITY_OPTIONS_SCHEMA],
    messages: {
      oldDate:
        "At compatibility date {{date}} (from {{source}}), `deleteAll()` leaves the alarm set, so `alarm()` fires on the emptied object. Call `deleteAlarm()` too.",
      unknownDate:
        "No compatibility date (no wrangler config, no `compatibilityDate` option): before 2026-02-24, `deleteAll()` leaves the alarm set. Call `deleteAlarm()` too.",
      noValidDate:
        "{{source}} has no valid `compatibility_date`: before 2026-02-24, `deleteAll()` leaves the alarm set, so `alarm()` fires on the emptied object. Call `deleteAlarm()` too.",
      ignoredConfig:
        "{{file}} is malformed and was ignored, so the compatibility date is unknown: before 2026-02-24, `deleteAll()` leaves the alarm set. Call `deleteAlarm()` too.",
      preservesFlag:
        "With `delete_all_preserves_alarm` (from {{source}}), `deleteAll()` leaves the alarm set, so `alarm()` fires on the emptied object. Call `deleteAlarm()` too.",
      suggestDeleteAlarm: "Call `{{receiver}}.deleteAlarm()` before `deleteAll()`",
    },
  },
  // Only a `deleteAll()` call is reported: without the word, there is none.
  mentions: ["deleteAll"],
  create(context, model, [options]) {
    const candidates: Candidate[] = [];
    const setsAlarm = new Set<ClassNode>();
    const deletesAlarm = new Set<FunctionNode>();
    return {
      CallExpression(node) {
        const call = model.handleCall(node, ALARM_METHODS);
        if (!call || (call.kind !== "storage" && call.kind !== "txn")) return;
        // The method (or function-valued field) the call runs for, through nested callbacks.
        const owner = ownerOf(node, true);
        if (!owner?.fn) return;
        if (call.method === "setAlarm") setsAlarm.add(owner.cls);
        else if (call.method === "deleteAlarm") deletesAlarm.add(owner.fn);
        else if (call.kind === "storage" && owner.key !== "alarm") {
          candidates.push({ call: node, receiver: call.receiver, cls: owner.cls, fn: owner.fn });
        }
      },
      "Program:exit"() {
        // Only classes that use alarms can leave one behind.
        const judged = candidates.filter((c) => setsAlarm.has(c.cls) || model.classOf(c.cls).methods.has("alarm"));
        if (judged.length === 0) return;
        const deleters = new AlarmDeleters(model, deletesAlarm);
        const pending = judged.filter((c) => !deleters.mayDelete(c.fn, c.cls));
        if (pending.length === 0) return;
        const report = whyDeleteAllKeepsAlarm(context.filename, options);
        if (!report) return;
        const { sourceCode } = context;
        for (const c of pending) {
          const receiver = sourceCode.getText(c.receiver);
          const awaitPrefix = enclosingFunction(c.call)?.async ? "await " : "";
          const fix = insertBeforeStatement(sourceCode, c.call, `${awaitPrefix}${receiver}.deleteAlarm();`);
          context.report({
            node: c.call,
            messageId: report.messageId,
            data: report.data,
            suggest: fix ? [{ messageId: "suggestDeleteAlarm", data: { receiver }, fix }] : [],
          });
        }
      },
    };
  },
});

/**
 * Which methods of the file's classes may delete the alarm, for the `deleteAll()` calls judged (only
 * the methods they reach are looked at). Calls come from the class model: every call of a member,
 * callbacks nested in it included.
 */
class AlarmDeleters {
  /** Per member function of a class asked about: its calls, callbacks included. */
  private readonly callsIn = new Map<FunctionNode, TSESTree.CallExpression[]>();
  private readonly indexed = new Set<ClassNode>();
  /** Per member function: whether it hands the object or its storage to other code (computed when asked). */
  private readonly handsOffCache = new Map<FunctionNode, boolean>();
  /** Per class: its `delegateFields` (computed when asked). */
  private readonly delegates = new Map<ClassNode, Set<string>>();

  constructor(
    private readonly model: DurableObjectModel,
    /** The member functions that call `deleteAlarm()`. */
    private readonly deletesAlarm: ReadonlySet<FunctionNode>,
  ) {}

  /**
   * Whether `fn` (a method of `cls`) may delete the alarm: it, or a method it reaches through
   * `this.m()`, calls `deleteAlarm()`, hands the object or its storage to other code, or calls a
   * method of a field built from them; or it reaches a `this.m()` whose body this file does not
   * show for certain (callees.ts: a framework base class's, one a subclass declares again, one the
   * class reassigns). A `this.m()` in a nested `function` counts as the instance's call: it may
   * well run on the instance (`items.forEach(function () { this.m(); }, this)`).
   */
  mayDelete(fn: FunctionNode, cls: ClassNode): boolean {
    const reached = closure<Callee>([fn], (f) =>
      typeof f === "object" ? this.thisCalls(f).map((name) => resolveMethod(this.model, cls, name)) : [],
    );
    for (const f of reached) {
      if (f === "unknown" || (f && (this.deletesAlarm.has(f) || this.handsOff(f)))) return true;
    }
    return false;
  }

  /** The calls in `fn`, a class member's function (none for a function the file's classes do not own). */
  private calls(fn: FunctionNode): readonly TSESTree.CallExpression[] {
    const cls = ownerOf(fn.body)?.cls;
    if (cls && !this.indexed.has(cls)) {
      this.indexed.add(cls);
      for (const { node, owner } of classIndex(this.model, cls).calls) {
        if (!owner.fn) continue;
        const list = this.callsIn.get(owner.fn);
        if (list) list.push(node);
        else this.callsIn.set(owner.fn, [node]);
      }
    }
    return this.callsIn.get(fn) ?? [];
  }

  /** The names `m` of the `this.m()` calls in `fn`. */
  private thisCalls(fn: FunctionNode): string[] {
    const names: string[] = [];
    for (const node of this.calls(fn)) {
      const mc = methodCall(node);
      if (mc && unwrap(mc.receiver).type === AST_NODE_TYPES.ThisExpression) names.push(mc.method);
    }
    return names;
  }

  /** Whether `fn` hands the object or a handle to other code: as an argument, or through `this.field.m()` of a field built from them. */
  private handsOff(fn: FunctionNode): boolean {
    let r = this.handsOffCache.get(fn);
    if (r !== undefined) return r;
    r = false;
    const cls = ownerOf(fn.body)?.cls;
    for (const node of this.calls(fn)) {
      if (this.model.handleCall(node)) continue;
      const mc = methodCall(node);
      const receiver = mc && unwrap(mc.receiver);
      if (cls && receiver?.type === AST_NODE_TYPES.MemberExpression && unwrap(receiver.object).type === AST_NODE_TYPES.ThisExpression) {
        const field = memberName(receiver);
        if (field !== undefined && this.delegateFields(cls).has(field)) r = true;
      }
      if (!r && node.arguments.some((a) => a.type !== AST_NODE_TYPES.SpreadElement && this.givesAway(a))) r = true;
      if (r) break;
    }
    this.handsOffCache.set(fn, r);
    return r;
  }

  /** Whether `arg` is the object itself or one of its handles: whoever gets it can delete the alarm. */
  private givesAway(arg: TSESTree.Node): boolean {
    const a = unwrap(arg);
    if (a.type === AST_NODE_TYPES.ThisExpression) return true;
    const k = this.model.kindOf(a);
    return k === "state" || k === "storage" || k === "txn";
  }

  /** Fields initialised from a call or `new` that was handed the object or a handle (`lifecycle = Lifecycle.install(this)`). */
  private delegateFields(cls: ClassNode): Set<string> {
    let out = this.delegates.get(cls);
    if (out) return out;
    out = new Set();
    const made = (v: TSESTree.Node | null | undefined): boolean => {
      const e = v && unwrap(v);
      return (
        (e?.type === AST_NODE_TYPES.CallExpression || e?.type === AST_NODE_TYPES.NewExpression) &&
        e.arguments.some((a) => this.givesAway(a))
      );
    };
    for (const el of cls.body.body) {
      if (el.type === AST_NODE_TYPES.PropertyDefinition && !el.static && made(el.value)) {
        const name = keyName(el.key, el.computed);
        if (name !== undefined) out.add(name);
      }
    }
    // `this.f = …` in any instance member (the class model's writes: `this` the instance).
    for (const { write, use } of classIndex(this.model, cls).writes) {
      if (write.type === AST_NODE_TYPES.AssignmentExpression && write.left === use.node && use.name !== undefined && made(write.right)) {
        out.add(use.name);
      }
    }
    this.delegates.set(cls, out);
    return out;
  }
}
