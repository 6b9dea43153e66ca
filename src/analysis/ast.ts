/**
 * Small, allocation-free helpers over the ESTree produced by espree or typescript-eslint.
 * Nothing here knows about Durable Objects.
 */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";

export type Node = TSESTree.Node;
export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;
export type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

export function isFunction(node: Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration ||
    node?.type === AST_NODE_TYPES.FunctionExpression
  );
}

export function isClass(node: Node | null | undefined): node is ClassNode {
  return node?.type === AST_NODE_TYPES.ClassDeclaration || node?.type === AST_NODE_TYPES.ClassExpression;
}

/**
 * TypeScript's expressions that have their operand's value: `x!`, `x as T`, `x satisfies T`, `<T>x`.
 * (Parentheses leave no node in ESTree.) Every analysis that looks through "the same value" uses
 * this one list, so that `<string>"…"` is seen wherever `"…" as string` is.
 */
export type ValueWrapper =
  TSESTree.TSNonNullExpression | TSESTree.TSAsExpression | TSESTree.TSSatisfiesExpression | TSESTree.TSTypeAssertion;

export function isValueWrapper(node: Node | null | undefined): node is ValueWrapper {
  return (
    node?.type === AST_NODE_TYPES.TSNonNullExpression ||
    node?.type === AST_NODE_TYPES.TSAsExpression ||
    node?.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    node?.type === AST_NODE_TYPES.TSTypeAssertion
  );
}

/**
 * Strips the wrappers that do not change the value (`isValueWrapper`) and `a?.b` chains — and, with
 * `throughAwait`, `await x` (for values that are not promises).
 */
export function unwrap(node: Node, throughAwait = false): Node {
  let n = node;
  for (;;) {
    if (throughAwait && n.type === AST_NODE_TYPES.AwaitExpression) n = n.argument;
    else if (isValueWrapper(n) || n.type === AST_NODE_TYPES.ChainExpression) n = n.expression;
    else return n;
  }
}

/** The outermost expression around `node` that has its value: climbs through `isValueWrapper`s (and `?.` chains with `chains`). */
export function outermostValue(node: Node, chains = false): Node {
  let n = node;
  while (
    n.parent &&
    (isValueWrapper(n.parent) || (chains && n.parent.type === AST_NODE_TYPES.ChainExpression)) &&
    n.parent.expression === n
  ) {
    n = n.parent;
  }
  return n;
}

/** The static name of `a.b`, `a.#b` (as `#b`), `a["b"]`, `` a[`b`] ``; undefined when computed from a value. */
export function memberName(node: TSESTree.MemberExpression): string | undefined {
  const p = node.property;
  if (!node.computed) {
    return p.type === AST_NODE_TYPES.PrivateIdentifier ? `#${p.name}` : (p as TSESTree.Identifier).name;
  }
  if (p.type === AST_NODE_TYPES.Literal && typeof p.value === "string") return p.value;
  if (p.type === AST_NODE_TYPES.TemplateLiteral && p.expressions.length === 0) return p.quasis[0].value.cooked ?? undefined;
  return undefined;
}

/** Name of a class member / object property key when it is static. */
export function keyName(key: Node, computed: boolean): string | undefined {
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${key.name}`;
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal && (typeof key.value === "string" || typeof key.value === "number")) {
    return String(key.value);
  }
  return undefined;
}

/** The static method name of a call `recv.method(...)` (optional chaining allowed), without allocating. */
export function calledMethod(node: TSESTree.CallExpression): string | undefined {
  const callee = unwrap(node.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type === AST_NODE_TYPES.Super) return undefined;
  return memberName(callee);
}

/** For a call `recv.method(...)` (optional chaining allowed): the receiver and the static method name. */
export function methodCall(
  node: TSESTree.CallExpression,
): { receiver: TSESTree.Expression; method: string; callee: TSESTree.MemberExpression } | undefined {
  const callee = unwrap(node.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = memberName(callee);
  if (method === undefined || callee.object.type === AST_NODE_TYPES.Super) return undefined;
  return { receiver: callee.object as TSESTree.Expression, method, callee };
}

/** The nearest enclosing function of a node (not the node itself). */
export function enclosingFunction(node: Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (isFunction(n)) return n;
  return undefined;
}

/**
 * The class whose instance `this` refers to at `node`: walks out through arrow functions to the
 * nearest non-arrow function, which must be a non-static method (or a non-static field initialiser).
 */
export function thisClass(node: Node): ClassNode | undefined {
  let child: Node = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    switch (n.type) {
      case AST_NODE_TYPES.ArrowFunctionExpression:
        continue;
      case AST_NODE_TYPES.FunctionExpression: {
        const m = n.parent;
        if (
          (m?.type === AST_NODE_TYPES.MethodDefinition || m?.type === AST_NODE_TYPES.TSAbstractMethodDefinition) &&
          m.value === n &&
          !m.static &&
          isClass(m.parent.parent)
        ) {
          return m.parent.parent;
        }
        return undefined;
      }
      case AST_NODE_TYPES.FunctionDeclaration:
      case AST_NODE_TYPES.StaticBlock:
        return undefined;
      case AST_NODE_TYPES.PropertyDefinition:
      case AST_NODE_TYPES.AccessorProperty:
        if (n.value === child && !n.static && isClass(n.parent.parent)) return n.parent.parent;
        return undefined;
      case AST_NODE_TYPES.ClassBody:
        return undefined;
      default:
        continue;
    }
  }
  return undefined;
}

/** The method (or field arrow) of a class that a function node is, with its name. */
export function classMemberOf(fn: FunctionNode): { cls: ClassNode; name: string | undefined; isStatic: boolean } | undefined {
  const m = fn.parent;
  if (
    (m?.type === AST_NODE_TYPES.MethodDefinition || m?.type === AST_NODE_TYPES.PropertyDefinition) &&
    m.value === fn &&
    isClass(m.parent.parent)
  ) {
    return { cls: m.parent.parent, name: keyName(m.key, m.computed), isStatic: m.static };
  }
  return undefined;
}

/** Whether `cls` declares a member `name` of its own (method, accessor, field, abstract member). */
export function declaresMember(cls: ClassNode, name: string): boolean {
  for (const el of cls.body.body) {
    if (
      (el.type === AST_NODE_TYPES.MethodDefinition ||
        el.type === AST_NODE_TYPES.PropertyDefinition ||
        el.type === AST_NODE_TYPES.AccessorProperty ||
        el.type === AST_NODE_TYPES.TSAbstractMethodDefinition ||
        el.type === AST_NODE_TYPES.TSAbstractPropertyDefinition) &&
      !el.static &&
      keyName(el.key, el.computed) === name
    ) {
      return true;
    }
  }
  return false;
}

/** Utility types whose first argument names the value's own type. */
const SAME_VALUE_WRAPPERS = new Set(["Pick", "Omit", "Readonly", "Partial", "Required", "NonNullable"]);

/** The name a type annotation refers to: `Foo`, `ns.Foo`, `Foo<T>` → "Foo"; unions with null/undefined are looked through. */
export function typeAnnotationName(annotation: TSESTree.TypeNode | undefined): string | undefined {
  if (!annotation) return undefined;
  if (annotation.type === AST_NODE_TYPES.TSTypeReference) {
    const n = annotation.typeName;
    const name = n.type === AST_NODE_TYPES.Identifier ? n.name : n.type === AST_NODE_TYPES.TSQualifiedName ? n.right.name : undefined;
    // `Pick<DurableObjectStorage, "get" | "put">`, `Readonly<SqlStorage>`: still that value.
    const args = annotation.typeArguments?.params;
    if (name !== undefined && SAME_VALUE_WRAPPERS.has(name) && args && args.length > 0) return typeAnnotationName(args[0]);
    return name;
  }
  if (annotation.type === AST_NODE_TYPES.TSUnionType) {
    let found: string | undefined;
    for (const t of annotation.types) {
      if (t.type === AST_NODE_TYPES.TSNullKeyword || t.type === AST_NODE_TYPES.TSUndefinedKeyword) {
        continue;
      }
      const name = typeAnnotationName(t);
      if (name === undefined || (found !== undefined && found !== name)) return undefined;
      found = name;
    }
    return found;
  }
  return undefined;
}

/** Whether `word` occurs in `text` starting in [start, end) (one `indexOf`, no substring copy): a cheap pre-filter over a node's range. */
export function mentionsWithin(text: string, word: string, start: number, end: number): boolean {
  const at = text.indexOf(word, start);
  return at >= 0 && at < end;
}

/** Walks `root`'s subtree depth-first, calling `visit` on each node; `visit` returns false to skip a node's children. */
export function walk(
  root: Node,
  visitorKeys: Readonly<Record<string, readonly string[] | undefined>>,
  visit: (node: Node) => boolean | void,
): void {
  walkKeys(root, (type) => visitorKeys[type], visit);
}

/** The depth-first walk of `walk` and `walkValues`, with the children of a node type under `keysOf(type)`. */
function walkKeys(root: Node, keysOf: (type: string) => readonly string[] | undefined, visit: (node: Node) => boolean | void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const keys = keysOf(node.type);
    if (!keys) continue;
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = (node as unknown as Record<string, unknown>)[keys[i]];
      if (Array.isArray(child)) {
        for (let j = child.length - 1; j >= 0; j--) {
          const c = child[j] as Node | null;
          if (c && typeof c.type === "string") stack.push(c);
        }
      } else if (child && typeof (child as Node).type === "string") {
        stack.push(child as Node);
      }
    }
  }
}

/** Keys under which only types sit: a walk for values skips them (most of a TypeScript function's nodes can be types). */
const TYPE_KEYS = new Set(["typeAnnotation", "typeParameters", "returnType", "typeArguments", "superTypeArguments", "implements"]);
const valueKeyCache = new WeakMap<object, Map<string, readonly string[]>>();

/** The visitor keys of a node type that can hold values (see `TYPE_KEYS`), once per visitor-key table and type. */
export function valueKeys(keys: Readonly<Record<string, readonly string[] | undefined>>, type: string): readonly string[] {
  let byType = valueKeyCache.get(keys);
  if (!byType) valueKeyCache.set(keys, (byType = new Map()));
  let list = byType.get(type);
  if (!list) byType.set(type, (list = (keys[type] ?? []).filter((k) => !TYPE_KEYS.has(k))));
  return list;
}

/**
 * `walk`, without the types: what sits under `TYPE_KEYS` (annotations, type arguments and
 * parameters, return types, `x as T`'s `T`) is not visited, for walks that look for calls and
 * references, none of which a type holds.
 */
export function walkValues(
  root: Node,
  visitorKeys: Readonly<Record<string, readonly string[] | undefined>>,
  visit: (node: Node) => boolean | void,
): void {
  walkKeys(root, (type) => valueKeys(visitorKeys, type), visit);
}

/** The statement list a statement sits in directly (block, program, switch case, static block), or undefined. */
export function statementList(stmt: Node): Node[] | undefined {
  const p = stmt.parent;
  if (!p) return undefined;
  switch (p.type) {
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.StaticBlock:
      return p.body as Node[];
    case AST_NODE_TYPES.SwitchCase:
      return p.consequent;
    default:
      return undefined;
  }
}

/** Whether `inner` lies within `outer` in the source (`outer` itself counts). */
export function within(outer: Node | null | undefined, inner: Node): boolean {
  return !!outer && outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** Whether `inner` lies in any of `outers` (a loop, no closure: rules call this per node on hot paths). */
export function withinAny(outers: Iterable<Node>, inner: Node): boolean {
  for (const outer of outers) if (within(outer, inner)) return true;
  return false;
}

/** Leading whitespace of the line `node` starts on. */
export function indentOf(sourceText: string, node: Node): string {
  const start = node.range[0];
  const lineStart = sourceText.lastIndexOf("\n", start - 1) + 1;
  let i = lineStart;
  while (i < start && (sourceText[i] === " " || sourceText[i] === "\t")) i++;
  return sourceText.slice(lineStart, i);
}

/** Whether `node` awaits or yields, not counting nested functions and classes. */
export function containsAwait(node: Node, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>): boolean {
  let found = false;
  walk(node, visitorKeys, (n) => {
    if (found || (n !== node && (isFunction(n) || isClass(n)))) return false;
    if (n.type === AST_NODE_TYPES.AwaitExpression || n.type === AST_NODE_TYPES.YieldExpression) found = true;
    else if (n.type === AST_NODE_TYPES.ForOfStatement && n.await) found = true;
    return !found;
  });
  return found;
}

const sortedComments = new WeakMap<object, readonly TSESTree.Comment[]>();

/** The comments within [start, end), by binary search over the file's comments (no walk of a whole block per report). */
export function commentsIn(
  sourceCode: { ast: object; getAllComments(): TSESTree.Comment[] },
  start: number,
  end: number,
): TSESTree.Comment[] {
  let all = sortedComments.get(sourceCode.ast);
  if (!all) {
    all = sourceCode.getAllComments();
    sortedComments.set(sourceCode.ast, all);
  }
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid].range[0] < start) lo = mid + 1;
    else hi = mid;
  }
  const out: TSESTree.Comment[] = [];
  for (let i = lo; i < all.length && all[i].range[1] <= end; i++) out.push(all[i]);
  return out;
}

/** Operators of an assignment expression. */
const ASSIGNMENT_OPERATORS: ReadonlySet<string> = new Set([
  "=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "**=",
  "<<=",
  ">>=",
  ">>>=",
  "&=",
  "|=",
  "^=",
  "&&=",
  "||=",
  "??=",
]);

/** Characters that start a token after `this.name` that is not an assignment operator (`(`, `.`, `;`, …). */
const NOT_ASSIGNED_AFTER: ReadonlySet<string> = new Set([".", "(", ",", ";", "[", "]", "}", ":", "`"]);

/** `[A-Za-z0-9_$]`, by character code. */
function isWordCode(k: number): boolean {
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (k >= 48 && k <= 57) || k === 95 || k === 36;
}

interface TokenLike {
  type: string;
  value: string;
  range: [number, number];
}

/**
 * The assignments to a member of `this` (`this.x = …`, `this[k] ??= …`, `this.#x += …`) in `root`,
 * in source order, not counting those inside nested non-arrow functions and classes (where `this`
 * is another object). Found from the text and the tokens, not by walking `root`: a search for the
 * word `this`, then only the places where it is followed by a member and an assignment operator are
 * looked up in the tree.
 */
export function thisAssignmentsIn(
  root: Node,
  sourceCode: {
    text?: string;
    ast: { tokens?: readonly TokenLike[] };
    visitorKeys: Readonly<Record<string, readonly string[] | undefined>>;
  },
): TSESTree.AssignmentExpression[] {
  const { text } = sourceCode;
  const tokens = sourceCode.ast.tokens;
  const out: TSESTree.AssignmentExpression[] = [];
  if (!tokens || text === undefined) {
    walk(root, sourceCode.visitorKeys, (n) => {
      if (n !== root && (isClass(n) || n.type === AST_NODE_TYPES.FunctionDeclaration || n.type === AST_NODE_TYPES.FunctionExpression))
        return false;
      if (isThisAssignment(n)) out.push(n);
      return true;
    });
    return out;
  }
  const [start, end] = root.range;
  let from = 0;
  for (let at = text.indexOf("this", start); at >= 0 && at < end; at = text.indexOf("this", at + 4)) {
    // A look at the text first, which only skips what the tokens below would skip too: part of a
    // longer word (`thisArg`, `isthis`), or `this.name` followed (after spaces) by a character that
    // no assignment operator starts with (`this.ctx.storage`, `this.run(`, `this.x;`).
    if (isWordCode(text.charCodeAt(at + 4)) || (at > 0 && isWordCode(text.charCodeAt(at - 1)))) continue;
    if (text.charCodeAt(at + 4) === 46 /* . */) {
      let k = at + 5;
      while (k < end && (isWordCode(text.charCodeAt(k)) || text.charCodeAt(k) === 35) /* # */) k++;
      const named = k > at + 5;
      while (k < end && (text[k] === " " || text[k] === "\t")) k++;
      if (named && NOT_ASSIGNED_AFTER.has(text[k])) continue;
    }
    // The keyword's token (not `thisArg`, a string or a comment): the token that starts here.
    const i = tokenStartingAt(tokens, at, from);
    from = i < 0 ? -1 - i : i;
    if (i < 0) continue;
    const t = tokens[i];
    if (t.value !== "this" || t.type !== "Keyword") continue;
    const next = tokens[i + 1];
    if (next?.value === ".") {
      // `this.x` (then any closing parentheses) and an assignment operator.
      let j = i + 3;
      while (tokens[j]?.value === ")") j++;
      if (!tokens[j] || !ASSIGNMENT_OPERATORS.has(tokens[j].value)) continue;
    } else if (next?.value !== "[") {
      continue;
    }
    const found = assignmentAt(root, at, sourceCode.visitorKeys);
    if (found && !insideNestedScope(found, root)) out.push(found);
  }
  return out;
}

/**
 * The index of the token that starts at offset `pos`, searching from index `from` on (the tokens
 * before it start before `pos`): a galloping search, so a run of ascending lookups costs the log of
 * each gap, not of the file. If no token starts at `pos`: `-1 - i`, where `i` is the first token
 * that starts after it.
 */
function tokenStartingAt(tokens: readonly TokenLike[], pos: number, from: number): number {
  const n = tokens.length;
  let bound = 1;
  while (from + bound < n && tokens[from + bound].range[0] < pos) bound *= 2;
  let lo = from + (bound >> 1);
  let hi = Math.min(from + bound, n - 1);
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = tokens[mid].range[0];
    if (s === pos) return mid;
    if (s < pos) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1 - lo;
}

function isThisAssignment(n: Node): n is TSESTree.AssignmentExpression {
  return (
    n.type === AST_NODE_TYPES.AssignmentExpression &&
    n.left.type === AST_NODE_TYPES.MemberExpression &&
    n.left.object.type === AST_NODE_TYPES.ThisExpression
  );
}

/** Whether a non-arrow function or a class lies between `node` and `root`. */
function insideNestedScope(node: Node, root: Node): boolean {
  for (let n: Node | undefined = node; n && n !== root; n = n.parent) {
    if (isClass(n) || n.type === AST_NODE_TYPES.FunctionDeclaration || n.type === AST_NODE_TYPES.FunctionExpression) return true;
  }
  return false;
}

/** The `this.… = …` assignment that starts at source offset `pos` inside `root`: a descent, choosing the child that holds `pos`. */
function assignmentAt(
  root: Node,
  pos: number,
  visitorKeys: Readonly<Record<string, readonly string[] | undefined>>,
): TSESTree.AssignmentExpression | undefined {
  for (let node: Node | undefined = root; node; node = childHolding(node, pos, visitorKeys)) {
    if (isThisAssignment(node) && (node.left as TSESTree.MemberExpression).object.range[0] === pos) return node;
  }
  return undefined;
}

/** The child of `node` whose source range holds offset `pos`, if any. */
function childHolding(node: Node, pos: number, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>): Node | undefined {
  const keys = visitorKeys[node.type];
  if (!keys) return undefined;
  for (const key of keys) {
    const child = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(child)) {
      const inner = holding(child as (Node | null)[], pos);
      if (inner) return inner;
    } else if (child && typeof (child as Node).type === "string") {
      const c = child as Node;
      if (c.range[0] <= pos && pos < c.range[1]) return c;
    }
  }
  return undefined;
}

/** The element of a list of sibling nodes (in source order) whose range holds `pos`, by binary search. */
function holding(list: readonly (Node | null)[], pos: number): Node | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = list[mid];
    if (!c) {
      // A hole (`[a, , b]`): fall back to a scan of this list.
      return list.find((x): x is Node => !!x && x.range[0] <= pos && pos < x.range[1]);
    }
    if (pos < c.range[0]) hi = mid - 1;
    else if (pos >= c.range[1]) lo = mid + 1;
    else return c;
  }
  return undefined;
}

/**
 * The innermost function or class whose source range holds offset `pos` (for an offset in a
 * comment or between nodes: the innermost one around it), or undefined at module level. A descent
 * from `root` choosing, at each level, the child that holds `pos`.
 */
export function innermostScopeAt(
  root: Node,
  pos: number,
  visitorKeys: Readonly<Record<string, readonly string[] | undefined>>,
): FunctionNode | ClassNode | undefined {
  let found: FunctionNode | ClassNode | undefined;
  for (let node: Node | undefined = root; node; node = childHolding(node, pos, visitorKeys)) {
    if (isFunction(node) || isClass(node)) found = node;
  }
  return found;
}

/**
 * Whether a member expression is written to: `x = …`, `x += …`, `x++`, `delete x`, a
 * destructuring target (`[x] = …`, `({ a: x } = …)`) or a `for (x of …)` head, through TS wrappers.
 */
export function isWriteTarget(node: Node): boolean {
  let n: Node = node;
  let p = n.parent;
  while (p && isValueWrapper(p)) {
    n = p;
    p = n.parent;
  }
  if (!p) return false;
  switch (p.type) {
    case AST_NODE_TYPES.AssignmentExpression:
      return p.left === n;
    case AST_NODE_TYPES.UpdateExpression:
      return true;
    case AST_NODE_TYPES.UnaryExpression:
      return p.operator === "delete";
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
      return p.left === n;
    case AST_NODE_TYPES.ArrayPattern:
    case AST_NODE_TYPES.RestElement:
      return true;
    case AST_NODE_TYPES.AssignmentPattern:
      return p.left === n;
    case AST_NODE_TYPES.Property:
      return p.value === n && p.parent?.type === AST_NODE_TYPES.ObjectPattern;
    default:
      return false;
  }
}

/** An identifier that reads a variable: not a property name, an object key or a class field's name (a shorthand property is one). */
export function isReference(id: TSESTree.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === AST_NODE_TYPES.MemberExpression && p.property === id && !p.computed) return false;
  if ((p.type === AST_NODE_TYPES.Property || p.type === AST_NODE_TYPES.PropertyDefinition) && p.key === id && !p.computed) {
    return p.type === AST_NODE_TYPES.Property && p.shorthand;
  }
  return true;
}

/**
 * The outermost expression around `node` that has its value once awaited: climbs through
 * `isValueWrapper`s, `?.` chains and `await` (the reverse of `unwrap(node, true)`), for values that are not promises.
 */
export function outermostAwaitedValue(node: Node): Node {
  let n = node;
  while (
    n.parent &&
    (n.parent.type === AST_NODE_TYPES.AwaitExpression || n.parent.type === AST_NODE_TYPES.ChainExpression || isValueWrapper(n.parent))
  ) {
    n = n.parent;
  }
  return n;
}

/** `for`, `for…in`, `for…of`, `while` and `do…while`. */
export type LoopNode =
  TSESTree.ForStatement | TSESTree.ForInStatement | TSESTree.ForOfStatement | TSESTree.WhileStatement | TSESTree.DoWhileStatement;

export function isLoop(node: Node | null | undefined): node is LoopNode {
  return (
    node?.type === AST_NODE_TYPES.ForStatement ||
    node?.type === AST_NODE_TYPES.ForInStatement ||
    node?.type === AST_NODE_TYPES.ForOfStatement ||
    node?.type === AST_NODE_TYPES.WhileStatement ||
    node?.type === AST_NODE_TYPES.DoWhileStatement
  );
}

/** Whether `node` runs once per iteration of `loop`: in its body, test or update (not its `for` init, nor the `for…of`/`for…in` iterable). */
export function runsPerIteration(loop: LoopNode, node: Node): boolean {
  if (within(loop.body, node)) return true;
  if (loop.type === AST_NODE_TYPES.ForInStatement || loop.type === AST_NODE_TYPES.ForOfStatement) return false;
  return within(loop.test, node) || (loop.type === AST_NODE_TYPES.ForStatement && within(loop.update, node));
}

/** Whether `child` is the condition that an `if`, a `while`, `do…while` or `for` loop, or a `?:` tests. */
export function isConditionOf(parent: Node, child: Node): boolean {
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === child;
    default:
      return false;
  }
}
