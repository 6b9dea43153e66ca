/**
 * Values storage cannot hold, which live and die with the instance: functions, promises and their
 * resolvers, WebSockets and sockets, streams and their readers, writers and controllers, open
 * requests and responses, abort controllers, stubs of other objects and services. Known by their
 * declarations (a constructor, a type annotation, a handler parameter), never by a name.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type Node, calledMethod, isFunction, isReference, keyName, unwrap, walk } from "./ast.js";

/** Runtime handlers whose first parameter is a WebSocket. */
const WEBSOCKET_HANDLERS = new Set(["webSocketMessage", "webSocketClose", "webSocketError"]);
/** Type names whose values live and die with the instance: storage cannot hold them. */
const INSTANCE_BOUND_TYPES = new Set([
  // promises and functions
  "Promise",
  "PromiseLike",
  "Function",
  // sockets and open requests
  "WebSocket",
  "Socket",
  "Request",
  "Response",
  "AbortController",
  "AbortSignal",
  // streams, their readers, writers and controllers
  "ReadableStream",
  "WritableStream",
  "TransformStream",
  "ReadableStreamDefaultReader",
  "ReadableStreamBYOBReader",
  "WritableStreamDefaultWriter",
  "ReadableStreamDefaultController",
  "ReadableByteStreamController",
  "WritableStreamDefaultController",
  "TransformStreamDefaultController",
  // stubs of other objects and services
  "DurableObjectStub",
  "Fetcher",
]);
/** Constructors whose instances live and die with the object. */
const INSTANCE_BOUND_CONSTRUCTORS = new Set([
  "Promise",
  "WebSocketPair",
  "TransformStream",
  "ReadableStream",
  "WritableStream",
  "AbortController",
]);
/** Calls that return a stream's reader or writer. */
const STREAM_ENDS = new Set(["getReader", "getWriter"]);
/** In a variable's initialiser: a socket, a resolver, a promise, a stream or one of its ends. */
const BOUND_INIT = /WebSocket|withResolvers|new Promise|new (?:Transform|Readable|Writable)Stream\b|\.get(?:Reader|Writer)\(/;

/**
 * Whether a type mentions, anywhere, a function type, a method, or one of the instance-bound
 * types, looking into the interfaces and type aliases of this file that it names (`waiters:
 * Waiter[]` with `interface Waiter { resolve: (v: T) => void }`), each once.
 */
function typeHoldsInstanceBound(type: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>, seen = new Set<Node>()): boolean {
  let found = false;
  walk(type, sourceCode.visitorKeys, (n) => {
    if (found) return false;
    if (
      n.type === AST_NODE_TYPES.TSFunctionType ||
      n.type === AST_NODE_TYPES.TSConstructorType ||
      n.type === AST_NODE_TYPES.TSMethodSignature
    ) {
      found = true;
    } else if (n.type === AST_NODE_TYPES.TSTypeReference && n.typeName.type === AST_NODE_TYPES.Identifier) {
      if (INSTANCE_BOUND_TYPES.has(n.typeName.name)) found = true;
      else {
        const decl = localTypeDeclaration(n.typeName, sourceCode);
        if (decl && !seen.has(decl)) {
          seen.add(decl);
          found = typeHoldsInstanceBound(decl, sourceCode, seen);
        }
      }
    }
    return !found;
  });
  return found;
}

/** The interface or type alias of this file that `name` refers to, if any. */
function localTypeDeclaration(
  name: TSESTree.Identifier,
  sourceCode: Readonly<TSESLint.SourceCode>,
): TSESTree.TSInterfaceDeclaration | TSESTree.TSTypeAliasDeclaration | undefined {
  const variable = findVariable(sourceCode.getScope(name), name.name);
  for (const def of variable?.defs ?? []) {
    const node = def.node as Node;
    if (node.type === AST_NODE_TYPES.TSInterfaceDeclaration || node.type === AST_NODE_TYPES.TSTypeAliasDeclaration) return node;
  }
  return undefined;
}

/**
 * An item that cannot be stored and does not outlive the instance: a function, a promise or its
 * resolver, a WebSocket (by its declaration: `new WebSocketPair()`, `getWebSockets()`, a `WebSocket`
 * annotation, a `webSocketMessage`/`webSocketClose`/`webSocketError` parameter), a stream or its
 * reader or writer (`new TransformStream()`, `getWriter()`), or anything annotated with one of
 * `INSTANCE_BOUND_TYPES` (stubs, controllers, sockets).
 */
export function holdsInstanceBound(item: Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let bound = false;
  walk(item, sourceCode.visitorKeys, (n) => {
    if (bound) return false;
    if (isFunction(n)) bound = true;
    else if (n.type === AST_NODE_TYPES.NewExpression) {
      const callee = unwrap(n.callee);
      bound = callee.type === AST_NODE_TYPES.Identifier && INSTANCE_BOUND_CONSTRUCTORS.has(callee.name);
    } else if (n.type === AST_NODE_TYPES.CallExpression && STREAM_ENDS.has(calledMethod(n) ?? "")) {
      bound = true;
    } else if (n.type === AST_NODE_TYPES.Identifier && isReference(n)) {
      // `request.text()`, `ws.url`: a value read off the identifier, not the identifier's own value.
      if (n.parent?.type === AST_NODE_TYPES.MemberExpression && n.parent.object === n) return false;
      const v = findVariable(sourceCode.getScope(n), n.name);
      bound = v !== null && v.defs.length === 1 && boundDefinition(v.defs[0], sourceCode);
      return false;
    }
    return !bound;
  });
  return bound;
}

function boundDefinition(def: TSESLint.Scope.Definition, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (def.type === "FunctionName" || def.type === "ClassName") return true;
  const id = def.name as TSESTree.Identifier;
  if (id.typeAnnotation && typeHoldsInstanceBound(id.typeAnnotation.typeAnnotation, sourceCode)) return true;
  if (def.type === "Parameter") {
    const fn = def.node as Node;
    if (fn.parent?.type === AST_NODE_TYPES.NewExpression && fn.parent.arguments[0] === fn) {
      const callee = unwrap(fn.parent.callee);
      return callee.type === AST_NODE_TYPES.Identifier && callee.name === "Promise";
    }
    const m = isFunction(fn) ? fn.parent : undefined;
    const name = m?.type === AST_NODE_TYPES.MethodDefinition ? keyName(m.key, m.computed) : undefined;
    // webSocketMessage(ws, message): only the first parameter is the socket.
    return name !== undefined && WEBSOCKET_HANDLERS.has(name) && isFunction(fn) && fn.params[0] === id;
  }
  if (def.type === "Variable") {
    const init = (def.node as TSESTree.VariableDeclarator).init;
    return init !== null && BOUND_INIT.test(sourceCode.getText(init));
  }
  return false;
}

/** A field whose declared type (annotation, or `new Map<…>()` type arguments) holds values storage cannot. */
export function declaredInstanceBound(decl: Node | undefined, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (decl?.type !== AST_NODE_TYPES.PropertyDefinition) return false;
  if (decl.typeAnnotation && typeHoldsInstanceBound(decl.typeAnnotation.typeAnnotation, sourceCode)) return true;
  const init = decl.value && unwrap(decl.value);
  return (
    init?.type === AST_NODE_TYPES.NewExpression && (init.typeArguments?.params ?? []).some((t) => typeHoldsInstanceBound(t, sourceCode))
  );
}
