import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import { memberName } from "../src/analysis/ast.js";
import { awaitOverMember, awaitPlace, insertAwait, moveAwaitOnto } from "../src/analysis/await-fix.js";
import { type MisuseKind, heldPromiseMisuse, promiseMisuse } from "../src/analysis/promise-use.js";

/**
 * The methods of `DurableObjectStorage` (and of a transaction) whose Promise carries a value
 * (`@cloudflare/workers-types`): reads, `delete` (whether or how many keys it deleted),
 * `transaction` (the callback's result) and the point-in-time-recovery bookmarks.
 */
const VALUE_METHODS: ReadonlySet<string> = new Set([
  "get",
  "getAlarm",
  "list",
  "delete",
  "transaction",
  "getCurrentBookmark",
  "getBookmarkForTime",
  "onNextSessionRestoreBookmark",
]);

type MessageIds = MisuseKind | "awaitedProperty" | "suggestAwait" | "suggestMoveAwait";

const ADVICE = {
  async: "`await` it",
  sync: "`await` it: make this function `async` (its callers then get a Promise), or read the value in an `async` caller and pass it in",
  elsewhere: "Read it with `await` inside an `async` function (`await` is not allowed here)",
};

export default createRule<[], MessageIds>({
  name: "no-unawaited-storage-read",
  meta: {
    type: "problem",
    docs: {
      description:
        "Disallow using the Promise of a Durable Object storage call (`get`, `list`, `getAlarm`, `delete`, a bookmark) as if it were its value",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      truthy:
        "`{{method}}()` returns a Promise, and a Promise is always truthy: this test comes out the same whatever it resolves to. {{advice}}.",
      nullish: "`{{method}}()` returns a Promise, which is never `null` or `undefined`: this `??` fallback is never used. {{advice}}.",
      compare:
        "`{{method}}()` returns a Promise, so this {{operator}} checks the Promise itself, not its value: the result is the same whatever it resolves to. {{advice}}.",
      nan: "`{{method}}()` returns a Promise, and {{operator}} converts it to the number `NaN`, not to its value. {{advice}}.",
      string: '`{{method}}()` returns a Promise, and {{operator}} turns it into the string "[object Promise]", not its value. {{advice}}.',
      property:
        "`{{method}}()` returns a Promise, so `{{access}}` is read from the Promise, not from its value: it is `undefined` (and calling it throws a `TypeError`). {{advice}}.",
      awaitedProperty:
        "`await` binds looser than `{{access}}`: `{{access}}` is read from the Promise of `{{method}}()` (`undefined`), and that is awaited. " +
        "Write `(await {{call}}){{access}}`.",
      notIterable:
        "`{{method}}()` returns a Promise, and a Promise is not iterable: {{operator}} throws `TypeError: … is not iterable`. {{advice}}.",
      empty:
        "`{{method}}()` returns a Promise, which has no own properties or entries: {{operator}} sees nothing of its value. {{advice}}.",
      destructure:
        "`{{method}}()` returns a Promise, so destructuring reads {{names}} from the Promise, not from its value, and finds nothing there. {{advice}}.",
      suggestAwait: "Await `{{method}}()`",
      suggestMoveAwait: "Move the `await` onto `{{method}}()`",
    },
  },
  create(context, model) {
    const sourceCode = context.sourceCode;

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
      const h = model.handleCall(node, VALUE_METHODS);
      if (!h || (h.kind !== "storage" && h.kind !== "txn") || !VALUE_METHODS.has(h.method)) return;
      // Used where it is made, or kept in a `const` that every use misreads (`const a = getAlarm(); if (a === null)`).
      const direct = promiseMisuse(node, sourceCode);
      const held = direct ? undefined : heldPromiseMisuse(node, sourceCode);
      const use = direct ?? held?.misuse;
      if (!use) return;
      const place = awaitPlace(node);
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      const data = {
        method: h.method,
        advice: ADVICE[place],
        operator: use.operator ?? "",
        names: use.names ?? "",
        access: use.member ? accessText(use.member) : "",
        call: callText(node),
      };

      // `await storage.get(k).x`: the `await` is there, on the wrong expression.
      const awaited = direct && use.member && awaitOverMember(use.member);
      if (awaited) {
        const move = moveAwaitOnto(sourceCode, awaited, node);
        const fix = move ?? insertAwait(sourceCode, node);
        if (fix) suggest.push({ messageId: move ? "suggestMoveAwait" : "suggestAwait", data, fix });
        context.report({ node, messageId: "awaitedProperty", data, suggest });
        return;
      }
      if (place === "async") {
        const fix = insertAwait(sourceCode, node);
        if (fix) suggest.push({ messageId: "suggestAwait", data, fix });
      }
      context.report({ node: held?.at ?? node, messageId: use.kind, data, suggest });
    }

    const calls = model.calls([...VALUE_METHODS]);
    return {
      "Program:exit"() {
        for (const name of VALUE_METHODS) for (const node of calls.of(name)) check(node);
      },
    };
  },
});
