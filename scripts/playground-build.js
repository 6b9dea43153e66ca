// `node scripts/playground-build.js [outdir]`: builds the playground (playground/) into `outdir`
// (default playground/dist/): index.html, style.css and playground.js, one classic script that
// bundles ESLint's browser `Linter`, @typescript-eslint/parser, CodeMirror and the plugin from src/,
// so the page works opened from disk or from any static host. Prints the bundle's size and the time
// of its first lint (the default example, measured in Node on the same bundled code).
//
// The plugin's Node-only parts get browser stand-ins (playground/shims/): `node:fs` has no files, so
// the wrangler lookup finds no config; `node:module`'s `createRequire` answers the package.json
// read with the name and version of package.json; `node:path` is POSIX with `/` as the working
// directory. The rules' ❌ examples come from docs/rules/*.md (the first `<!-- example: incorrect -->`
// block of each page).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import zlib from "node:zlib";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const playground = path.join(root, "playground");
const shims = path.join(playground, "shims");
export const DEFAULT_OUTDIR = path.join(playground, "dist");
/** The example whose first lint the build times: the page's default. */
const MEASURED_RULE = "no-unsafe-read-modify-write";

/** Each rule's first ❌ example, from its docs page, in the order of the file names. */
export function readExamples(docsDir = path.join(root, "docs/rules")) {
  const out = [];
  for (const file of fs
    .readdirSync(docsDir)
    .filter((f) => f.endsWith(".md"))
    .sort()) {
    const page = fs.readFileSync(path.join(docsDir, file), "utf8");
    const block = /<!-- example: incorrect -->\n```ts\n([\s\S]*?)\n```\n/.exec(page);
    if (!block) continue;
    out.push({
      rule: file.slice(0, -".md".length),
      code: `${block[1]}\n`,
      needsWranglerConfig: page.includes("<!-- test: wrangler-config -->"),
    });
  }
  return out;
}

/** What the first-lint measurement's context has of the host's globals: only what a page has too. */
const PAGE_GLOBALS = [
  "console",
  "performance",
  "TextEncoder",
  "TextDecoder",
  "URL",
  "structuredClone",
  "setTimeout",
  "clearTimeout",
  "queueMicrotask",
];

/** Which stand-in each Node-only import of the bundle gets. */
const SHIMMED = new Map([
  ["node:fs", "fs.ts"],
  ["fs", "fs.ts"],
  ["node:path", "path.ts"],
  ["path", "path.ts"],
  ["node:module", "module.ts"],
  ["eslint", "eslint.ts"],
  ["eslint/use-at-your-own-risk", "eslint.ts"],
  ["node:util", "empty.ts"],
  ["os", "empty.ts"],
  ["crypto", "empty.ts"],
  ["url", "empty.ts"],
]);

function playgroundPlugin(examples) {
  return {
    name: "playground",
    setup(build) {
      const filter = new RegExp(`^(?:${[...SHIMMED.keys()].map((k) => k.replace(/[/.]/g, "\\$&")).join("|")})$`);
      build.onResolve({ filter }, (args) => {
        // The shim for `eslint` imports the real `eslint/universal`, which is not shimmed.
        return { path: path.join(shims, SHIMMED.get(args.path)) };
      });
      // ESLint's ~300 core rules (a tenth of the bundle): the page turns on only the plugin's.
      build.onResolve({ filter: /^\.\.\/rules$/ }, (args) =>
        args.importer.endsWith(path.join("eslint", "lib", "config", "default-config.js"))
          ? { path: "no-core-rules", namespace: "playground" }
          : undefined,
      );
      build.onResolve({ filter: /^playground:examples$/ }, () => ({ path: "examples", namespace: "playground" }));
      build.onLoad({ filter: /.*/, namespace: "playground" }, (args) =>
        args.path === "no-core-rules"
          ? { contents: "module.exports = new Map();", loader: "js" }
          : { contents: JSON.stringify(examples), loader: "json" },
      );
    },
  };
}

/** Builds the page into `outdir`; returns the files written, the bundle's sizes and the first-lint time. */
export async function buildPlayground({ outdir = DEFAULT_OUTDIR } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const examples = readExamples();
  const started = performance.now();
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { playground: path.join(playground, "src/main.ts"), measure: path.join(playground, "src/measure.ts") },
    outdir,
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    inject: [path.join(shims, "process.ts")],
    define: {
      __PLAYGROUND_PACKAGE__: JSON.stringify({ name: pkg.name, version: pkg.version }),
      // src/create-rule.ts passes it to `createRequire`, whose stand-in does not read it.
      "import.meta.url": JSON.stringify("playground:create-rule"),
    },
    plugins: [playgroundPlugin(examples)],
  });
  const buildMs = performance.now() - started;
  const bundle = result.outputFiles.find((f) => path.basename(f.path) === "playground.js");
  const measure = result.outputFiles.find((f) => path.basename(f.path) === "measure.js");

  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, "playground.js"), bundle.contents);
  for (const file of ["index.html", "style.css"]) fs.copyFileSync(path.join(playground, file), path.join(outdir, file));

  // The first lint, on the bundled code, in a context with only what a page has of the built-ins.
  const context = vm.createContext(Object.fromEntries(PAGE_GLOBALS.map((name) => [name, globalThis[name]])));
  vm.runInContext(measure.text, context, { filename: "measure.js" });
  const first = context.playgroundMeasure(MEASURED_RULE);

  return {
    outdir,
    page: pathToFileURL(path.join(outdir, "index.html")).href,
    bundleBytes: bundle.contents.length,
    gzipBytes: zlib.gzipSync(bundle.contents).length,
    buildMs,
    firstLintMs: first.ms,
    firstLintFindings: first.findings,
    examples: examples.length,
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

/** The lines the build prints. */
export function describeBuild(b) {
  return [
    `playground: built ${path.relative(process.cwd(), b.outdir) || "."}/ in ${b.buildMs.toFixed(0)} ms (${b.examples} rule examples)`,
    `playground: bundle playground.js ${kb(b.bundleBytes)} (${kb(b.gzipBytes)} gzipped)`,
    `playground: first lint ${b.firstLintMs.toFixed(0)} ms (${MEASURED_RULE} example, ${b.firstLintFindings} findings, in Node)`,
  ].join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUTDIR;
  const b = await buildPlayground({ outdir });
  console.log(describeBuild(b));
  console.log(`playground: open ${b.page}`);
}
