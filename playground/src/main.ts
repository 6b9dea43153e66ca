/**
 * The playground page: a CodeMirror editor, the findings of the plugin's rules on its text (as
 * squiggles with the message on hover, and as a list with each rule's docs link and a button per
 * suggestion), the settings (config, compatibility date and flags), the rule picker that loads a
 * rule's ❌ example, and the `#code=…` link that holds all of it.
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { basicSetup } from "codemirror";
import { EditorView } from "@codemirror/view";
import { javascript } from "@codemirror/lang-javascript";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import examples from "playground:examples";
import plugin from "../../src/index.js";
import { CONFIG_NAMES, type ConfigName, type Finding, type Settings, lint, rulesOf } from "./lint.js";
import { type PlaygroundState, decodeState, encodeState } from "./share.js";

/** The example shown to a visitor with no link: the rule the plugin is about. */
const DEFAULT_RULE = "no-unsafe-read-modify-write";
const LINT_DELAY_MS = 250;
const LINK_DELAY_MS = 300;

const byRule = new Map(examples.map((e) => [e.rule, e]));

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`playground: #${id} is missing from index.html`);
  return found as T;
}

/** "2026-02-24", "a, b c" → the flags, split at commas and white space. */
function parseFlags(text: string): string[] {
  return text.split(/[\s,]+/).filter((f) => f !== "");
}

function defaultState(): PlaygroundState {
  const example = byRule.get(DEFAULT_RULE) ?? examples[0];
  return { code: example?.code ?? "", rule: example?.rule ?? "", config: "recommended", compatibilityDate: "", compatibilityFlags: [] };
}

/** The smallest shipped config that turns `rule` on, or `current` when it already does. */
function configWith(rule: string, current: ConfigName): ConfigName {
  if (rulesOf(current).includes(rule)) return current;
  return CONFIG_NAMES.find((c) => rulesOf(c).includes(rule)) ?? current;
}

class Playground {
  private readonly ruleSelect = element<HTMLSelectElement>("rule");
  private readonly configSelect = element<HTMLSelectElement>("config");
  private readonly dateInput = element<HTMLInputElement>("compat-date");
  private readonly flagsInput = element<HTMLInputElement>("compat-flags");
  private readonly findingsList = element<HTMLOListElement>("findings");
  private readonly status = element<HTMLElement>("status");
  private readonly note = element<HTMLElement>("note");
  private readonly shareInput = element<HTMLInputElement>("share-url");
  private readonly view: EditorView;
  /** The text the findings on screen were computed for: a suggestion applies only to it. */
  private lintedText = "";
  private findings: Finding[] = [];
  private lintTimer: ReturnType<typeof setTimeout> | undefined;
  private linkTimer: ReturnType<typeof setTimeout> | undefined;
  /** The fragment this page last wrote, so that its own `hashchange` is not read back. */
  private writtenHash = "";
  private firstLintMs: number | undefined;

  constructor(state: PlaygroundState) {
    for (const e of examples) this.ruleSelect.add(new Option(e.rule, e.rule));
    this.ruleSelect.add(new Option("(your code)", ""));
    for (const c of CONFIG_NAMES) this.configSelect.add(new Option(c, c));
    element("version").textContent = `v${plugin.meta.version}`;
    this.view = new EditorView({
      parent: element("editor"),
      doc: state.code,
      extensions: [
        basicSetup,
        javascript({ typescript: true }),
        lintGutter(),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) this.onCodeChange();
        }),
      ],
    });
    this.showSettings(state);
    this.ruleSelect.addEventListener("change", () => this.pickRule(this.ruleSelect.value));
    for (const input of [this.configSelect, this.dateInput, this.flagsInput]) input.addEventListener("change", () => this.relint());
    element("copy-link").addEventListener("click", () => void this.copyLink());
    window.addEventListener("hashchange", () => void this.onHashChange());
    this.relint();
  }

  private settings(): Settings {
    return {
      config: this.configSelect.value as ConfigName,
      compatibilityDate: this.dateInput.value.trim(),
      compatibilityFlags: parseFlags(this.flagsInput.value),
    };
  }

  private state(): PlaygroundState {
    return { ...this.settings(), code: this.view.state.doc.toString(), rule: this.ruleSelect.value };
  }

  private showSettings(state: PlaygroundState): void {
    this.configSelect.value = state.config;
    this.dateInput.value = state.compatibilityDate;
    this.flagsInput.value = state.compatibilityFlags.join(", ");
    this.ruleSelect.value = byRule.has(state.rule) ? state.rule : "";
    this.showNote();
  }

  private showNote(): void {
    const example = byRule.get(this.ruleSelect.value);
    const description = example ? (plugin.rules[example.rule]?.meta?.docs?.description ?? "") : "";
    this.note.textContent = !example
      ? ""
      : example.needsWranglerConfig
        ? `${description}. This rule reads the wrangler config's migrations, which the playground does not have: it reports nothing here.`
        : `${description}.`;
  }

  /** Loads the ❌ example of `rule` (one undoable edit), with a config that turns the rule on. */
  private pickRule(rule: string): void {
    const example = byRule.get(rule);
    if (example) {
      this.configSelect.value = configWith(rule, this.configSelect.value as ConfigName);
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: example.code } });
    }
    this.showNote();
    this.relint();
  }

  private onCodeChange(): void {
    const example = byRule.get(this.ruleSelect.value);
    if (example && example.code !== this.view.state.doc.toString()) {
      this.ruleSelect.value = "";
      this.showNote();
    }
    clearTimeout(this.lintTimer);
    this.status.classList.add("pending");
    this.lintTimer = setTimeout(() => this.relint(), LINT_DELAY_MS);
  }

  /** Lints the editor's text now, shows the findings and updates the link. */
  private relint(): void {
    clearTimeout(this.lintTimer);
    const code = this.view.state.doc.toString();
    const started = performance.now();
    let error: string | undefined;
    try {
      this.findings = lint(code, this.settings());
    } catch (e) {
      this.findings = [];
      error = e instanceof Error ? e.message : String(e);
    }
    this.status.classList.remove("pending");
    const ms = performance.now() - started;
    this.firstLintMs ??= ms;
    this.lintedText = code;
    this.view.dispatch(
      setDiagnostics(
        this.view.state,
        this.findings.map((f) => this.diagnostic(f)),
      ),
    );
    this.renderFindings(error);
    const count = this.findings.length;
    this.status.textContent = error
      ? "Configuration error"
      : `${count === 0 ? "No findings" : count === 1 ? "1 finding" : `${count} findings`} · linted in ${ms.toFixed(0)} ms · first lint ${this.firstLintMs.toFixed(0)} ms`;
    this.scheduleLink();
  }

  private diagnostic(f: Finding): Diagnostic {
    return {
      from: f.from,
      to: f.to,
      severity: f.severity,
      message: f.message,
      source: f.ruleId,
      actions: f.suggestions.map((s, i) => ({ name: s.desc, apply: () => this.applySuggestion(f, i) })),
    };
  }

  private renderFindings(error: string | undefined): void {
    const items: HTMLElement[] = [];
    if (error) {
      const li = document.createElement("li");
      li.className = "finding error config-error";
      li.append(span("message", error));
      items.push(li);
    }
    for (const f of this.findings) {
      const li = document.createElement("li");
      li.className = `finding ${f.severity}`;
      if (f.ruleId) li.dataset.rule = f.ruleId;
      const where = document.createElement("button");
      where.type = "button";
      where.className = "position";
      where.textContent = `${f.line}:${f.column}`;
      where.title = "Show in the editor";
      where.addEventListener("click", () => {
        this.view.dispatch({ selection: { anchor: f.from, head: f.to }, scrollIntoView: true });
        this.view.focus();
      });
      li.append(where, span("message", f.message));
      if (f.ruleId) {
        const link = document.createElement("a");
        link.className = "rule";
        link.textContent = f.ruleId;
        if (f.docsUrl) link.href = f.docsUrl;
        link.target = "_blank";
        link.rel = "noopener";
        li.append(link);
      }
      if (f.suggestions.length > 0) {
        const actions = document.createElement("div");
        actions.className = "suggestions";
        f.suggestions.forEach((s, i) => {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "suggestion";
          button.textContent = s.desc;
          button.addEventListener("click", () => this.applySuggestion(f, i));
          actions.append(button);
        });
        li.append(actions);
      }
      items.push(li);
    }
    this.findingsList.replaceChildren(...items);
  }

  /** Applies suggestion `index` of `finding` in the editor (one undoable edit), then lints again. */
  private applySuggestion(finding: Finding, index: number): void {
    const s = finding.suggestions[index];
    // The ranges are those of the linted text: after an edit still waiting to be linted, lint first.
    if (!s || !this.findings.includes(finding) || this.view.state.doc.toString() !== this.lintedText) {
      this.relint();
      return;
    }
    this.view.dispatch({ changes: { from: s.from, to: s.to, insert: s.text }, userEvent: "input.suggestion" });
    this.relint();
  }

  private scheduleLink(): void {
    clearTimeout(this.linkTimer);
    this.shareInput.classList.add("pending");
    this.linkTimer = setTimeout(() => void this.writeLink(), LINK_DELAY_MS);
  }

  /** Writes the state into the address bar's `#code=…` (no new history entry) and the link box. */
  private async writeLink(): Promise<void> {
    const hash = await encodeState(this.state());
    if (hash !== location.hash) {
      this.writtenHash = hash;
      history.replaceState(null, "", hash);
    }
    this.shareInput.value = location.href;
    this.shareInput.classList.remove("pending");
  }

  private async copyLink(): Promise<void> {
    clearTimeout(this.linkTimer);
    await this.writeLink();
    this.shareInput.select();
    try {
      await navigator.clipboard.writeText(location.href);
      this.status.textContent = "Link copied";
    } catch {
      this.status.textContent = "Link selected: copy it from the box";
    }
  }

  /** A link pasted into the address bar of an open playground: load what it holds. */
  private async onHashChange(): Promise<void> {
    if (location.hash === this.writtenHash) return;
    const state = await decodeState(location.hash);
    if (!state) return;
    this.showSettings(state);
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: state.code } });
    this.showSettings(state);
    this.relint();
  }
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement("span");
  s.className = className;
  s.textContent = text;
  return s;
}

async function start(): Promise<void> {
  const state = (await decodeState(location.hash)) ?? defaultState();
  new Playground(state);
}

void start();
