/**
 * Listeners that several rules need, called by ESLint once per file instead of once per rule:
 * ESLint's dispatch to a listener costs about as much as a small listener's work, so a listener
 * every rule registers on a frequent node type (every call, every code path segment) is paid for
 * as many times as there are rules.
 */
import type { TSESLint } from "@typescript-eslint/utils";

/**
 * Listeners shared by the rules of one file (hold one per parsed file). The first rule created
 * for a traversal claims them and returns them with its own listeners; the others get none.
 *
 * This relies on two things ESLint does: it creates every rule before it traverses, and it calls
 * a node's listeners in the order the rules were created, so whatever the shared listeners keep is
 * up to date whenever any rule's own listener runs. A claim ends at the end of the traversal; a
 * claim made while a traversal is still marked as running belongs to a new traversal (the same
 * AST linted again after one that threw), so it starts over.
 */
export class SharedListeners {
  private claimed = false;
  private traversing = false;
  private readonly listeners: TSESLint.RuleListener;
  private readonly reset: () => void;

  /** `reset` forgets what the listeners kept: it runs when a traversal claims them. */
  constructor(listeners: TSESLint.RuleListener, reset: () => void) {
    this.reset = reset;
    this.listeners = mergeListeners(
      {
        Program: () => {
          this.traversing = true;
        },
      },
      listeners,
      {
        "Program:exit": () => {
          this.traversing = false;
          this.claimed = false;
        },
      },
    );
  }

  /** The listeners the rule being created returns: all of them for the first rule of a traversal, none for the others. */
  claim(): TSESLint.RuleListener {
    if (this.traversing) {
      this.traversing = false;
      this.claimed = false;
    }
    if (this.claimed) return {};
    this.claimed = true;
    this.reset();
    return this.listeners;
  }
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
