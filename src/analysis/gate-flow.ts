/**
 * "Since this point, has an `await` that opens the input gate run, on some path?" — per function,
 * flow-sensitively, on ESLint's code path analysis.
 *
 * Rules register *sites* (a storage read, a cursor) at the moment they happen; the engine records,
 * per code path segment, the first gate-opening `await` (or `for await`) after each live site.
 * A segment starts from the union of its predecessors' end states ("on some path"). Loop back
 * edges are not followed: a value carried around a loop into the next iteration goes unreported
 * rather than guessed.
 *
 * Each segment state also carries a *taint* map — which local variables hold values derived
 * from which sites — for analyses that follow values (see stale-reads.ts).
 *
 * Which segments are being visited is kept once per file (`SegmentTracker`), whatever the number
 * of flows (rules) on it; each flow keeps its own states.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { mentionsWithin } from "./ast.js";
import { Gate, type GateModel } from "./gate.js";
import { type SharedPart, methodListeners, sharedListenersOf } from "./listeners.js";

type Variable = TSESLint.Scope.Variable;
export type Opener = TSESTree.AwaitExpression | TSESTree.ForOfStatement;

interface State {
  sites: Map<number, Opener | null>;
  /** Sites with no opener yet: an await only has to visit these. */
  pending: Set<number>;
  taint: Map<Variable, ReadonlySet<number>>;
}

/**
 * Live sites kept per state. Beyond it the oldest are dropped: a value carried past this many
 * later reads in one function goes unreported (silence, not a guess), and the work per await and per merge stays
 * bounded, so a rule stays linear in the length of a function.
 */
export const MAX_LIVE_SITES = 64;

/**
 * A function being visited, as every flow of the file shares it. Frames are reused from one
 * function to the next at the same depth, and their arrays never shrink: an emptied array is
 * allocated again by its next push (see docs/performance.md, "What profiling found").
 */
interface FunctionFrame {
  /** The function (or Program, or class field initializer) whose code path this is. */
  node: TSESTree.Node | undefined;
  /** False for a function where no handle can be (see `mayHoldHandles`): no site can happen there, nothing is kept. */
  active: boolean;
  /** The segments being visited: the first `count` entries (usually one or two: a small array beats a Set here). */
  current: string[];
  count: number;
  /**
   * Per flow (by its index): its segment states, created with its first site in the function
   * (before it, every state is empty). Undefined while the flow has no site here.
   */
  flows: (Map<string, State> | undefined)[];
  /** The segment that ended last, and the segments that have started (see `onCodePathSegmentStart`). */
  lastEnded: string | undefined;
  started: Set<string>;
  /** Whether the function's text has an `await` (see `GateFlow#mayOpenHere`); undefined until asked. */
  awaits: boolean | undefined;
}

/**
 * The code path bookkeeping of one file, kept once for all the flows on it (one per flow rule):
 * ESLint calls the tracker's listeners once (see `FileListeners`), however many flow rules are on,
 * and each flow keeps its own states in the frames. The awaits that may open the gate are passed
 * to every flow from here too: one listener call per `await`, not one per flow rule.
 */
class SegmentTracker implements SharedPart {
  /** The functions being visited: the first `depth` frames (the rest are kept for reuse). */
  private readonly frames: FunctionFrame[] = [];
  private depth = 0;
  private readonly gate: GateModel;
  /** The flows of this traversal, by their index. */
  private readonly flows: GateFlow[] = [];
  readonly listeners: TSESLint.RuleListener;

  constructor(gate: GateModel) {
    this.gate = gate;
    this.listeners = methodListeners(this, [
      "onCodePathStart",
      "onCodePathEnd",
      "onCodePathSegmentStart",
      "onCodePathSegmentEnd",
      "onUnreachableCodePathSegmentStart",
      "onUnreachableCodePathSegmentEnd",
      "AwaitExpression:exit",
      "ForOfStatement",
    ]);
  }

  reset(): void {
    this.flows.length = 0;
    this.depth = 0;
  }

  /** Registers a flow of the rule being created: its index in each frame's `flows`. */
  attach(flow: GateFlow): number {
    sharedListenersOf(this.gate.model.sourceCode.ast).use(this);
    return this.flows.push(flow) - 1;
  }

  /** Listener: an `await` may open the gate. */
  "AwaitExpression:exit"(node: TSESTree.AwaitExpression): void {
    const flows = this.flows;
    for (let i = 0; i < flows.length; i++) flows[i].gateMayOpen(node);
  }

  /** Listener: a `for await` may open the gate. */
  ForOfStatement(node: TSESTree.ForOfStatement): void {
    if (!node.await) return;
    const flows = this.flows;
    for (let i = 0; i < flows.length; i++) flows[i].gateMayOpen(node);
  }

  /** The function being visited (its frame), if any. */
  top(): FunctionFrame | undefined {
    return this.depth > 0 ? this.frames[this.depth - 1] : undefined;
  }

  onCodePathStart(_codePath: unknown, node: TSESTree.Node): void {
    const outer = this.top();
    let frame = this.frames[this.depth];
    if (!frame)
      this.frames[this.depth] = frame = {
        node: undefined,
        active: false,
        current: [],
        count: 0,
        flows: [],
        lastEnded: undefined,
        started: new Set(),
        awaits: undefined,
      };
    this.depth++;
    frame.node = node;
    // `mayHoldHandles(node)`, from the enclosing code path's answer: regions are lexical, so only
    // the functions and classes between the two can add one (a short climb, nothing cached).
    frame.active = outer?.active === true || this.gate.model.regionRootBetween(node, outer?.node);
    frame.count = 0;
    frame.lastEnded = undefined;
    frame.awaits = undefined;
    frame.started.clear();
    const flows = frame.flows;
    for (let i = 0; i < flows.length; i++) flows[i] = undefined;
  }

  onCodePathEnd(): void {
    this.depth--;
  }

  onCodePathSegmentStart(segment: TSESLint.CodePathSegment): void {
    const frame = this.frames[this.depth - 1];
    if (!frame.active) return;
    frame.current[frame.count++] = segment.id;
    // `for (x of xs)` / `for (k in o)`: ESLint starts the loop head (the `x` segment) before the
    // segment of `xs` that leads into it, so none of its predecessors has started. The head is
    // reached from the code before the loop, the segment that just ended: it starts from that state.
    const early = segment.prevSegments.length > 0 && frame.lastEnded !== undefined && noneStarted(segment.prevSegments, frame.started);
    frame.started.add(segment.id);
    const flows = frame.flows;
    for (let i = 0; i < flows.length; i++) {
      // Until a flow's first site every state is empty: none is kept (see `flows`).
      const states = flows[i];
      if (!states) continue;
      const prev = segment.prevSegments;
      // A straight-line continuation takes its predecessor's state over (nobody else reads it); forks and joins copy.
      const only = prev.length === 1 && prev[0].nextSegments.length === 1 ? states.get(prev[0].id) : undefined;
      const fallback = early ? states.get(frame.lastEnded!) : undefined;
      states.set(segment.id, only ?? merge(fallback ? [fallback] : prev.map((s) => states.get(s.id))));
      // A predecessor whose successors have all started is read by no one again: its state goes, so a
      // long function keeps the states of its open forks only, not one per segment it ever had.
      for (const p of prev) if (allStarted(p.nextSegments, states)) states.delete(p.id);
    }
  }

  onCodePathSegmentEnd(segment: TSESLint.CodePathSegment): void {
    const frame = this.frames[this.depth - 1];
    if (!frame.active) return;
    removeCurrent(frame, segment.id);
    frame.lastEnded = segment.id;
  }

  onUnreachableCodePathSegmentStart(segment: TSESLint.CodePathSegment): void {
    const frame = this.frames[this.depth - 1];
    if (!frame.active) return;
    frame.current[frame.count++] = segment.id;
    frame.started.add(segment.id);
    const flows = frame.flows;
    for (let i = 0; i < flows.length; i++) flows[i]?.set(segment.id, emptyState());
  }

  onUnreachableCodePathSegmentEnd(segment: TSESLint.CodePathSegment): void {
    const frame = this.frames[this.depth - 1];
    if (frame.active) removeCurrent(frame, segment.id);
  }
}

const trackers = new WeakMap<GateModel, SegmentTracker>();

export const NO_SITES: ReadonlySet<number> = new Set();

export class GateFlow {
  private readonly gate: GateModel;
  private readonly tracker: SegmentTracker;
  private readonly index: number;

  /** Whether an `await` whose effect on the gate is unknown (see gate.ts) counts as opening it. */
  private readonly unknownOpens: boolean;

  constructor(gate: GateModel, { unknownOpens = true }: { unknownOpens?: boolean } = {}) {
    this.gate = gate;
    this.unknownOpens = unknownOpens;
    let tracker = trackers.get(gate);
    if (!tracker) trackers.set(gate, (tracker = new SegmentTracker(gate)));
    this.tracker = tracker;
    this.index = tracker.attach(this);
  }

  /** Whether the function being visited can see a handle at all (see `mayHoldHandles`). */
  get inRegion(): boolean {
    return this.top()?.active === true;
  }

  /**
   * Whether an `await` of the function being visited may open the gate after a site there: false
   * when its text has no `await` at all (nor `for await`), so nothing done in it can be overtaken
   * by other requests. Nested functions' text counts too: an over-approximation, one substring
   * test per function, asked once.
   */
  get mayOpenHere(): boolean {
    const frame = this.top();
    if (!frame?.active || !frame.node) return false;
    frame.awaits ??= mentionsWithin(this.gate.model.sourceCode.text, "await", frame.node.range[0], frame.node.range[1]);
    return frame.awaits;
  }

  /**
   * Whether an `await` of the function being visited may open the gate after `node` (a call being
   * left) on some path: some `await` in the function's text starts after the outermost `await`
   * around `node` in its function (or after `node` itself). Openers are the awaits left after the
   * site and the `for await` loops entered after it, and back edges are not followed, so an await
   * neither around `node` nor after it never counts. An over-approximation, as `mayOpenHere` is.
   */
  mayOpenAfter(node: TSESTree.Node): boolean {
    if (!this.mayOpenHere) return false;
    const fn = this.top()!.node!;
    let from = node.range[0];
    for (let p = node.parent; p && p !== fn; p = p.parent) if (p.type === AST_NODE_TYPES.AwaitExpression) from = p.range[0];
    return mentionsWithin(this.gate.model.sourceCode.text, "await", from, fn.range[1]);
  }

  /** Whether the current function has registered any site (a cheap early exit for callers). */
  get active(): boolean {
    return this.top()?.flows[this.index] !== undefined;
  }

  /** A site happens here: from now on, gate-opening awaits are recorded against it. */
  addSite(id: number, supersedes?: (other: number) => boolean): void {
    const frame = this.top();
    if (!frame?.active) return;
    frame.flows[this.index] ??= new Map();
    for (const state of this.states()) {
      if (supersedes) {
        for (const other of state.sites.keys()) {
          if (other !== id && supersedes(other)) {
            state.sites.delete(other);
            state.pending.delete(other);
          }
        }
      }
      state.sites.delete(id); // re-inserted last: the newest
      state.sites.set(id, null);
      state.pending.add(id);
      if (state.sites.size > MAX_LIVE_SITES) {
        // The oldest: the smallest id (after a join, the order of the map is not the order of the sites).
        let oldest = id;
        for (const other of state.sites.keys()) if (other < oldest) oldest = other;
        state.sites.delete(oldest);
        state.pending.delete(oldest);
      }
    }
  }

  /** The first gate-opening await after site `id` on some path to here; null if none; undefined if the site is not live here. */
  openerSince(id: number): Opener | null | undefined {
    let out: Opener | null | undefined;
    for (const state of this.states()) {
      if (!state.sites.has(id)) continue;
      out = out ?? state.sites.get(id) ?? null;
    }
    return out;
  }

  /** The sites variable `v` may hold values of, here. */
  taintOf(v: Variable): ReadonlySet<number> {
    let out: ReadonlySet<number> = NO_SITES;
    for (const state of this.states()) out = union(out, state.taint.get(v) ?? NO_SITES);
    return out;
  }

  /** `v` now holds values of `ids` (or, `compound`, also what it held). */
  setTaint(v: Variable, ids: ReadonlySet<number>, compound: boolean): void {
    for (const state of this.states()) {
      // Only live sites can be reported: keeping the rest would let `total += x` grow without bound.
      const next = live(compound ? union(state.taint.get(v) ?? NO_SITES, ids) : ids, state.sites);
      if (next.size > 0) state.taint.set(v, next);
      else state.taint.delete(v);
    }
  }

  /** An `await` or `for await` may open the gate (called by the tracker's listeners). */
  gateMayOpen(node: Opener): void {
    if (!this.active) return;
    let pending = false;
    for (const state of this.states()) if (state.pending.size > 0) pending = true;
    if (!pending) return;
    if (node.type === AST_NODE_TYPES.AwaitExpression) {
      const verdict = this.gate.awaitVerdict(node);
      if (verdict === Gate.CLOSED || (verdict === Gate.UNKNOWN && !this.unknownOpens)) return;
    }
    for (const state of this.states()) {
      for (const id of state.pending) state.sites.set(id, node);
      state.pending.clear();
    }
  }

  private top(): FunctionFrame | undefined {
    return this.tracker.top();
  }

  /**
   * This flow's states of the current segments (none before its first site in the function). A
   * segment that started before that site has none kept: it is empty, and gets one here. (A
   * segment with no state that a later segment merges from counts as empty too, which before the
   * first site it is.)
   */
  private *states(): Generator<State> {
    const frame = this.top();
    const states = frame?.flows[this.index];
    if (!frame || !states) return;
    for (let i = 0; i < frame.count; i++) {
      const id = frame.current[i];
      let state = states.get(id);
      if (!state) states.set(id, (state = emptyState()));
      yield state;
    }
  }
}

/** Whether every segment of `segments` has a state already (it has started): a loop, not `every`, on this hot path. */
function allStarted(segments: readonly TSESLint.CodePathSegment[], states: ReadonlyMap<string, State>): boolean {
  for (const s of segments) if (!states.has(s.id)) return false;
  return true;
}

/** Whether no segment of `segments` has started. */
function noneStarted(segments: readonly TSESLint.CodePathSegment[], started: ReadonlySet<string>): boolean {
  for (const s of segments) if (started.has(s.id)) return false;
  return true;
}

/** Removes segment `id` from the frame's current segments, in place (the array keeps its length, see `FunctionFrame`). */
function removeCurrent(frame: FunctionFrame, id: string): void {
  const list = frame.current;
  let i = frame.count - 1;
  while (i >= 0 && list[i] !== id) i--;
  if (i < 0) return;
  for (let j = i + 1; j < frame.count; j++) list[j - 1] = list[j];
  frame.count--;
}

function emptyState(): State {
  return { sites: new Map(), pending: new Set(), taint: new Map() };
}

function merge(prev: (State | undefined)[]): State {
  const sites = new Map<number, Opener | null>();
  const taint = new Map<Variable, ReadonlySet<number>>();
  for (const s of prev) {
    if (!s) continue; // a loop back edge not yet walked
    for (const [id, opener] of s.sites) if (!sites.get(id)) sites.set(id, opener);
  }
  // The paths may each keep other sites: their union keeps at most MAX_LIVE_SITES too, the newest
  // (site ids grow in the order sites happen), or a join after each branch would add one more.
  if (sites.size > MAX_LIVE_SITES) {
    const ids = [...sites.keys()].sort((a, b) => a - b);
    for (let i = 0; i < ids.length - MAX_LIVE_SITES; i++) sites.delete(ids[i]);
  }
  for (const s of prev) {
    if (!s) continue;
    // Ids of dropped sites can never be reported again: shed them.
    for (const [v, ids] of s.taint) {
      const kept = live(ids, sites);
      if (kept.size > 0) taint.set(v, union(taint.get(v) ?? NO_SITES, kept));
    }
  }
  const pending = new Set<number>();
  for (const [id, opener] of sites) if (opener === null) pending.add(id);
  return { sites, pending, taint };
}

/** `ids` restricted to the sites still live in `sites` (the same set when nothing was dropped). */
function live(ids: ReadonlySet<number>, sites: ReadonlyMap<number, unknown>): ReadonlySet<number> {
  let dropped = false;
  for (const id of ids) if (!sites.has(id)) dropped = true;
  if (!dropped) return ids;
  const out = new Set<number>();
  for (const id of ids) if (sites.has(id)) out.add(id);
  return out;
}

export function union(a: ReadonlySet<number>, b: ReadonlySet<number>): ReadonlySet<number> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}
