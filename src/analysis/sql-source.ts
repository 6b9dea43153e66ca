/**
 * Where a Durable Object runs SQL: the one entry point of the SQL rules. A run is
 * - `sql.exec(query, ...bindings)` on a SQL handle (storage.ts says what is one), or
 * - `` this.sql`…` `` in a class built on partyserver's `Server` or the Agents SDK (`Agent`,
 *   `AIChatAgent`, `McpAgent`, …: `SQL_TAG_BASES`), whose `sql` joins the template's strings
 *   with `?` and runs them with `exec`, each `${…}` a bound value;
 * with static SQL. Each gives its statements, where any of their text stands in the source (for a
 * report) and what a fix may replace (within one literal), in the way of eslint-plugin-regexp's
 * `RegExpContext`: a rule asks what the SQL says and where, never how the text was written.
 */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { type Node, declaresMember, memberName, unwrap } from "./ast.js";
import type { SqlStatement } from "./sql.js";
import { type StaticSql, sourceRange, sqlLoc, taggedSql } from "./sql-text.js";
import { type ClassFacts, type DurableObjectModel, SQL_TAG_BASES } from "./storage.js";

export interface SqlRun {
  /** The `exec(…)` call or the tagged template. */
  readonly node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression;
  readonly form: "exec" | "tag";
  /** The SQL as the database gets it: in the tag form each `${…}` is a `?` parameter. */
  readonly sql: StaticSql;
  readonly statements: readonly SqlStatement[];
  /** What a report on the SQL as a whole points at: `exec`'s query argument, or the template. */
  readonly query: Node;
  /** The values bound to the parameters, in order: `exec`'s arguments after the query; the template's `${…}`. */
  readonly bindings: readonly (TSESTree.Expression | TSESTree.SpreadElement)[];
  /** Where SQL text [start, end) stands, for a report (the whole query when it is not written verbatim). */
  loc(start: number, end: number): TSESTree.SourceLocation;
  /** The source range of SQL text [start, end) when it stands verbatim within one literal: what a fix may replace. */
  range(start: number, end: number): [number, number] | undefined;
}

/** The claim a rule makes when it is created: the runs of the file, complete from `Program:exit` on. */
export interface SqlRunsClaim {
  /** Every run of the file with static SQL, in traversal order (`exec` calls, then tagged templates). */
  all(): SqlRun[];
}

/** Claims the file's SQL runs for a rule: call in `create`, read `all()` from `Program:exit` on. */
export function sqlRuns(model: DurableObjectModel): SqlRunsClaim {
  const calls = model.calls(["exec"], { sqlTags: true });
  return {
    all() {
      const out: SqlRun[] = [];
      for (const call of calls.of("exec")) {
        const run = sqlRunOf(model, call);
        if (run) out.push(run);
      }
      for (const tag of calls.sqlTags()) {
        const run = sqlRunOf(model, tag);
        if (run) out.push(run);
      }
      return out;
    },
  };
}

const runs = new WeakMap<Node, SqlRun | null>();

/** The SQL run of an `exec` call or a `sql` tagged template, or undefined (not SQL storage, or SQL built at run time). */
export function sqlRunOf(model: DurableObjectModel, node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): SqlRun | undefined {
  const hit = runs.get(node);
  if (hit !== undefined) return hit ?? undefined;
  const run = node.type === AST_NODE_TYPES.CallExpression ? execRun(model, node) : tagRun(model, node);
  runs.set(node, run ?? null);
  return run;
}

function execRun(model: DurableObjectModel, node: TSESTree.CallExpression): SqlRun | undefined {
  const sql = model.execSql(node);
  const [query, ...bindings] = node.arguments;
  return sql && query ? makeRun(model, node, "exec", sql, query, bindings) : undefined;
}

/** Whether `x.sql`…`` is the framework's `sql` tag of a Durable Object (its text static or not). */
export function isSqlTag(model: DurableObjectModel, node: TSESTree.TaggedTemplateExpression): boolean {
  const tag = unwrap(node.tag);
  if (tag.type !== AST_NODE_TYPES.MemberExpression || tag.object.type === AST_NODE_TYPES.Super) return false;
  const cls = model.instanceClassOf(tag.object);
  return cls !== undefined && hasSqlTag(model, cls);
}

function tagRun(model: DurableObjectModel, node: TSESTree.TaggedTemplateExpression): SqlRun | undefined {
  if (!isSqlTag(model, node)) return undefined;
  const sql = taggedSql(node.quasi, model.sourceCode);
  return sql ? makeRun(model, node, "tag", sql, node, node.quasi.expressions) : undefined;
}

function makeRun(
  model: DurableObjectModel,
  node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression,
  form: "exec" | "tag",
  sql: StaticSql,
  query: Node,
  bindings: readonly (TSESTree.Expression | TSESTree.SpreadElement)[],
): SqlRun {
  const { sourceCode } = model;
  return {
    node,
    form,
    sql,
    statements: sql.statements,
    query,
    bindings,
    loc: (start, end) => sqlLoc(sql, start, end, sourceCode),
    range: (start, end) => sourceRange(sql, start, end),
  };
}

/**
 * Whether `this.sql` of the class is the framework's tagged template: the class extends one of
 * `SQL_TAG_BASES`, and neither it nor a local class between declares a member `sql` of its own or
 * assigns `this.sql`.
 */
function hasSqlTag(model: DurableObjectModel, cls: ClassFacts): boolean {
  // Asked once per tag: the answer is kept per class, so a class with many tags is looked at once.
  let known = tagClasses.get(cls);
  if (known === undefined) tagClasses.set(cls, (known = computeHasSqlTag(model, cls)));
  return known;
}

const tagClasses = new WeakMap<ClassFacts, boolean>();

function computeHasSqlTag(model: DurableObjectModel, cls: ClassFacts): boolean {
  const imported = cls.baseImport;
  if (!imported || !SQL_TAG_BASES[imported.source]?.includes(imported.name)) return false;
  const seen = new Set<ClassFacts>();
  for (let c: ClassFacts | "durable-object" | undefined = cls; c && c !== "durable-object" && !seen.has(c); c = c.base) {
    seen.add(c);
    if (
      declaresMember(c.node, "sql") ||
      model.thisAssignmentsOf(c.node).some((a) => a.left.type === AST_NODE_TYPES.MemberExpression && memberName(a.left) === "sql")
    ) {
      return false;
    }
  }
  return true;
}
