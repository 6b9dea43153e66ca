import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import type { RuleContext } from "../src/create-rule.js";
import { createRule } from "../src/rule-kit.js";
import { type FunctionNode, type Node, indentOf, isClass, isFunction, walk } from "../src/analysis/ast.js";
import { type ConstructorLoad, type Link, ConstructorLoads } from "../src/analysis/constructor-loads.js";
import { describeExpression } from "../src/analysis/gate.js";
import type { DurableObjectModel } from "../src/analysis/storage.js";

type MessageIds = "opensGate" | "suggestBlockConcurrency";

export default createRule<[], MessageIds, ConstructorInitChecker>({
  name: "no-unguarded-constructor-init",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow loading Durable Object state from storage in the constructor without `blockConcurrencyWhile`",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      opensGate:
        "Requests can see {{target}} unset: the constructor does not wait for `{{call}}`, which sets it after `{{awaited}}` (line {{line}}) lets them in. " +
        "Run the load in `blockConcurrencyWhile`.",
      suggestBlockConcurrency: "Run it inside `{{state}}.blockConcurrencyWhile(…)`",
    },
  },
  // Only constructors are looked at.
  mentions: ["constructor"],
  listen: ["MethodDefinition"],
  create: (context, model) => new ConstructorInitChecker(context, model),
});

/** One file's state for `no-unguarded-constructor-init` (its listeners are methods: see `listen`). */
class ConstructorInitChecker {
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;
  private readonly loads: ConstructorLoads;

  constructor(
    private readonly context: RuleContext<MessageIds>,
    private readonly model: DurableObjectModel,
  ) {
    this.sourceCode = context.sourceCode;
    this.loads = new ConstructorLoads(model);
  }

  // One walk of each Durable Object constructor's body, instead of listeners on every function and call.
  MethodDefinition(node: TSESTree.MethodDefinition): void {
    if (node.kind !== "constructor" || node.value.type !== AST_NODE_TYPES.FunctionExpression) return;
    const fn = node.value;
    const cls = node.parent.parent;
    if (!fn.body || !isClass(cls) || !this.model.classOf(cls).isDurableObject) return;
    walk(fn.body, this.sourceCode.visitorKeys, (n) => {
      // Code in a nested function runs later; code in a nested class runs for that class.
      if (isFunction(n) || isClass(n)) return false;
      if (n.type === AST_NODE_TYPES.CallExpression) {
        const load = this.loads.of(n, cls);
        if (load) this.report(fn, load);
      }
      return true;
    });
  }

  /** The text of the `DurableObjectState` the constructor can call `blockConcurrencyWhile` on at `stmt`. */
  private stateText(ctor: FunctionNode, stmt: Node, receiver: Node): string | undefined {
    const cls = (ctor.parent as TSESTree.MethodDefinition).parent.parent;
    const first = ctor.params[0];
    if (this.model.classOf(cls).ctorParams[0] === "state" && first?.type === AST_NODE_TYPES.Identifier) {
      const variable = findVariable(this.sourceCode.getScope(stmt), first.name);
      if (
        variable?.defs.length === 1 &&
        variable.defs[0].type === "Parameter" &&
        variable.defs[0].node === ctor &&
        !variable.references.some((r) => r.isWrite() && !r.init)
      ) {
        return first.name;
      }
    }
    return this.model.stateTextFor(receiver, stmt);
  }

  private report(ctor: FunctionNode, load: ConstructorLoad): void {
    const { call, chain, opener } = load;
    // Measured on workerd: a constructor load that waits only on this object's storage finishes
    // before the first request is delivered (the input gate holds it). Only a load that waits on
    // something else lets requests see the state unset.
    if (!opener) return;
    const stmt = discardedStatement(chain.top);
    if (!stmt) return;
    const sourceCode = this.sourceCode;
    const data = {
      call: describeChain(sourceCode.text, call, chain.links),
      target: describeTargets(sourceCode, load.targets),
      awaited: opener.text,
      line: String(opener.node.loc.start.line),
    };
    const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
    const state = this.stateText(ctor, stmt, load.receiver);
    if (state) {
      // The exact rewrite where there is one (`await` instead of a single `.then`, or of `this.load()`); else the chain in an arrow.
      const exact =
        load.kind === "read"
          ? chain.links.length === 1
            ? awaitForm(sourceCode, stmt, call, chain.links[0].call)
            : undefined
          : chain.links.length === 0
            ? `async () => { await ${sourceCode.getText(call)}; }`
            : undefined;
      const cb = exact ?? `() => ${sourceCode.getText(chain.top)}`;
      suggest.push({
        messageId: "suggestBlockConcurrency",
        data: { state },
        fix: (fixer) => fixer.replaceText(stmt, `${state}.blockConcurrencyWhile(${cb});`),
      });
    }
    this.context.report({ node: call, messageId: "opensGate", data, suggest });
  }
}

/** The statement that evaluates `top` and throws its value away: `top;` or `void top;`. */
function discardedStatement(top: Node): TSESTree.ExpressionStatement | undefined {
  let p = top.parent;
  if (p?.type === AST_NODE_TYPES.UnaryExpression && p.operator === "void") p = p.parent;
  return p?.type === AST_NODE_TYPES.ExpressionStatement ? p : undefined;
}

/**
 * The callback text for the exact rewrite of `read.then((v) => { … });`:
 * `async () => { const v = await read; … }`. Only for a single untyped identifier parameter, a
 * parameter name the read does not use, and no comments outside the read and the callback body.
 */
function awaitForm(
  sourceCode: Readonly<TSESLint.SourceCode>,
  stmt: TSESTree.ExpressionStatement,
  read: TSESTree.CallExpression,
  then: TSESTree.CallExpression,
): string | undefined {
  const cb = then.arguments[0];
  if (then.arguments.length !== 1 || then.typeArguments || cb?.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
  if (cb.params.length !== 1 || cb.params[0].type !== AST_NODE_TYPES.Identifier || cb.params[0].typeAnnotation) return undefined;
  const param = cb.params[0];
  const variable = findVariable(sourceCode.getScope(cb), param);
  if (!variable || variable.defs.length !== 1) return undefined;
  let usesName = false;
  walk(read, sourceCode.visitorKeys, (n) => {
    if (n.type === AST_NODE_TYPES.Identifier && n.name === param.name) usesName = true;
    return !usesName;
  });
  if (usesName) return undefined;
  const body = cb.body;
  const outside = sourceCode.getCommentsInside(stmt).some((c) => !within(c.range, read.range) && !within(c.range, body.range));
  if (outside) return undefined;
  let statements: string;
  if (body.type === AST_NODE_TYPES.BlockStatement) {
    statements = sourceCode.text.slice(body.range[0] + 1, body.range[1] - 1).trim();
  } else {
    if (sourceCode.getFirstToken(body)?.value !== "this") return undefined; // `this.v = v` only: a safe statement start
    statements = `${sourceCode.getText(body)};`;
  }
  const decl = `const ${param.name} = await ${sourceCode.getText(read)};`;
  const indent = indentOf(sourceCode.text, stmt);
  if (!statements.includes("\n") && !decl.includes("\n")) {
    return `async () => { ${decl}${statements ? ` ${statements}` : ""} }`;
  }
  return `async () => {\n${indent}  ${decl}${statements ? `\n${indent}  ${statements}` : ""}\n${indent}}`;
}

function within(inner: readonly [number, number] | TSESTree.Range, outer: TSESTree.Range): boolean {
  return inner[0] >= outer[0] && inner[1] <= outer[1];
}

/** `this.ctx.storage.get(…).then(…)`, `this.load()`. */
function describeChain(text: string, call: TSESTree.CallExpression, links: Link[]): string {
  const out = describeExpression(text, call) + links.map((l) => `.${l.method}(${l.call.arguments.length ? "…" : ""})`).join("");
  return out.length > 80 ? `${out.slice(0, 77)}…` : out;
}

/** "`this.a`", "`this.a` and `this.b`", "`this.a`, `this.b` and other fields". */
function describeTargets(sourceCode: Readonly<TSESLint.SourceCode>, targets: Node[]): string {
  const names = [...new Set(targets.map((t) => sourceCode.getText(t).replace(/\s+/g, "")))];
  const shown = names.slice(0, 2).map((n) => `\`${n}\``);
  if (names.length === 1) return shown[0];
  if (names.length === 2) return `${shown[0]} and ${shown[1]}`;
  return `${shown.join(", ")} and other fields`;
}
