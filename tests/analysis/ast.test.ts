/**
 * `thisAssignmentsIn`: the `this.x = …` assignments of a class member, found from the text and the tokens. Each
 * case is checked against the expected list and against a plain walk of the tree (the fallback
 * when a parser gives no tokens), with espree and with @typescript-eslint/parser. Then the climbs
 * and loop questions rules ask of a call's parents.
 */
import tsParser from "@typescript-eslint/parser";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import {
  isConditionOf,
  isLoop,
  mentionsWithin,
  outermostAwaitedValue,
  runsPerIteration,
  thisAssignmentsIn,
} from "../../src/analysis/ast.js";

type Found = { tokens: string[]; walk: string[] };

/** Lints `code` with one probe rule whose listeners `create` returns. */
function probe(code: string, parser: "espree" | "ts", create: (context: TSESLint.RuleContext<string, []>) => unknown): void {
  const linter = new Linter({ configType: "flat" });
  const messages = linter.verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: parser === "ts" ? { parser: tsParser as Linter.Parser } : { ecmaVersion: "latest", sourceType: "module" },
        plugins: { probe: { rules: { probe: { create: create as never } } } },
        rules: { "probe/probe": "error" },
      },
    ],
    "file.ts",
  );
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  const error = messages.find((m) => m.ruleId === "probe/probe");
  if (error) throw new Error(error.message);
}

/** For each member of the first class: the assignments' left sides, by tokens and by walk. */
function assignments(code: string, parser: "espree" | "ts"): Found[] {
  const out: Found[] = [];
  probe(code, parser, (context) => {
    const sourceCode = context.sourceCode as unknown as TSESLint.SourceCode;
    const text = (n: TSESTree.AssignmentExpression): string => sourceCode.getText(n.left as never);
    return {
      ClassBody(body: TSESTree.ClassBody) {
        if (out.length > 0) return;
        for (const el of body.body) {
          if ((el.type !== "MethodDefinition" && el.type !== "PropertyDefinition") || !el.value) continue;
          const root = el.value;
          const noTokens = { ast: {}, visitorKeys: sourceCode.visitorKeys as never };
          out.push({
            tokens: thisAssignmentsIn(root, sourceCode as never).map(text),
            walk: thisAssignmentsIn(root, noTokens).map(text),
          });
        }
      },
    };
  });
  return out;
}

const cases: { name: string; code: string; expected: string[][]; tsOnly?: boolean }[] = [
  {
    name: "every assignment operator, computed and private members, in source order",
    code: `class A { #p; m(k) { this.a = 1; this.b ??= 2; this.c += 3; this["d"] = 4; this[k] ||= 5; this.#p = 6; } }`,
    expected: [["this.a", "this.b", "this.c", 'this["d"]', "this[k]", "this.#p"]],
  },
  {
    name: "chained and parenthesised",
    code: `class A { m(c) { this.a = this.b = c; (this.p) = 1; } }`,
    expected: [["this.a", "this.b", "this.p"]],
  },
  {
    name: "arrow functions share `this`; function expressions, declarations and classes do not",
    code:
      `class A { m() { const f = () => { this.a = 1; }; const g = function () { this.b = 2; }; ` +
      `function h() { this.c = 3; } class B { n() { this.d = 4; } } } f = () => { this.e = 5; }; }`,
    expected: [["this.a"], ["this.e"]],
  },
  {
    name: "reads, comparisons, deeper members and destructuring are not assignments to a member of `this`",
    code: `class A { m(o) { if (this.a == 1 || this.b === 2) return; this.c.d = 3; [this.e] = o; ({ f: this.f } = o); x = this.g; } }`,
    expected: [[]],
  },
  {
    name: "the word `this` in names, strings, templates and comments",
    code: "class A { m(thisArg) { const s = 'this.a = 1'; const t = `this.b = ${thisArg}`; /* this.c = 3 */ thisArg.d = 4; this.e = 5; } }",
    expected: [["this.e"]],
  },
  {
    name: "spaces, tabs, line breaks and comments between the member and its operator; calls, deeper members and other words",
    code:
      "class A { m(o) { this.a\t= 1; this.b /* c */ = 2; this.c\n  = 3; this .d = 4; this.#e ??= 5; " +
      "this.f(o); this.g.h = 6; this.i[0] = 7; o.this = 8; $this = 9; this.j\t; this.k, this.l; } #e; }",
    expected: [["this.a", "this.b", "this.c", "this .d", "this.#e"]],
  },
  {
    name: "parameter defaults and field initialisers are part of the member",
    code: `class A { m(a = (this.x = 1)) {} f = (this.y = 2); }`,
    expected: [["this.x"], ["this.y"]],
  },
  {
    name: "TypeScript: a non-null or cast target is not a member of `this`",
    code: `class A { m(v: number) { this.a! = v; (this.b as number) = v; this.c = v as number; } }`,
    expected: [["this.c"]],
    tsOnly: true,
  },
];

describe("mentionsWithin", () => {
  const text = "a(); await b(); return c;";
  it("finds a word that starts inside the range", () => {
    expect(mentionsWithin(text, "await", 0, text.length)).toBe(true);
    expect(mentionsWithin(text, "await", 5, 6)).toBe(true); // starts at 5: the range need not hold all of it
  });
  it("does not find one that starts before or at the end of the range, or not at all", () => {
    expect(mentionsWithin(text, "await", 6, text.length)).toBe(false);
    expect(mentionsWithin(text, "await", 0, 5)).toBe(false);
    expect(mentionsWithin(text, "yield", 0, text.length)).toBe(false);
  });
});

describe("thisAssignmentsIn", () => {
  for (const c of cases) {
    for (const parser of c.tsOnly ? (["ts"] as const) : (["espree", "ts"] as const)) {
      it(`${c.name} (${parser})`, () => {
        const found = assignments(c.code, parser);
        expect(found.map((f) => f.tokens)).toEqual(c.expected);
        expect(found.map((f) => f.walk)).toEqual(c.expected);
      });
    }
  }
});

/** For each call `f(…)` of `code`, in source order: `answer(call, sourceCode)`. */
function atCalls<T>(code: string, answer: (call: TSESTree.CallExpression, sourceCode: TSESLint.SourceCode) => T): T[] {
  const out: T[] = [];
  probe(code, "ts", (context) => ({
    CallExpression(call: TSESTree.CallExpression) {
      if (call.callee.type === "Identifier" && call.callee.name === "f") out.push(answer(call, context.sourceCode as never));
    },
  }));
  return out;
}

describe("outermostAwaitedValue", () => {
  it("climbs through TypeScript wrappers, `?.` chains and `await`, not through other parents", () => {
    const code = "async function g() { const a = (await f()!) as number; const b = (await f()?.x); const c = await f?.(); h(f()); }";
    const parents = atCalls(code, (call) => {
      const top = outermostAwaitedValue(call);
      return `${top.type} in ${top.parent?.type}`;
    });
    expect(parents).toEqual([
      "TSAsExpression in VariableDeclarator",
      "CallExpression in MemberExpression",
      "AwaitExpression in VariableDeclarator",
      "CallExpression in CallExpression",
    ]);
  });
});

describe("isConditionOf, isLoop and runsPerIteration", () => {
  it("knows which child a statement or `?:` tests", () => {
    const code = "if (f(1)) f(2); while (f(3)) {} const x = f(4) ? f(5) : 0; for (f(6); f(7); f(8)) {}";
    expect(atCalls(code, (call) => !!call.parent && isConditionOf(call.parent, call))).toEqual([
      true,
      false,
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
  });
  it("runs the body, test and update of a loop per iteration, not its init or iterable", () => {
    const code = "for (f(1); f(2); f(3)) f(4); for (const x of f(5)) f(6); do f(7); while (f(8));";
    const inLoop = atCalls(code, (call) => {
      let loop: TSESTree.Node | undefined = call.parent;
      while (loop && !isLoop(loop)) loop = loop.parent;
      return isLoop(loop) ? runsPerIteration(loop, call) : undefined;
    });
    expect(inLoop).toEqual([false, true, true, true, false, true, true, true]);
  });
});
