/**
 * A minimal JSON-RPC 2.0 client over a child process's stdio with LSP's `Content-Length` framing:
 * enough to drive a language server from a test. Server-to-client requests are answered by
 * `onRequest` (or with `null`); every request has a time limit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

type Json = unknown;
interface Message {
  jsonrpc: "2.0";
  id?: number | string;
  method?: string;
  params?: Json;
  result?: Json;
  error?: { code: number; message: string; data?: Json };
}

export type RequestHandler = (method: string, params: Json) => Json | Promise<Json>;

export class LspClient {
  readonly process: ChildProcessWithoutNullStreams;
  /** Notifications the server sent, in order. */
  readonly notifications: { method: string; params: Json }[] = [];
  /** Requests the server sent, in order. */
  readonly serverRequests: { method: string; params: Json }[] = [];
  /** The server's stderr, for failure messages. */
  stderr = "";
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private exited = false;

  constructor(
    command: string,
    args: string[],
    cwd: string,
    private readonly onRequest: RequestHandler = () => null,
  ) {
    this.process = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.process.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.process.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    this.process.on("exit", (code, signal) => {
      this.exited = true;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`language server exited (${code ?? signal}) with requests pending\n${this.stderr}`));
      }
      this.pending.clear();
    });
  }

  request<T = Json>(method: string, params: Json, timeoutMs = 20_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.exited) return reject(new Error(`language server has exited; cannot send ${method}`));
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} got no answer within ${timeoutMs} ms\n${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: Json) => void, reject, timer });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method: string, params: Json): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** `shutdown` + `exit`; kills the process if it is still there after `graceMs`. */
  async close(graceMs = 2_000): Promise<void> {
    if (this.exited) return;
    try {
      await this.request("shutdown", null, graceMs);
      this.notify("exit", null);
    } catch {
      // killed below
    }
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.process.kill("SIGKILL");
        resolve();
      }, graceMs);
      this.process.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.process.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.process.stdin.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString("ascii");
      const match = /^Content-Length: *(\d+)$/im.exec(header);
      if (!match) throw new Error(`bad LSP header: ${header}`);
      const length = Number(match[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString("utf8");
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server.
      const { id, method, params } = message;
      this.serverRequests.push({ method, params });
      Promise.resolve()
        .then(() => this.onRequest(method, params))
        .then(
          (result) => this.send({ jsonrpc: "2.0", id, result: result ?? null }),
          (error: Error) => this.send({ jsonrpc: "2.0", id, error: { code: -32603, message: String(error?.message ?? error) } }),
        );
    } else if (message.method !== undefined) {
      this.notifications.push({ method: message.method, params: message.params });
    } else if (typeof message.id === "number") {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.error) p.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else p.resolve(message.result ?? null);
    }
  }
}
