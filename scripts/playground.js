// `npm run playground [-- --port=N]`: builds the playground into playground/dist/ and serves it on
// http://127.0.0.1:<port>/ (default 4173, or the next free port) until stopped with Ctrl-C. The
// page needs no server: playground/dist/index.html also works opened from disk, and the folder can
// be put on any static host. `serveStatic()` is the server, also used by the browser test.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_OUTDIR, buildPlayground, describeBuild } from "./playground-build.js";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".json": "application/json",
};

/** A handler that serves the files of `dir` (GET and HEAD; `/` is index.html; nothing outside `dir`). */
export function staticHandler(dir) {
  const base = path.resolve(dir);
  return (req, res) => {
    const send = (status, body, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "bad request\n");
    }
    const file = path.resolve(base, `.${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`);
    if (file !== base && !file.startsWith(base + path.sep)) return send(404, "not found\n");
    fs.readFile(file, (error, body) => {
      if (error) return send(404, "not found\n");
      send(200, body, TYPES[path.extname(file)] ?? "application/octet-stream");
    });
  };
}

/**
 * Serves `dir` on 127.0.0.1, from `port` on (the next port when one is taken, up to 20 tries; 0
 * takes any free port). Resolves to the server and its URL.
 */
export function serveStatic(dir, port = 4173) {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const server = http.createServer(staticHandler(dir));
    server.on("error", (error) => {
      if (error.code === "EADDRINUSE" && port !== 0 && ++tries < 20) server.listen(++port, "127.0.0.1");
      else reject(error);
    });
    server.on("listening", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
    server.listen(port, "127.0.0.1");
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv.find((a) => a.startsWith("--port="));
  const port = arg ? Number(arg.slice("--port=".length)) : 4173;
  const build = await buildPlayground({ outdir: DEFAULT_OUTDIR });
  console.log(describeBuild(build));
  const { url } = await serveStatic(DEFAULT_OUTDIR, port);
  console.log(`playground: serving ${path.relative(process.cwd(), DEFAULT_OUTDIR)}/ at ${url} (Ctrl-C stops it)`);
}
