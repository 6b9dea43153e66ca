/**
 * callees.ts: `this.m()` resolves to a body only when nothing can replace `m` at run time. Each
 * way a class can write `this.m` makes the answer "unknown", whether the token search or the walk
 * finds it; a subclass's own `m` does too; an inherited method resolves.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import { resolveCallee } from "../../src/analysis/callees.js";
import { getModel } from "../../src/analysis/storage.js";
import { lintWith } from "../helpers/rule-tester.js";

/** What `this.m()` in `go()` of class `C` resolves to: the line of the body, "unknown", or "none". */
function resolved(code: string): string[] {
  const out: string[] = [];
  const probe = {
    create(context: never) {
      const model = getModel(context);
      return {
        CallExpression(node: TSESTree.CallExpression) {
          if (node.callee.type !== "MemberExpression" || node.callee.object.type !== "ThisExpression") return;
          const r = resolveCallee(model, node);
          out.push(r === "unknown" ? "unknown" : r ? `line ${r.loc.start.line}` : "none");
        },
      };
    },
  };
  lintWith("probe", probe as never, code);
  return out;
}

const cls = (extra: string) => `import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject {
  async m() { await this.ctx.storage.get("k"); }
  go() { return this.m(); }
${extra}
}`;

describe("callees: this.m() with nothing that replaces m", () => {
  it("resolves to the method", () => {
    expect(resolved(cls(""))).toEqual(["line 3"]);
  });

  it("resolves to a method of a local base class", () => {
    expect(
      resolved(`import { DurableObject } from "cloudflare:workers";
class Base extends DurableObject {
  async m() {}
}
export class C extends Base {
  go() { return this.m(); }
}`),
    ).toEqual(["line 3"]);
  });
});

describe("callees: every write of this.m makes it unknown", () => {
  it.each([
    ["an assignment", "  x() { this.m = async () => {}; }"],
    ["a compound assignment", "  x() { this.m ??= async () => {}; }"],
    ["an increment", "  x() { (this as any).m++; }"],
    ["delete", "  x() { delete (this as any).m; }"],
    ["an array destructuring target", "  x(a: any[]) { [this.m] = a; }"],
    ["an object destructuring target", "  x(o: any) { ({ f: this.m } = o); }"],
    ["a for…of target", "  x(fs: any[]) { for (this.m of fs); }"],
    ["a for…of target after a declaration", "  x(fs: any[]) { const n = fs.length; for (this.m of fs) void n; }"],
    ["a write through a cast", "  x() { (this as any).m = null; }"],
    ["a computed key through a cast", "  x(k: string) { (this as any)[k] = null; }"],
    ["an arrow function field that assigns", "  x = () => { this.m = async () => {}; };"],
  ])("%s", (_name, extra) => {
    expect(resolved(cls(extra))).toEqual(["unknown"]);
  });

  it("a subclass that declares m again", () => {
    expect(resolved(`${cls("")}\nexport class D extends C {\n  override async m() {}\n}`)).toEqual(["unknown"]);
  });

  it("a method the file does not show", () => {
    expect(resolved(cls("").replace("go() { return this.m(); }", "go() { return this.elsewhere(); }"))).toEqual(["unknown"]);
  });

  it("a write in a nested function is to another object's member, not this class's", () => {
    expect(resolved(cls("  x() { return function (this: any) { this.m = 1; }; }"))).toEqual(["line 3"]);
  });
});
