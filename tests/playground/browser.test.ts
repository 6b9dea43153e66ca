/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (The callbacks given to page.evaluate() and page.waitForFunction() run in the page.)
/**
 * The playground in a real browser: Debian's Chromium, driven by playwright-core. One build (into
 * .cache/playground-test/) and one browser launch for the file. The page is opened from disk
 * (file://, no server), a ❌ example is pasted, the findings list and the squiggle are checked, a
 * suggestion is applied, the compatibility date and flags are shown to reach the rule, and the link
 * the page writes is opened from the static server of `npm run playground`. A screenshot of the
 * squiggle's hover is written to .cache/playground.png for review.
 *
 * Without Chromium (CHROMIUM_PATH, /usr/bin/chromium, chromium or chromium-browser on the PATH) the
 * test is skipped, and its name says why; with PLAYGROUND_BROWSER_REQUIRED=1 (.ci/run sets it after
 * installing chromium) it fails instead.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Server } from "node:http";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

interface Build {
  outdir: string;
  page: string;
  bundleBytes: number;
  firstLintMs: number;
}
const { buildPlayground, readExamples } = (await import(pathToFileURL(path.join(root, "scripts/playground-build.js")).href)) as {
  buildPlayground(options: { outdir: string }): Promise<Build>;
  readExamples(): { rule: string; code: string }[];
};
const { serveStatic } = (await import(pathToFileURL(path.join(root, "scripts/playground.js")).href)) as {
  serveStatic(dir: string, port: number): Promise<{ server: Server; url: string }>;
};

/** The Chromium to drive: CHROMIUM_PATH, Debian's /usr/bin/chromium, or one on the PATH. */
function findChromium(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env) return fs.existsSync(env) ? env : undefined;
  if (fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  for (const name of ["chromium", "chromium-browser"]) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

const CHROMIUM = findChromium();
const REQUIRED = process.env.PLAYGROUND_BROWSER_REQUIRED === "1";
const NO_BROWSER = process.env.CHROMIUM_PATH
  ? `no Chromium at CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`
  : "no Chromium found (no CHROMIUM_PATH, no /usr/bin/chromium, no chromium or chromium-browser on the PATH): apt-get install chromium";

/** The flags the machine needs: no sandbox as root, no GPU, and no connection attempts of its own. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A ❌ example in the test's own words: a storage read used without `await`. */
const UNAWAITED = `import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async fetch(): Promise<Response> {
    const count = this.ctx.storage.get<number>("count");
    return new Response(String(count));
  }
}
`;

/** A class that uses alarms and empties its storage: what `deleteAll()` does depends on the compatibility settings. */
const DELETE_ALL = `import { DurableObject } from "cloudflare:workers";

export class Session extends DurableObject {
  async start(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + 60_000);
  }

  async end(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
`;

const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
/** Where a rule's docs link points: its page at this version's tag (meta.docs.url). */
const DOCS = `https://github.com/eslint-plugin-durable-objects/eslint-plugin-durable-objects/blob/v${version}/docs/rules`;

/** The editor's text as the page shows it, line by line. */
const editorText = (page: Page): Promise<string> =>
  page.$$eval(".cm-content .cm-line", (lines) => lines.map((l) => l.textContent ?? "").join("\n"));

/** Each item of the findings list: position, message, rule link and its address, suggestion buttons. */
const findings = (page: Page) =>
  page.$$eval("#findings li", (items) =>
    items.map((li) => ({
      at: li.querySelector(".position")?.textContent,
      message: li.querySelector(".message")?.textContent,
      rule: li.querySelector("a.rule")?.textContent,
      href: li.querySelector("a.rule")?.getAttribute("href"),
      suggestions: [...li.querySelectorAll("button.suggestion")].map((b) => b.textContent),
    })),
  );

/** Replaces the editor's text the way a user's paste does: select all, then a `paste` event with the text. */
async function paste(page: Page, text: string): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData("text/plain", t);
    document
      .querySelector(".cm-content")!
      .dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** Waits until the page has linted its current text (no lint pending) and the status line starts with `status`. */
async function linted(page: Page, status: string): Promise<void> {
  await page.waitForFunction((s) => {
    const line = document.getElementById("status");
    return line && !line.classList.contains("pending") && line.textContent?.startsWith(s);
  }, status);
}

async function setInput(page: Page, selector: string, value: string): Promise<void> {
  await page.fill(selector, value);
  await page.dispatchEvent(selector, "change");
}

if (!CHROMIUM) {
  if (REQUIRED) {
    it("the playground in a real browser", () => {
      throw new Error(`PLAYGROUND_BROWSER_REQUIRED=1, but ${NO_BROWSER}`);
    });
  } else {
    console.warn(`tests/playground/browser.test.ts: skipped, ${NO_BROWSER}`);
    it.skip(`the playground in a real browser: skipped, ${NO_BROWSER}`, () => {});
  }
} else {
  describe("the playground in Chromium", () => {
    let build: Build;
    let context: BrowserContext;
    let page: Page;
    let server: Server;
    let serverUrl: string;
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "do-playground-chromium-"));
    const pageErrors: string[] = [];

    beforeAll(async () => {
      build = await buildPlayground({ outdir: path.join(root, ".cache/playground-test") });
      ({ server, url: serverUrl } = await serveStatic(build.outdir, 0));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 800 },
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on("pageerror", (e) => pageErrors.push(e.message));
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      server?.close();
      fs.rmSync(profile, { recursive: true, force: true });
    });

    it("opens from disk with the ❌ example of the default rule, from its docs page", async () => {
      expect(build.page.startsWith("file://")).toBe(true);
      await page.goto(build.page);
      await linted(page, "1 finding");
      const example = readExamples().find((e) => e.rule === "no-unsafe-read-modify-write");
      expect(await page.inputValue("#rule")).toBe("no-unsafe-read-modify-write");
      expect(await editorText(page)).toBe(example?.code);
      expect((await findings(page)).map((f) => f.rule)).toEqual(["durable-objects/no-unsafe-read-modify-write"]);
      const first = await page.textContent("#status");
      console.log(
        `playground: bundle ${(build.bundleBytes / 1024).toFixed(0)} KiB; first lint ${first?.split("first lint ")[1]} in Chromium`,
      );
    });

    it("lists the findings of pasted code, with the rule's docs link and its suggestion", async () => {
      await paste(page, UNAWAITED);
      await linted(page, "1 finding");
      expect(await editorText(page)).toBe(UNAWAITED);
      expect(await page.inputValue("#rule")).toBe("");
      expect(await findings(page)).toEqual([
        {
          at: "6:32",
          message: '`get()` returns a Promise, and `String()` turns it into the string "[object Promise]", not its value. `await` it.',
          rule: "durable-objects/no-unawaited-storage-read",
          href: `${DOCS}/no-unawaited-storage-read.md`,
          suggestions: ["Await `get()`"],
        },
      ]);
    });

    it("underlines the reported range, with the message on hover", async () => {
      const squiggle = page.locator(".cm-lintRange-error");
      await expect.poll(() => squiggle.allTextContents()).toEqual(["count"]);
      await squiggle.hover();
      const tooltip = page.locator(".cm-tooltip-lint .cm-diagnosticText");
      await tooltip.waitFor();
      expect(await tooltip.textContent()).toBe(
        '`get()` returns a Promise, and `String()` turns it into the string "[object Promise]", not its value. `await` it.',
      );
      fs.mkdirSync(path.join(root, ".cache"), { recursive: true });
      await page.screenshot({ path: path.join(root, ".cache/playground.png") });
    });

    it("applies a suggestion in the editor, and the finding is gone", async () => {
      await page.mouse.move(0, 0);
      await page.click("button.suggestion:text-is('Await `get()`')");
      await linted(page, "No findings");
      expect(await editorText(page)).toBe(
        `import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async fetch(): Promise<Response> {
    const count = await this.ctx.storage.get<number>("count");
    return new Response(String(count));
  }
}
`,
      );
      expect(await findings(page)).toEqual([]);
      expect(await page.locator(".cm-lintRange").count()).toBe(0);
    });

    it("passes the compatibility date and flags to the rules as a wrangler config would give them", async () => {
      await paste(page, DELETE_ALL);
      await linted(page, "1 finding");
      expect((await findings(page)).map((f) => f.message)).toEqual([
        "No compatibility date (no wrangler config, no `compatibilityDate` option): before 2026-02-24, `deleteAll()` leaves the alarm set. Call `deleteAlarm()` too.",
      ]);
      await setInput(page, "#compat-date", "2025-01-01");
      await linted(page, "1 finding");
      expect((await findings(page)).map((f) => f.message)).toEqual([
        "At compatibility date 2025-01-01 (from the `compatibilityDate` option), `deleteAll()` leaves the alarm set, so `alarm()` fires on the emptied object. Call `deleteAlarm()` too.",
      ]);
      await setInput(page, "#compat-flags", "nodejs_compat, delete_all_deletes_alarm");
      await linted(page, "No findings");
      await setInput(page, "#compat-date", "2025-02-30");
      await linted(page, "Configuration error");
      expect((await findings(page)).map((f) => f.message)).toEqual([
        'The compatibility date "2025-02-30" is not a day of the calendar: write it YYYY-MM-DD.',
      ]);
      await setInput(page, "#compat-date", "2025-01-01");
      await page.selectOption("#config", "strict");
      await linted(page, "No findings");
    });

    it("writes a #code= link that brings the code and the settings back", async () => {
      // The link is written once the page has been still for a moment.
      await page.waitForFunction(() => {
        const box = document.getElementById("share-url") as HTMLInputElement;
        return !box.classList.contains("pending") && box.value === location.href;
      });
      const link = await page.inputValue("#share-url");
      expect(link.startsWith(`${build.page}#code=`)).toBe(true);
      const shared = await context.newPage();
      shared.on("pageerror", (e) => pageErrors.push(e.message));
      // The same link on the static server of `npm run playground`.
      await shared.goto(serverUrl + link.slice(link.indexOf("#")));
      await linted(shared, "No findings");
      expect(await editorText(shared)).toBe(DELETE_ALL);
      expect(await shared.inputValue("#config")).toBe("strict");
      expect(await shared.inputValue("#compat-date")).toBe("2025-01-01");
      expect(await shared.inputValue("#compat-flags")).toBe("nodejs_compat, delete_all_deletes_alarm");
      await shared.close();
      expect(pageErrors).toEqual([]);
    });
  });
}
