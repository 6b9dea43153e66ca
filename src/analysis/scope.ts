/**
 * Questions about a name that ESLint's scope manager answers: is it the built-in global, and what
 * does a variable that is never assigned again hold. Nothing here knows about Durable Objects.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type Node, keyName } from "./ast.js";

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Whether `id` names the built-in global here (`String`, `undefined`, …), not an import, parameter or declaration that shadows it. */
export function isGlobal(id: TSESTree.Identifier, sourceCode: SourceCode): boolean {
  const variable = findVariable(sourceCode.getScope(id), id.name);
  return !variable || variable.defs.length === 0;
}

/** `null`, `void …` or the global `undefined`, as written. */
export function isNullishValue(node: Node, sourceCode: SourceCode): boolean {
  if (node.type === AST_NODE_TYPES.Literal) return node.raw === "null";
  if (node.type === AST_NODE_TYPES.UnaryExpression) return node.operator === "void";
  return node.type === AST_NODE_TYPES.Identifier && node.name === "undefined" && isGlobal(node, sourceCode);
}

/** Whether a variable is assigned anywhere but in its declaration. */
export function isReassigned(variable: TSESLint.Scope.Variable): boolean {
  return variable.references.some((r) => r.isWrite() && !r.init);
}

/**
 * The variable a `const` or `let` declarator binds, when it is a plain identifier (`const x = …`,
 * not a pattern) that is declared once and never assigned again.
 */
export function unchangedBinding(decl: TSESTree.VariableDeclarator, sourceCode: SourceCode): TSESLint.Scope.Variable | undefined {
  if (decl.id.type !== AST_NODE_TYPES.Identifier || decl.parent.kind === "var") return undefined;
  const variable = findVariable(sourceCode.getScope(decl.id), decl.id.name);
  return variable && variable.defs.length === 1 && !isReassigned(variable) ? variable : undefined;
}

/** The initialiser of the `const`/`let` that `id` refers to, declared as a plain identifier and never assigned again. */
export function unchangedInit(id: TSESTree.Identifier, sourceCode: SourceCode): TSESTree.Expression | undefined {
  const variable = findVariable(sourceCode.getScope(id), id.name);
  if (!variable || variable.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (def.type !== "Variable" || def.parent.kind === "var" || isReassigned(variable)) return undefined;
  return def.node.id === def.name && def.node.init ? def.node.init : undefined;
}

/** A name as a module exports it: `import { Agent } from "agents"` gives `{ source: "agents", name: "Agent" }`. */
export interface ImportedName {
  source: string;
  name: string;
}

/**
 * What `node` is imported as: an identifier bound by `import { X as Y } from "m"`, or `ns.X` of an
 * `import * as ns from "m"`. Undefined for anything else (a local, a parameter, a default import).
 */
export function importedAs(node: Node, sourceCode: SourceCode): ImportedName | undefined {
  if (node.type === AST_NODE_TYPES.Identifier) {
    const def = soleDef(node, sourceCode);
    if (def?.type !== "ImportBinding" || def.node.type !== AST_NODE_TYPES.ImportSpecifier) return undefined;
    if (def.parent?.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
    const imported = def.node.imported;
    return { source: def.parent.source.value, name: imported.type === AST_NODE_TYPES.Identifier ? imported.name : imported.value };
  }
  if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.Identifier) {
    const name = keyName(node.property, node.computed);
    const def = soleDef(node.object, sourceCode);
    if (name === undefined || def?.type !== "ImportBinding" || def.node.type !== AST_NODE_TYPES.ImportNamespaceSpecifier) return undefined;
    if (def.parent?.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
    return { source: def.parent.source.value, name };
  }
  return undefined;
}

function soleDef(id: TSESTree.Identifier, sourceCode: SourceCode): TSESLint.Scope.Definition | undefined {
  const variable = findVariable(sourceCode.getScope(id), id.name);
  return variable?.defs.length === 1 ? variable.defs[0] : undefined;
}
