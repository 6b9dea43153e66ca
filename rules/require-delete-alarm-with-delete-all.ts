import path from "node:path";
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { type RuleContext, createRule } from "../src/create-rule.js";
import {
  type ClassNode,
  type FunctionNode,
  classMemberOf,
  enclosingFunction,
  isClass,
  isFunction,
  keyName,
  memberName,
  methodCall,
  unwrap,
  withinAny,
} from "../src/analysis/ast.js";
import { insertBeforeStatement } from "../src/analysis/fix.js";
import { resolveMethod } from "../src/analysis/callees.js";
import { methodListeners } from "../src/analysis/listeners.js";
import { type DurableObjectModel, getModel } from "../src/analysis/storage.js";
import { CALENDAR_DATE_PATTERN, compatibilityFor, describeSection, isOnOrAfter } from "../src/analysis/wrangler.js";

/** From this compatibility date on, `deleteAll()` deletes the alarm too (measured on workerd). */
export const DELETE_ALL_DELETES_ALARM_SINCE = "2026-02-24";

/** The storage methods this rule looks at; other calls are only candidates for handing the object away. */
const ALARM_METHODS: ReadonlySet<string> = new Set(["deleteAll", "setAlarm", "deleteAlarm"]);

type Options = [{ compatibilityDate?: string; compatibilityFlags?: string[] }];

type MessageIds = "oldDate" | "unknownDate" | "noValidDate" | "ignoredConfig" | "preservesFlag" | "suggestDeleteAlarm";

interface Candidate {
  call: TSESTree.CallExpression;
  receiver: TSESTree.Expression;
  cls: ClassNode;
  method: FunctionNode;
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
    schema: [
      {
        type: "object",
        description: "Overrides for what the nearest wrangler config says.",
        properties: {
          compatibilityDate: {
            type: "string",
            // ESLint's `format: "date"` names the problem ("should match format \"date\"") but checks
            // only the shape of the month and day; the pattern then rejects what is left ("2025-02-30").
            allOf: [
              { type: "string", format: "date" },
              { type: "string", pattern: CALENDAR_DATE_PATTERN },
            ],
            description:
              "The Worker's compatibility date (YYYY-MM-DD). Overrides `compatibility_date` from the nearest wrangler.toml / wrangler.json / wrangler.jsonc.",
          },
          compatibilityFlags: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            description: "The Worker's compatibility flags. Overrides `compatibility_flags` from the nearest wrangler config.",
          },
        },
        additionalProperties: false,
      },
    ],
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
  create(context, [options]) {
    const model = getModel(context);
    // Only a `deleteAll()` call is reported: without the word, there is none.
    if (!model.hasRegions || !context.sourceCode.text.includes("deleteAll")) return {};
    return methodListeners(new DeleteAllChecker(context, options, model), ["AssignmentExpression", "CallExpression", "Program:exit"]);
  },
});

/** One file's `deleteAll()` calls and what decides them (its listeners are methods: see `methodListeners`). */
class DeleteAllChecker {
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;
  private readonly candidates: Candidate[] = [];
  /** Per method of a class with a `deleteAll()` to judge: its other calls, and the same-class methods it calls. */
  private readonly callsIn = new Map<FunctionNode, TSESTree.CallExpression[]>();
  private readonly calls = new Map<FunctionNode, Set<string>>();
  /** Per method: whether it hands the object or its storage to other code (computed when asked). */
  private readonly handsOffCache = new Map<FunctionNode, boolean>();
  private readonly classesWithAlarms = new Set<ClassNode>();
  private readonly methodsDeletingAlarm = new Set<FunctionNode>();
  /** Per class: its `delegateFields` (computed when asked). */
  private readonly delegates = new WeakMap<ClassNode, Set<string>>();
  private readonly fieldAssignments: { cls: ClassNode; name: string; value: TSESTree.Node }[] = [];
  /** `this.f = …` assignments and the other calls: only looked at when the file calls `deleteAll()`. */
  private readonly thisAssignments: TSESTree.AssignmentExpression[] = [];
  private readonly otherCalls: TSESTree.CallExpression[] = [];

  constructor(
    private readonly context: RuleContext<MessageIds, Options>,
    private readonly options: Options[0],
    private readonly model: DurableObjectModel,
  ) {
    this.sourceCode = context.sourceCode;
  }

  AssignmentExpression(node: TSESTree.AssignmentExpression): void {
    if (node.left.type === AST_NODE_TYPES.MemberExpression && node.left.object.type === AST_NODE_TYPES.ThisExpression) {
      this.thisAssignments.push(node);
    }
  }

  CallExpression(node: TSESTree.CallExpression): void {
    const call = this.model.handleCall(node, ALARM_METHODS);
    if (!call) {
      this.otherCalls.push(node);
      return;
    }
    if (call.kind !== "storage" && call.kind !== "txn") return;
    const owner = ownerMethod(node);
    if (!owner) return;
    if (call.method === "setAlarm") this.classesWithAlarms.add(owner.cls);
    else if (call.method === "deleteAlarm") this.methodsDeletingAlarm.add(owner.method);
    else if (call.kind === "storage" && owner.name !== "alarm") {
      this.candidates.push({ call: node, receiver: call.receiver, cls: owner.cls, method: owner.method });
    }
  }

  "Program:exit"(): void {
    const { model, context, sourceCode, callsIn, calls } = this;
    // Only classes that use alarms can leave one behind.
    const judged = this.candidates.filter((c) => this.classesWithAlarms.has(c.cls) || model.classOf(c.cls).methods.has("alarm"));
    if (judged.length === 0) return;
    const candidateClasses = new Set(judged.map((c) => c.cls));
    // A range test first: most calls of a file are outside the few classes judged.
    for (const node of this.thisAssignments) {
      if (!withinAny(candidateClasses, node)) continue;
      const owner = ownerMethod(node);
      const name = memberName(node.left as TSESTree.MemberExpression);
      if (owner && candidateClasses.has(owner.cls) && name !== undefined)
        this.fieldAssignments.push({ cls: owner.cls, name, value: node.right });
    }
    for (const node of this.otherCalls) {
      if (!withinAny(candidateClasses, node)) continue;
      const owner = ownerMethod(node);
      if (!owner || !candidateClasses.has(owner.cls)) continue;
      let list = callsIn.get(owner.method);
      if (!list) callsIn.set(owner.method, (list = []));
      list.push(node);
      const mc = methodCall(node);
      if (mc && unwrap(mc.receiver).type === AST_NODE_TYPES.ThisExpression) {
        let set = calls.get(owner.method);
        if (!set) calls.set(owner.method, (set = new Set()));
        set.add(mc.method);
      }
    }
    const pending = judged.filter((c) => !this.mayDelete(c.method, c.cls, new Set()));
    if (pending.length === 0) return;
    const report = this.verdict();
    if (!report) return;
    for (const c of pending) {
      const receiver = sourceCode.getText(c.receiver);
      const awaitPrefix = enclosingFunction(c.call)?.async ? "await " : "";
      const fix = insertBeforeStatement(sourceCode, c.call, `${awaitPrefix}${receiver}.deleteAlarm();`);
      context.report({
        node: c.call,
        ...report,
        suggest: fix ? [{ messageId: "suggestDeleteAlarm", data: { receiver }, fix }] : [],
      });
    }
  }

  /**
   * What the compatibility settings say about this file's `deleteAll()` calls: nothing (the alarm is
   * deleted with the keys), or the message to report, naming where the date or flag came from.
   */
  private verdict(): { messageId: Exclude<MessageIds, "suggestDeleteAlarm">; data: Record<string, string> } | undefined {
    const { options, context } = this;
    const fromDir = path.dirname(path.resolve(context.filename));
    const settings =
      options.compatibilityDate !== undefined && options.compatibilityFlags !== undefined ? undefined : compatibilityFor(context.filename);
    const configPath = settings?.configPath;
    const date = options.compatibilityDate ?? settings?.date;
    const flags = options.compatibilityFlags ?? settings?.flags ?? [];
    if (flags.includes("delete_all_deletes_alarm")) return undefined;
    const preserves = flags.includes("delete_all_preserves_alarm");
    if (date !== undefined && isOnOrAfter(date, DELETE_ALL_DELETES_ALARM_SINCE)) {
      if (!preserves) return undefined;
      const source =
        options.compatibilityFlags !== undefined || configPath === undefined
          ? "the `compatibilityFlags` option"
          : describeSection(configPath, undefined, fromDir);
      return { messageId: "preservesFlag", data: { source } };
    }
    if (date !== undefined) {
      const source =
        options.compatibilityDate !== undefined || configPath === undefined
          ? "the `compatibilityDate` option"
          : describeSection(configPath, settings?.env, fromDir);
      return { messageId: "oldDate", data: { date, source } };
    }
    if (settings?.ignoredPath !== undefined) {
      return { messageId: "ignoredConfig", data: { file: describeSection(settings.ignoredPath, undefined, fromDir) } };
    }
    if (configPath !== undefined)
      return { messageId: "noValidDate", data: { source: describeSection(configPath, settings?.env, fromDir) } };
    return { messageId: "unknownDate", data: {} };
  }

  /**
   * A method may delete the alarm if it calls deleteAlarm(), hands the object or its storage to other code,
   * calls a method of a field built from them, or calls a method of the class that may (or whose
   * body this file does not show for certain). Only the
   * methods a judged `deleteAll()` reaches are looked at.
   */
  private mayDelete(fn: FunctionNode, cls: ClassNode, seen: Set<FunctionNode>): boolean {
    if (this.methodsDeletingAlarm.has(fn)) return true;
    if (seen.has(fn)) return false;
    seen.add(fn);
    if (this.handsOff(fn, cls)) return true;
    for (const name of this.calls.get(fn) ?? []) {
      // The body `this.name()` runs (callees.ts: own or inherited, and only if nothing can replace
      // it). A method the file does not show, or may be replaced, is "can't tell": it may delete.
      const callee = resolveMethod(this.model, cls, name);
      if (callee === "unknown" || (callee && this.mayDelete(callee, cls, seen))) return true;
    }
    return false;
  }

  /** Whether `fn` hands the object or a handle to other code: as an argument, or through `this.field.m()` of a field built from them. */
  private handsOff(fn: FunctionNode, cls: ClassNode): boolean {
    let r = this.handsOffCache.get(fn);
    if (r !== undefined) return r;
    r = false;
    for (const node of this.callsIn.get(fn) ?? []) {
      if (this.model.handleCall(node)) continue;
      const mc = methodCall(node);
      const receiver = mc && unwrap(mc.receiver);
      if (receiver?.type === AST_NODE_TYPES.MemberExpression && unwrap(receiver.object).type === AST_NODE_TYPES.ThisExpression) {
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
    for (const a of this.fieldAssignments) {
      if (a.cls === cls && made(a.value)) out.add(a.name);
    }
    this.delegates.set(cls, out);
    return out;
  }
}

/** The class method (or field function) a call sits in, through nested callbacks. */
function ownerMethod(node: TSESTree.Node): { cls: ClassNode; method: FunctionNode; name: string | undefined } | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (isFunction(n)) {
      const m = classMemberOf(n);
      if (m) return m.isStatic ? undefined : { cls: m.cls, method: n, name: m.name };
    }
    if (isClass(n)) return undefined;
  }
  return undefined;
}
