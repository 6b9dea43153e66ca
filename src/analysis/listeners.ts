/**
 * Listeners that several rules need, called by ESLint once per file instead of once per rule:
 * ESLint's dispatch to a listener costs about as much as a small listener's work, so a listener
 * every rule registers on a frequent node type (every call, every code path segment) is paid for
 * as many times as there are rules.
 */
import type { TSESLint } from "@typescript-eslint/utils";

/**
 * A part of a file's analysis that keeps state through the traversal with listeners of its own
 * (the call index, the code path tracker): one per file, used by any number of rules.
 */
export interface SharedPart {
  /** Called once per file whichever rules use the part. */
  readonly listeners: TSESLint.RuleListener;
  /** Forgets what the listeners kept: runs when the part is first used in a traversal. */
  reset(): void;
}

/**
 * The shared parts of one file, and which rule returns their listeners (hold one per parsed file:
 * `sharedListenersOf`). Only the rule kit (src/rule-kit.ts) hands them out: it calls `begin` before
 * each rule's `create` and returns `take()` with the rule's own listeners, so every rule returns
 * the listeners of the parts it was the first to use, and no rule can forget to.
 *
 * This relies on two things ESLint (and oxlint) do: they create every rule before they traverse,
 * and call a node's listeners in the order the rules were created. The parts a rule uses are handed
 * out with that rule or an earlier one, so whatever they keep is up to date whenever any rule's own
 * listener runs, whichever rules are on and in whatever order.
 *
 * A traversal ends at `Program:exit`. A new one also starts when a rule is created again (the same
 * AST linted again after a traversal or a `create` that threw), or when a rule is created while a
 * traversal is still marked as running (after one that threw): everything starts over.
 */
export class FileListeners {
  /** Parts used in this traversal, and how many of them have been handed out (a prefix). */
  private readonly used: SharedPart[] = [];
  private handedOut = 0;
  /** The rules created for this traversal (by `context.id`). */
  private readonly created = new Set<string>();
  private traversing = false;
  /** Between `begin` and `take`: a rule is being created, and may use parts. */
  private creating = false;
  private readonly bounds: TSESLint.RuleListener = methodListeners(this, ["Program", "Program:exit"]);

  /** Listener (with the first parts handed out): the traversal has begun. */
  Program(): void {
    this.traversing = true;
  }

  /** Listener: the traversal is over; the next `create` starts a new one. */
  "Program:exit"(): void {
    this.end();
  }

  /** A rule is being created (the kit calls this before the rule's `create`). */
  begin(ruleId: string | undefined): void {
    if (this.traversing || (ruleId !== undefined && this.created.has(ruleId))) this.end();
    if (ruleId !== undefined) this.created.add(ruleId);
    this.creating = true;
  }

  /** The rule being created uses `part`: its listeners go with this rule, unless an earlier rule of the traversal took them. */
  use(part: SharedPart): void {
    // A part first used later would have no rule to return its listeners: it would stay empty.
    if (!this.creating)
      throw new Error("eslint-plugin-durable-objects: a shared part is used outside a rule's create (make the rule with src/rule-kit.ts)");
    if (this.used.includes(part)) return;
    part.reset();
    this.used.push(part);
  }

  /** The listeners the rule just created returns besides its own: those of the parts first used while it was created. */
  take(): TSESLint.RuleListener | undefined {
    this.creating = false;
    if (this.handedOut === this.used.length) return undefined;
    const parts = this.used.slice(this.handedOut).map((p) => p.listeners);
    // The traversal's bounds go with the first parts handed out: before them, nothing is kept.
    if (this.handedOut === 0) parts.unshift(this.bounds);
    this.handedOut = this.used.length;
    return mergeListeners(...parts);
  }

  /** After a `create` threw: ESLint lints nothing more of this traversal. */
  abort(): void {
    this.end();
  }

  private end(): void {
    this.traversing = false;
    this.creating = false;
    this.used.length = 0;
    this.handedOut = 0;
    this.created.clear();
  }
}

const files = new WeakMap<object, FileListeners>();

/** The shared parts of the file whose AST is `ast`. */
export function sharedListenersOf(ast: object): FileListeners {
  let shared = files.get(ast);
  if (!shared) files.set(ast, (shared = new FileListeners()));
  return shared;
}

/**
 * Listeners that call the methods `selectors` of `target`, bound to it.
 *
 * Hot listeners are methods of a class defined once, not arrow functions made in `create`: V8
 * drops a closure's optimized code with the last closure of its literal, so per-file closures are
 * compiled again after a garbage collection, while a bound method keeps its code (measured in
 * docs/performance.md, "What profiling found").
 */
export function methodListeners<T extends object>(target: T, selectors: readonly (keyof T & string)[]): TSESLint.RuleListener {
  const out: Record<string, unknown> = {};
  for (const selector of selectors) out[selector] = (target[selector] as (...args: unknown[]) => void).bind(target);
  return out as TSESLint.RuleListener;
}

/** Combines rule listeners: handlers for the same selector run in the order given. */
export function mergeListeners(...parts: TSESLint.RuleListener[]): TSESLint.RuleListener {
  type Listener = (a?: unknown, b?: unknown, c?: unknown) => void;
  const out: Record<string, Listener> = {};
  for (const part of parts) {
    // `for…in` over own keys, not `Object.entries`: every rule merges its listeners on every file.
    for (const key in part) {
      if (!Object.hasOwn(part, key)) continue;
      const fn = (part as Record<string, Listener>)[key];
      const prev = out[key];
      // Listeners take at most three arguments (`onCodePathSegmentLoop`): no rest parameters, which allocate per call.
      out[key] = prev ? Sequence.prototype.run.bind(new Sequence(prev, fn)) : fn;
    }
  }
  return out as TSESLint.RuleListener;
}

/** Two listeners of one selector, run in order (a bound method: see `methodListeners`). */
class Sequence {
  constructor(
    private readonly first: (a?: unknown, b?: unknown, c?: unknown) => void,
    private readonly second: (a?: unknown, b?: unknown, c?: unknown) => void,
  ) {}

  run(a?: unknown, b?: unknown, c?: unknown): void {
    this.first(a, b, c);
    this.second(a, b, c);
  }
}
