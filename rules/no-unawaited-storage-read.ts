import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable, isParenthesized } from "@typescript-eslint/utils/ast-utils";
import { createRule } from "../src/create-rule.js";
import { mergeListeners } from "../src/analysis/listeners.js";
import { type Node, isFunction, memberName, statementList } from "../src/analysis/ast.js";
import { getModel, STORAGE_READ_METHODS } from "../src/analysis/storage.js";

/** Storage and transaction methods that return a Promise of a stored value. */
/** Members of a Promise: reading them is using the Promise as a Promise. */
const PROMISE_MEMBERS = new Set(["then", "catch", "finally"]);

type UseId = "truthy" | "nullish" | "compare" | "nan" | "string" | "property" | "notIterable" | "empty" | "destructure";
type MessageIds = UseId | "awaitedProperty" | "suggestAwait" | "suggestMoveAwait";

/** How the Promise is used as if it were the stored value. */
interface Use {
  messageId: UseId;
  /** The operator, construct or function that uses the Promise, as shown in the message. */
  operator?: string;
  /** For `property`: the member expression that reads from the Promise. */
  member?: TSESTree.MemberExpression;
  /** For `destructure`: the names the pattern reads. */
  names?: string;
}

/** Built-in functions whose first argument is converted or enumerated, not kept as a Promise. */
const CONVERTING_GLOBALS: Readonly<Record<string, UseId>> = {
  String: "string",
  Number: "nan",
  parseInt: "nan",
  parseFloat: "nan",
  Boolean: "truthy",
};
const CONVERTING_STATICS: Readonly<Record<string, Readonly<Record<string, UseId>>>> = {
  JSON: { stringify: "empty" },
  Object: { keys: "empty", values: "empty", entries: "empty", fromEntries: "notIterable" },
  Array: { from: "empty" },
};

/** Where an `await` could be written at a node: fine, or why not. */
type AwaitPlace = "async" | "sync" | "elsewhere";

export default createRule<[], MessageIds>({
  name: "no-unawaited-storage-read",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow using the Promise of a Durable Object storage read (`get`, `getAlarm`, `list`) as if it were the stored value",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      truthy:
        "`{{method}}()` returns a Promise, and a Promise is always truthy: this test comes out the same whatever is stored. {{advice}}.",
      nullish: "`{{method}}()` returns a Promise, which is never `null` or `undefined`: this `??` fallback is never used. {{advice}}.",
      compare:
        "`{{method}}()` returns a Promise, so this {{operator}} checks the Promise itself, not the stored value: its result is the same whatever is stored. {{advice}}.",
      nan: "`{{method}}()` returns a Promise, and {{operator}} converts it to the number `NaN`, not the stored value. {{advice}}.",
      string:
        '`{{method}}()` returns a Promise, and {{operator}} turns it into the string "[object Promise]", not the stored value. {{advice}}.',
      property:
        "`{{method}}()` returns a Promise, so `{{access}}` is read from the Promise, not from the stored value: it is `undefined` (and calling it throws a `TypeError`). {{advice}}.",
      awaitedProperty:
        "`await` binds looser than `{{access}}`: `{{access}}` is read from the Promise that `{{method}}()` returns (it is `undefined`), and that is what gets awaited. " +
        "Put the `await` on the call: `(await {{call}}){{access}}`.",
      notIterable:
        "`{{method}}()` returns a Promise, and a Promise is not iterable: {{operator}} throws `TypeError: … is not iterable`. {{advice}}.",
      empty:
        "`{{method}}()` returns a Promise, which has no own properties or entries: {{operator}} sees nothing of the stored value. {{advice}}.",
      destructure:
        "`{{method}}()` returns a Promise, so destructuring reads {{names}} from the Promise, not from the stored value, and finds nothing there. {{advice}}.",
      suggestAwait: "Await `{{method}}()`",
      suggestMoveAwait: "Move the `await` onto `{{method}}()`",
    },
  },
  create(context) {
    const model = getModel(context);
    if (!model.hasRegions) return {};
    const sourceCode = context.sourceCode;

    /** Whether `name` is the built-in global here (not shadowed by an import, parameter or declaration). */
    function isGlobal(id: TSESTree.Identifier): boolean {
      const v = findVariable(sourceCode.getScope(id), id.name);
      return !v || v.defs.length === 0;
    }

    /** `String(x)`, `JSON.stringify(x)`, … with the Promise as first argument. */
    function convertingCall(call: TSESTree.CallExpression): { id: UseId; operator: string } | undefined {
      if (call.optional) return undefined;
      const callee = call.callee;
      if (callee.type === AST_NODE_TYPES.Identifier) {
        const id = Object.hasOwn(CONVERTING_GLOBALS, callee.name) ? CONVERTING_GLOBALS[callee.name] : undefined;
        return id && isGlobal(callee) ? { id, operator: `\`${callee.name}()\`` } : undefined;
      }
      if (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        !callee.optional &&
        callee.object.type === AST_NODE_TYPES.Identifier &&
        Object.hasOwn(CONVERTING_STATICS, callee.object.name)
      ) {
        const name = memberName(callee);
        const statics = CONVERTING_STATICS[callee.object.name];
        const id = name !== undefined && Object.hasOwn(statics, name) ? statics[name] : undefined;
        return id && isGlobal(callee.object) ? { id, operator: `\`${callee.object.name}.${name}()\`` } : undefined;
      }
      return undefined;
    }

    /** What a pattern that destructures the Promise reads from it. */
    function patternUse(pattern: Node): Use | undefined {
      if (pattern.type === AST_NODE_TYPES.ArrayPattern) return { messageId: "notIterable", operator: "array destructuring" };
      if (pattern.type !== AST_NODE_TYPES.ObjectPattern || pattern.properties.length === 0) return undefined;
      const names: string[] = [];
      for (const prop of pattern.properties) {
        if (prop.type === AST_NODE_TYPES.RestElement) {
          names.push(`\`${sourceCode.getText(prop)}\``);
          continue;
        }
        const key = prop.computed ? undefined : prop.key.type === AST_NODE_TYPES.Identifier ? prop.key.name : undefined;
        const name = key ?? (prop.key.type === AST_NODE_TYPES.Literal ? String(prop.key.value) : undefined);
        if (name === undefined) return undefined; // a computed key could name `then`: stay silent
        if (PROMISE_MEMBERS.has(name)) return undefined;
        names.push(`\`${name}\``);
      }
      return { messageId: "destructure", names: names.join(", ") };
    }

    /**
     * Follows the Promise's value up from the call through wrappers that pass it on unchanged
     * (`as`, `!`, `?.`, a ternary's branch, a logical operator's right side, a sequence's last
     * element) to the first place that uses it. Undefined when that place keeps it as a Promise
     * (`await`, `return`, an argument, a variable, an array element, `void`, `.then()`, …).
     */
    function useOf(call: TSESTree.CallExpression): Use | undefined {
      let child: Node = call;
      for (let p = call.parent; p; child = p, p = p.parent) {
        switch (p.type) {
          case AST_NODE_TYPES.ChainExpression:
          case AST_NODE_TYPES.TSNonNullExpression:
          case AST_NODE_TYPES.TSAsExpression:
          case AST_NODE_TYPES.TSSatisfiesExpression:
          case AST_NODE_TYPES.TSTypeAssertion:
            continue;
          case AST_NODE_TYPES.SequenceExpression:
            if (p.expressions[p.expressions.length - 1] === child) continue;
            return undefined;
          case AST_NODE_TYPES.ConditionalExpression:
            if (p.test === child) return { messageId: "truthy" };
            continue;
          case AST_NODE_TYPES.LogicalExpression:
            if (p.left === child) return { messageId: p.operator === "??" ? "nullish" : "truthy" };
            continue;
          case AST_NODE_TYPES.UnaryExpression:
            if (p.operator === "!") return { messageId: "truthy" };
            if (p.operator === "-" || p.operator === "+" || p.operator === "~") {
              return { messageId: "nan", operator: `unary \`${p.operator}\`` };
            }
            return undefined; // void, typeof, delete
          case AST_NODE_TYPES.BinaryExpression:
            return binaryUse(p, child);
          case AST_NODE_TYPES.IfStatement:
          case AST_NODE_TYPES.WhileStatement:
          case AST_NODE_TYPES.DoWhileStatement:
          case AST_NODE_TYPES.ForStatement:
            return p.test === child ? { messageId: "truthy" } : undefined;
          case AST_NODE_TYPES.SwitchStatement:
            return p.discriminant === child ? { messageId: "compare", operator: "`switch`" } : undefined;
          case AST_NODE_TYPES.SwitchCase:
            return p.test === child ? { messageId: "compare", operator: "`case`" } : undefined;
          case AST_NODE_TYPES.MemberExpression: {
            if (p.object !== child) return undefined;
            const name = memberName(p);
            if (name !== undefined && PROMISE_MEMBERS.has(name)) return undefined;
            return { messageId: "property", member: p };
          }
          case AST_NODE_TYPES.TemplateLiteral:
            if (p.parent?.type === AST_NODE_TYPES.TaggedTemplateExpression) return undefined; // the tag gets the Promise
            return { messageId: "string", operator: "a template literal" };
          case AST_NODE_TYPES.SpreadElement:
            return p.parent?.type === AST_NODE_TYPES.ObjectExpression
              ? { messageId: "empty", operator: "object spread" }
              : { messageId: "notIterable", operator: "spread `...`" };
          case AST_NODE_TYPES.CallExpression: {
            if (p.arguments[0] !== child) return undefined;
            const c = convertingCall(p);
            return c ? { messageId: c.id, operator: c.operator } : undefined;
          }
          case AST_NODE_TYPES.ForOfStatement:
            if (p.right !== child) return undefined;
            return { messageId: "notIterable", operator: p.await ? "`for await…of`" : "`for…of`" };
          case AST_NODE_TYPES.ForInStatement:
            return p.right === child ? { messageId: "empty", operator: "`for…in`" } : undefined;
          case AST_NODE_TYPES.VariableDeclarator:
            return p.init === child ? patternUse(p.id) : undefined;
          case AST_NODE_TYPES.AssignmentExpression:
            if (p.right !== child) return undefined;
            if (p.operator === "=") return patternUse(p.left);
            if (p.operator === "+=") return { messageId: "string", operator: "`+=`" };
            if (p.operator === "||=" || p.operator === "&&=" || p.operator === "??=") return undefined;
            return { messageId: "nan", operator: `\`${p.operator}\`` };
          default:
            return undefined;
        }
      }
      return undefined;
    }

    function binaryUse(p: TSESTree.BinaryExpression, child: Node): Use | undefined {
      const op = p.operator;
      switch (op) {
        case "==":
        case "!=":
        case "===":
        case "!==":
        case "<":
        case "<=":
        case ">":
        case ">=":
          return { messageId: "compare", operator: `\`${op}\`` };
        case "instanceof":
          // `get(k) instanceof Promise` asks about the Promise on purpose.
          if (p.left !== child || (p.right.type === AST_NODE_TYPES.Identifier && p.right.name === "Promise")) return undefined;
          return { messageId: "compare", operator: "`instanceof`" };
        case "in":
          return p.right === child ? { messageId: "compare", operator: "`in`" } : undefined;
        case "+":
          return { messageId: "string", operator: "`+`" };
        default:
          return { messageId: "nan", operator: `\`${op}\`` };
      }
    }

    /** Whether an `await` written at `node` would parse and run in an async function. */
    function awaitPlace(node: Node): AwaitPlace {
      let child: Node = node;
      for (let p = node.parent; p; child = p, p = p.parent) {
        if (isFunction(p)) {
          if (p.body !== child) return "elsewhere"; // a parameter default
          return p.async ? "async" : "sync";
        }
        if ((p.type === AST_NODE_TYPES.PropertyDefinition || p.type === AST_NODE_TYPES.AccessorProperty) && p.value === child) {
          return "elsewhere"; // a class field initialiser
        }
        if (p.type === AST_NODE_TYPES.StaticBlock) return "elsewhere";
      }
      return "elsewhere"; // module top level: no storage there at run time
    }

    /** A statement may start with `(` here without joining the previous line (no ASI hazard). */
    function mayStartWithParen(stmt: Node): boolean {
      if (!statementList(stmt)) return true; // the body of an `if`, loop, label: nothing before it to join
      const prev = sourceCode.getTokenBefore(stmt as TSESTree.Node);
      if (!prev) return true;
      if (prev.value === ";" || prev.value === "{" || prev.value === ":") return true;
      if (prev.value !== "}") return false;
      const closed = sourceCode.getNodeByRangeIndex(prev.range[0]);
      if (!closed || closed.range[1] !== prev.range[1]) return false;
      if (closed.type === AST_NODE_TYPES.BlockStatement) {
        return closed.parent?.type !== AST_NODE_TYPES.FunctionExpression && closed.parent?.type !== AST_NODE_TYPES.ArrowFunctionExpression;
      }
      return (
        closed.type === AST_NODE_TYPES.StaticBlock ||
        closed.type === AST_NODE_TYPES.SwitchStatement ||
        (closed.type === AST_NODE_TYPES.ClassBody && closed.parent.type === AST_NODE_TYPES.ClassDeclaration)
      );
    }

    /** The expression statement that `node` starts, if any. */
    function statementStartedBy(node: Node): Node | undefined {
      for (let n: Node | undefined = node; n; n = n.parent) {
        if (n.range[0] !== node.range[0]) return undefined;
        if (n.type === AST_NODE_TYPES.ExpressionStatement) return n;
        if (isFunction(n)) return undefined;
      }
      return undefined;
    }

    /** Whether `await` in place of `target` needs parentheses (for precedence, or to read clearly next to an operator). */
    function needsParens(target: Node): boolean {
      if (isParenthesized(target as TSESTree.Node, sourceCode)) return false;
      const p = target.parent;
      if (!p) return false;
      switch (p.type) {
        case AST_NODE_TYPES.IfStatement:
        case AST_NODE_TYPES.WhileStatement:
        case AST_NODE_TYPES.DoWhileStatement:
        case AST_NODE_TYPES.ForStatement:
        case AST_NODE_TYPES.SwitchStatement:
        case AST_NODE_TYPES.SwitchCase:
        case AST_NODE_TYPES.ForOfStatement:
        case AST_NODE_TYPES.ForInStatement:
        case AST_NODE_TYPES.VariableDeclarator:
        case AST_NODE_TYPES.TemplateLiteral:
        case AST_NODE_TYPES.SpreadElement:
        case AST_NODE_TYPES.ConditionalExpression:
        case AST_NODE_TYPES.SequenceExpression:
        case AST_NODE_TYPES.TSAsExpression:
        case AST_NODE_TYPES.TSSatisfiesExpression:
          return false;
        case AST_NODE_TYPES.CallExpression:
          return p.callee === target;
        case AST_NODE_TYPES.AssignmentExpression:
        case AST_NODE_TYPES.LogicalExpression:
          return p.right !== target;
        default:
          return true;
      }
    }

    /** `?.` inside the call's own chain: parenthesising the call would cut the chain's short-circuit. */
    function hasOptionalLink(call: TSESTree.CallExpression): boolean {
      let n: Node = call;
      for (;;) {
        if (n.type === AST_NODE_TYPES.CallExpression) {
          if (n.optional) return true;
          n = n.callee;
        } else if (n.type === AST_NODE_TYPES.MemberExpression) {
          if (n.optional) return true;
          n = n.object;
        } else if (n.type === AST_NODE_TYPES.TSNonNullExpression) {
          n = n.expression;
        } else {
          return false;
        }
      }
    }

    /** Inserts `await` before the call (or its own `?.` chain), with parentheses where needed. */
    function awaitFix(call: TSESTree.CallExpression): TSESLint.ReportFixFunction | undefined {
      const target: Node = call.parent?.type === AST_NODE_TYPES.ChainExpression && call.parent.expression === call ? call.parent : call;
      if (target === call && hasOptionalLink(call) && call.parent?.type !== AST_NODE_TYPES.ChainExpression) {
        // `s?.get(k).x`: `(await s?.get(k)).x` would no longer short-circuit `.x`.
        let inChain = false;
        for (let n: Node | undefined = call.parent; n; n = n.parent) {
          if (n.type === AST_NODE_TYPES.ChainExpression) inChain = true;
          if (
            n.type !== AST_NODE_TYPES.MemberExpression &&
            n.type !== AST_NODE_TYPES.CallExpression &&
            n.type !== AST_NODE_TYPES.TSNonNullExpression
          )
            break;
        }
        if (inChain) return undefined;
      }
      const parens = needsParens(target);
      if (parens) {
        const stmt = statementStartedBy(target);
        if (stmt && !mayStartWithParen(stmt)) return undefined;
      }
      const t = target as TSESTree.Node;
      return (fixer) =>
        parens ? [fixer.insertTextBefore(t, "(await "), fixer.insertTextAfter(t, ")")] : fixer.insertTextBefore(t, "await ");
    }

    /**
     * For `await storage.get(k).x`: the `await` that applies to the member chain instead of the call,
     * when it can be moved onto the call (`(await storage.get(k)).x`).
     */
    function awaitOverMember(member: TSESTree.MemberExpression): TSESTree.AwaitExpression | undefined {
      let n: Node = member;
      for (let p = n.parent; p; n = p, p = p.parent) {
        if (
          (p.type === AST_NODE_TYPES.MemberExpression && p.object === n) ||
          (p.type === AST_NODE_TYPES.CallExpression && p.callee === n) ||
          p.type === AST_NODE_TYPES.ChainExpression ||
          p.type === AST_NODE_TYPES.TSNonNullExpression
        ) {
          continue;
        }
        return p.type === AST_NODE_TYPES.AwaitExpression && p.argument === n ? p : undefined;
      }
      return undefined;
    }

    function moveAwaitFix(awaitNode: TSESTree.AwaitExpression, call: TSESTree.CallExpression): TSESLint.ReportFixFunction | undefined {
      const keyword = sourceCode.getFirstToken(awaitNode);
      const next = keyword && sourceCode.getTokenAfter(keyword, { includeComments: true });
      if (!keyword || !next || next.range[0] !== awaitNode.argument.range[0]) return undefined; // `await (…)` or a comment
      if (call.parent?.type === AST_NODE_TYPES.ChainExpression || hasOptionalLink(call)) return undefined;
      const stmt = statementStartedBy(awaitNode);
      if (stmt && !mayStartWithParen(stmt)) return undefined;
      const parenthesized = isParenthesized(call, sourceCode);
      return (fixer) => [
        fixer.removeRange([keyword.range[0], next.range[0]]),
        ...(parenthesized
          ? [fixer.insertTextBefore(call, "await ")]
          : [fixer.insertTextBefore(call, "(await "), fixer.insertTextAfter(call, ")")]),
      ];
    }

    /** The call as shown in a message: `this.ctx.storage.get(…)`, shortened when the receiver is long. */
    function callText(call: TSESTree.CallExpression): string {
      const callee = sourceCode.getText(call.callee);
      const args = call.arguments.length > 0 ? "…" : "";
      if (callee.length <= 40 && !callee.includes("\n")) return `${callee}(${args})`;
      const c = call.callee.type === AST_NODE_TYPES.ChainExpression ? call.callee.expression : call.callee;
      const name = c.type === AST_NODE_TYPES.MemberExpression ? memberName(c) : undefined;
      return `…${name ?? ""}(${args})`;
    }

    function accessText(member: TSESTree.MemberExpression): string {
      if (!member.computed) return `.${sourceCode.getText(member.property)}`;
      return `[${sourceCode.getText(member.property)}]`;
    }

    function check(node: TSESTree.CallExpression): void {
      const h = model.handleCall(node, STORAGE_READ_METHODS);
      if (!h || (h.kind !== "storage" && h.kind !== "txn") || !STORAGE_READ_METHODS.has(h.method)) return;
      const use = useOf(node);
      if (!use) return;
      const method = h.method;
      const place = awaitPlace(node);
      const advice =
        place === "async"
          ? "`await` it"
          : place === "sync"
            ? "`await` it: make this function `async` (its callers then get a Promise), or read the value in an `async` caller and pass it in"
            : "Read it with `await` inside an `async` function (`await` is not allowed here)";
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      const data = {
        method,
        advice,
        operator: use.operator ?? "",
        names: use.names ?? "",
        access: use.member ? accessText(use.member) : "",
        call: callText(node),
      };

      const awaited = use.member && awaitOverMember(use.member);
      if (awaited) {
        const move = moveAwaitFix(awaited, node);
        const fix = move ?? awaitFix(node);
        if (fix) suggest.push({ messageId: move ? "suggestMoveAwait" : "suggestAwait", data, fix });
        context.report({ node, messageId: "awaitedProperty", data, suggest });
        return;
      }
      if (place === "async") {
        const fix = awaitFix(node);
        if (fix) suggest.push({ messageId: "suggestAwait", data, fix });
      }
      context.report({ node, messageId: use.messageId, data, suggest });
    }

    const calls = model.calls([...STORAGE_READ_METHODS]);
    return mergeListeners(calls.listeners, {
      "Program:exit"() {
        for (const name of STORAGE_READ_METHODS) for (const node of calls.of(name)) check(node);
      },
    });
  },
});
