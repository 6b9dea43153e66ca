/**
 * class-model.ts: the owner of a node, the `this.*` uses and writes per member, the same-class call
 * graph in its two strengths (every `this.m()` of an own method; only those callees.ts pins down),
 * and reachability over it.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import { CONSTRUCTOR, INITIALISERS, type MemberKey, classIndex, closure, firstAwait, ownerOf } from "../../src/analysis/class-model.js";
import { isFunction } from "../../src/analysis/ast.js";
import { getModel } from "../../src/analysis/storage.js";
import { lintWith } from "../helpers/rule-tester.js";

const keyText = (k: MemberKey | undefined): string =>
  k === CONSTRUCTOR ? "constructor" : k === INITIALISERS ? "initialisers" : (k ?? "-");

/** Runs `probe` on the first class of `code` at the end of the traversal. */
function onClass<T>(code: string, probe: (model: ReturnType<typeof getModel>, cls: TSESTree.ClassDeclaration) => T): T {
  let out: T | undefined;
  let first: TSESTree.ClassDeclaration | undefined;
  const rule = {
    create(context: never) {
      const model = getModel(context);
      return {
        ClassDeclaration(node: TSESTree.ClassDeclaration) {
          first ??= node;
        },
        "Program:exit"() {
          out = probe(model, first!);
        },
      };
    },
  };
  const messages = lintWith("probe", rule as never, code);
  expect(messages).toEqual([]);
  return out!;
}

const DO = `import { DurableObject } from "cloudflare:workers";\n`;

describe("class-model: the owner of this.x and of calls", () => {
  const code = `${DO}export class C extends DurableObject {
  a = this.x;
  f = () => this.y;
  g = function () { return this.z; };
  static s = this.w;
  constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); this.v = 1; }
  m() { [1].map(() => this.p); function inner(this: any) { return this.q; } inner(); }
  get h() { return this.r; }
  ["com" + "puted"]() { return this.t; }
  n() { class Inner { k() { return this.u; } } return Inner; }
}`;

  it("lists each this.x where this is the instance, with its member", () => {
    const uses = onClass(code, (model, cls) => classIndex(model, cls).thisMembers.map((u) => `${u.name}@${keyText(u.owner.key)}`));
    // `this.z` (a function field's own `this`), `this.w` (static), `this.q` (a nested function), `this.u` (a nested class) are not the instance.
    expect(uses).toEqual(["x@initialisers", "y@f", "v@constructor", "p@m", "r@-", "t@-"]);
  });

  it("counts a call in a nested function for the member (a callback runs for it)", () => {
    const calls = onClass(code, (model, cls) =>
      classIndex(model, cls).calls.map((c) => `${c.node.loc.start.line}@${keyText(c.owner.key)}`),
    );
    expect(calls).toEqual(["7@constructor", "8@m", "8@m"]);
  });

  it("ownerOf climbs through arrows only, or through any function when asked", () => {
    const owners = onClass(code, (_model, cls) => {
      const m = cls.body.body[5] as TSESTree.MethodDefinition;
      const inner = (m.value.body!.body[1] as TSESTree.FunctionDeclaration).body.body[0];
      return [ownerOf(inner), ownerOf(inner, true)].map((o) => (o ? keyText(o.key) : "none"));
    });
    expect(owners).toEqual(["none", "m"]);
  });
});

describe("class-model: this.* writes", () => {
  it("finds assignments, updates, destructuring, delete and for…of heads, with the member chain written", () => {
    const writes = onClass(
      `${DO}export class C extends DurableObject {
  m(o: any, xs: any[]) {
    this.a = 1;
    this.b.c += 2;
    this.n++;
    [this.d, { k: this.e }] = o;
    (this as any).f = 3;
    delete this.g;
    for (this.h of xs);
    this.i.push(this.j);
    const k = this.l;
  }
}`,
      (model, cls) => classIndex(model, cls).writes.map((w) => `${w.write.type}:${model.sourceCode.getText(w.target)}`),
    );
    expect(writes).toEqual([
      "AssignmentExpression:this.a",
      "AssignmentExpression:this.b.c",
      "UpdateExpression:this.n",
      "AssignmentExpression:this.d",
      "AssignmentExpression:this.e",
      "AssignmentExpression:(this as any).f",
      "UnaryExpression:this.g",
      "ForOfStatement:this.h",
    ]);
  });
});

describe("class-model: the call graph", () => {
  const code = (extra = "", after = "") => `${DO}export class C extends DurableObject {
  async alarm() { await this.flush(); this.log(); }
  async flush() { this.log(); }
  log() {}
  fetch() { return this.flush(); }
${extra}
}${after}`;

  const graph = (src: string) =>
    onClass(src, (model, cls) => {
      const { possible, certain } = classIndex(model, cls);
      return {
        possible: [...closure(["alarm"], possible.callees)].sort(),
        certain: [...closure(["alarm"], certain.callees)].sort(),
        callersOfFlush: [...certain.callers("flush")].sort(),
        onlyFromAlarm: [...possible.exclusivelyFrom("alarm")].sort(),
      };
    });

  it("has an edge for each this.m() of an own method, and the same certain edges when nothing replaces m", () => {
    expect(graph(code())).toEqual({
      possible: ["alarm", "flush", "log"],
      certain: ["alarm", "flush", "log"],
      callersOfFlush: ["alarm", "fetch"],
      onlyFromAlarm: ["alarm"],
    });
  });

  it("a method called only from alarm() and methods only it calls run only from alarm()", () => {
    expect(graph(code().replace("fetch() { return this.flush(); }", "")).onlyFromAlarm).toEqual(["alarm", "flush", "log"]);
  });

  it("a method referenced other than by a call does not run only from alarm()", () => {
    expect(graph(code().replace("fetch() { return this.flush(); }", "go() { return [this.log]; }")).onlyFromAlarm).toEqual([
      "alarm",
      "flush",
    ]);
  });

  it("drops the certain edges to a method a subclass of the file overrides", () => {
    const g = graph(code("", "\nexport class D extends C {\n  override async flush() {}\n}"));
    expect(g.possible).toEqual(["alarm", "flush", "log"]);
    expect(g.certain).toEqual(["alarm", "log"]);
    expect(g.callersOfFlush).toEqual([]);
  });

  it("drops the certain edges to a method the class reassigns", () => {
    const g = graph(code("  bind() { this.flush = this.flush.bind(this); }"));
    expect(g.certain).toEqual(["alarm", "log"]);
  });
});

describe("class-model: the first await of a function", () => {
  it("is its own first await or for await, not one of a nested function", () => {
    const lines = onClass(
      `${DO}export class C extends DurableObject {
  async a() {
    const f = async () => { await 1; };
    for await (const x of []) void x;
    await f();
  }
  async b() { return 1; }
}`,
      (model, cls) =>
        cls.body.body.map((el) => {
          const fn = (el as TSESTree.MethodDefinition).value;
          const found = isFunction(fn) ? firstAwait(fn, model.sourceCode.visitorKeys) : undefined;
          return found ? `${found.type}@${found.loc.start.line}` : "none";
        }),
    );
    expect(lines).toEqual(["ForOfStatement@5", "none"]);
  });
});
