/**
 * The names under which a module exports its classes, as a wrangler config's `class_name`,
 * `new_classes` or `exports` names them: `export class Room {}`, and `export { Room }` /
 * `export { Room as ChatRoom }` of a class declared in the module. A default export has no such
 * name; a re-export from another module (`export { Room } from "./room"`) names a class this
 * file does not show.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { type ClassNode, isClass } from "./ast.js";

const cache = new WeakMap<TSESTree.Program, Map<ClassNode, string[]>>();

/** The exported names of each class of the module (classes not exported have no entry). */
export function exportedClassNames(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlyMap<ClassNode, readonly string[]> {
  let out = cache.get(sourceCode.ast);
  if (out) return out;
  out = new Map();
  const add = (cls: ClassNode, name: string): void => {
    const names = out!.get(cls);
    if (!names) out!.set(cls, [name]);
    else if (!names.includes(name)) names.push(name);
  };
  const moduleScope = sourceCode.scopeManager?.globalScope?.childScopes.find((s) => s.type === "module");
  for (const stmt of sourceCode.ast.body) {
    if (stmt.type !== AST_NODE_TYPES.ExportNamedDeclaration) continue;
    const decl = stmt.declaration;
    if (decl?.type === AST_NODE_TYPES.ClassDeclaration && decl.id) add(decl, decl.id.name);
    if (stmt.source || !moduleScope) continue;
    for (const spec of stmt.specifiers) {
      if (spec.local.type !== AST_NODE_TYPES.Identifier || spec.exported.type !== AST_NODE_TYPES.Identifier) continue;
      const cls = classOfVariable(moduleScope.set.get(spec.local.name));
      if (cls) add(cls, spec.exported.name);
    }
  }
  cache.set(sourceCode.ast, out);
  return out;
}

/** The class a module variable is bound to once: `class X {}` or `const X = class {}`. */
function classOfVariable(v: TSESLint.Scope.Variable | undefined): ClassNode | undefined {
  if (!v || v.defs.length !== 1) return undefined;
  const def = v.defs[0];
  if (def.node.type === AST_NODE_TYPES.ClassDeclaration) return def.node;
  if (
    def.node.type === AST_NODE_TYPES.VariableDeclarator &&
    def.parent?.type === AST_NODE_TYPES.VariableDeclaration &&
    def.parent.kind === "const"
  ) {
    const init = def.node.init;
    return init && isClass(init) ? init : undefined;
  }
  return undefined;
}
