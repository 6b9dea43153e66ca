/**
 * "What does this SQL string say?" — the static text of an `exec` argument or of a `sql` tagged
 * template, and where each character of it stands in the source (when it can be known exactly),
 * for reports and fixes. sql-source.ts says which calls and templates run SQL.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type Node, isValueWrapper } from "./ast.js";
import { DYNAMIC, type SqlStatement, splitStatements } from "./sql.js";

/** A piece of the SQL text that maps one-to-one onto source characters. */
interface Segment {
  textStart: number;
  textEnd: number;
  sourceStart: number;
  /** Which literal of a `+` chain it is in (the quasis of one template literal share one): a fix stays within one. */
  piece: number;
}

/** The most `+` pieces read (a generated query longer than this is not judged). */
const MAX_PIECES = 4096;

export interface StaticSql {
  /** The argument the text comes from (where a report points when the text is not verbatim). */
  node: Node;
  /**
   * The SQL text. In an `exec` argument every `${…}` of a template literal is the single
   * character `DYNAMIC` (text spliced in at run time); in a `sql` tagged template it is `?` (a
   * bound parameter).
   */
  text: string;
  statements: SqlStatement[];
  /** Source ranges of the text, piece by piece; empty when the text is not written verbatim (escapes, a `const`). */
  segments: Segment[];
}

const cache = new WeakMap<Node, StaticSql | null>();

/** The static SQL of `node` (an `exec` argument), or undefined when it is computed at run time. */
export function staticSql(node: Node, sourceCode: Readonly<TSESLint.SourceCode>): StaticSql | undefined {
  const hit = cache.get(node);
  if (hit !== undefined) return hit ?? undefined;
  const pieces = textOf(node, sourceCode, 0);
  const result: StaticSql | undefined = pieces
    ? {
        node,
        text: pieces.text,
        statements: splitStatements(pieces.text),
        segments: pieces.segments ?? [],
      }
    : undefined;
  cache.set(node, result ?? null);
  return result;
}

const tagCache = new WeakMap<TSESTree.TemplateLiteral, StaticSql | null>();

/**
 * The SQL a `sql` tagged template runs: its strings joined by `?`, each `${…}` a bound parameter
 * (what the Agents SDK's `sql` passes to `exec`). Each string is a piece of its own, so a fix never
 * spans a `${…}`: the text holds `?` where the source holds the expression.
 */
export function taggedSql(quasi: TSESTree.TemplateLiteral, sourceCode: Readonly<TSESLint.SourceCode>): StaticSql | undefined {
  const hit = tagCache.get(quasi);
  if (hit !== undefined) return hit ?? undefined;
  const strings = templateStrings(quasi, sourceCode);
  let result: StaticSql | undefined;
  if (strings) {
    let text = "";
    const segments: Segment[] = [];
    strings.forEach((q, i) => {
      if (i > 0) text += "?";
      if (q.sourceStart !== undefined)
        segments.push({ textStart: text.length, textEnd: text.length + q.text.length, sourceStart: q.sourceStart, piece: i });
      text += q.text;
    });
    result = { node: quasi, text, statements: splitStatements(text), segments };
  }
  tagCache.set(quasi, result ?? null);
  return result;
}

/**
 * The source range of text offsets [start, end), for a fix: both ends in one literal (one piece
 * of a `+` chain). Ends are mapped separately, so a range may span `${…}` placeholders: between
 * two verbatim quasis, the source holds exactly what the text does.
 */
export function sourceRange(sql: StaticSql, start: number, end: number): [number, number] | undefined {
  const r = mapEnds(sql, start, end);
  return r && r.fromPiece === r.toPiece ? r.range : undefined;
}

/**
 * Where SQL text [start, end) stands, for a report: the source from its first to its last
 * character when both are verbatim (across the `+` of a chain too), else the whole argument.
 */
export function sqlLoc(sql: StaticSql, start: number, end: number, sourceCode: Readonly<TSESLint.SourceCode>): TSESTree.SourceLocation {
  const r = mapEnds(sql, start, end);
  return r ? { start: sourceCode.getLocFromIndex(r.range[0]), end: sourceCode.getLocFromIndex(r.range[1]) } : sql.node.loc;
}

function mapEnds(sql: StaticSql, start: number, end: number): { range: [number, number]; fromPiece: number; toPiece: number } | undefined {
  // An offset on the boundary of two pieces belongs to the piece its character is in: a start to
  // the next one, an end to the previous one. Only where no piece holds it (next to a `${…}`) does
  // the bare boundary count.
  const from = sql.segments.find((s) => start >= s.textStart && start < s.textEnd) ?? sql.segments.find((s) => start === s.textEnd);
  const to = sql.segments.find((s) => end > s.textStart && end <= s.textEnd) ?? sql.segments.find((s) => end === s.textStart);
  if (!from || !to) return undefined;
  const range: [number, number] = [from.sourceStart + start - from.textStart, to.sourceStart + end - to.textStart];
  return range[0] <= range[1] ? { range, fromPiece: from.piece, toPiece: to.piece } : undefined;
}

function textOf(
  node: Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
  depth: number,
): { text: string; segments: Segment[] | undefined } | undefined {
  if (depth > 8) return undefined;
  switch (node.type) {
    case AST_NODE_TYPES.Literal: {
      if (typeof node.value !== "string") return undefined;
      const inner = node.raw.slice(1, -1);
      const verbatim = inner === node.value;
      return {
        text: node.value,
        segments: verbatim ? [{ textStart: 0, textEnd: node.value.length, sourceStart: node.range[0] + 1, piece: 0 }] : undefined,
      };
    }
    case AST_NODE_TYPES.TemplateLiteral: {
      const strings = templateStrings(node, sourceCode);
      if (!strings) return undefined;
      let text = "";
      let segments: Segment[] | undefined = [];
      strings.forEach((q, i) => {
        if (i > 0) text += DYNAMIC;
        if (segments && q.sourceStart !== undefined) {
          segments.push({ textStart: text.length, textEnd: text.length + q.text.length, sourceStart: q.sourceStart, piece: 0 });
        } else {
          segments = undefined;
        }
        text += q.text;
      });
      return { text, segments };
    }
    case AST_NODE_TYPES.BinaryExpression: {
      if (node.operator !== "+") return undefined;
      // `a + b + c + …` nests to the left: walk down its spine, so a chain of any length costs one level.
      const pieces: Node[] = [];
      let n: Node = node;
      for (; n.type === AST_NODE_TYPES.BinaryExpression && n.operator === "+"; n = n.left) {
        pieces.push(n.right);
        if (pieces.length > MAX_PIECES) return undefined;
      }
      pieces.push(n);
      pieces.reverse();
      let text = "";
      const segments: Segment[] = [];
      let piece = 0;
      for (const p of pieces) {
        const part = textOf(p, sourceCode, depth + 1);
        if (!part) return undefined;
        let last = 0;
        for (const s of part.segments ?? []) {
          segments.push({ ...s, textStart: s.textStart + text.length, textEnd: s.textEnd + text.length, piece: piece + s.piece });
          last = Math.max(last, s.piece);
        }
        piece += last + 1;
        text += part.text;
      }
      return { text, segments };
    }
    case AST_NODE_TYPES.Identifier: {
      const variable = findVariable(sourceCode.getScope(node), node.name);
      if (!variable || variable.defs.length !== 1) return undefined;
      const def = variable.defs[0];
      if (def.type !== "Variable" || variable.references.some((r) => r.isWrite() && !r.init)) return undefined;
      const decl = def.node as TSESTree.VariableDeclarator;
      if (decl.id !== def.name || !decl.init) return undefined;
      const inner = textOf(decl.init, sourceCode, depth + 1);
      return inner ? { text: inner.text, segments: undefined } : undefined;
    }
    default: {
      if (!isValueWrapper(node)) return undefined;
      const inner = textOf(node.expression, sourceCode, depth + 1);
      return inner ? { text: inner.text, segments: undefined } : undefined;
    }
  }
}

/**
 * The strings of a template literal, cooked, each with where its characters start in the source
 * when it is written verbatim (no escapes). Undefined for an invalid escape (a tagged template's).
 */
function templateStrings(
  node: TSESTree.TemplateLiteral,
  sourceCode: Readonly<TSESLint.SourceCode>,
): { text: string; sourceStart: number | undefined }[] | undefined {
  const out: { text: string; sourceStart: number | undefined }[] = [];
  const last = node.quasis.length - 1;
  for (let i = 0; i <= last; i++) {
    const q = node.quasis[i];
    const cooked = q.value.cooked;
    if (cooked === null || cooked === undefined) return undefined;
    let sourceStart: number | undefined;
    if (q.value.raw === cooked) {
      // Where the quasi's characters sit: before the closing backtick, or before the `${` of the next expression
      // (found by token, since the parsers disagree on a TemplateElement's range).
      const end =
        i === last
          ? node.range[1] - 1
          : sourceCode.getTokenBefore(node.expressions[i], { filter: (t) => t.type === "Template" })!.range[1] - 2;
      sourceStart = end - q.value.raw.length;
    }
    out.push({ text: cooked, sourceStart });
  }
  return out;
}
