import { readFileSync } from "node:fs";
import http from "node:http";

// What the benchmarks share: the operator token of the running `npm start`, and a plain keep-alive
// HTTP client (cheap on a machine shared with the server) that answers JSON or throws.

export function operatorToken(): string {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const m = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"));
  if (!m) throw new Error("OPERATOR_TOKEN not found in .dev.vars (run `npm start` first, or set OPERATOR_TOKEN)");
  return m[1];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

/**
 * One HTTP request. A keep-alive socket the server closed while it sat idle (Node's server does so
 * after 5 s; a loaded machine polls slower than that) fails the next request on it with
 * ECONNRESET before the server read anything: that request is sent again once, on a new socket.
 */
export async function request(base: URL, method: string, path: string, headers: Record<string, string>, payload?: string | Buffer, timeoutMs = 30_000): Promise<{ status: number; text: string }> {
  try {
    return await requestOnce(base, method, path, headers, payload, timeoutMs);
  } catch (e) {
    if ((e as { staleSocket?: boolean }).staleSocket) return requestOnce(base, method, path, headers, payload, timeoutMs);
    throw e;
  }
}

function requestOnce(base: URL, method: string, path: string, headers: Record<string, string>, payload: string | Buffer | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent, timeout: timeoutMs, headers: { ...headers, ...(payload ? { "content-length": Buffer.byteLength(payload) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", (e: NodeJS.ErrnoException) => reject(req.reusedSocket && e.code === "ECONNRESET" ? Object.assign(e, { staleSocket: true }) : e));
    req.end(payload);
  });
}

/** A JSON call; an answer of 300 or more throws with its status and the start of its body. */
export async function json(base: URL, method: string, path: string, headers: Record<string, string>, body?: unknown, timeoutMs?: number) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const res = await request(base, method, path, { ...headers, ...(payload ? { "content-type": "application/json" } : {}) }, payload, timeoutMs);
  let out: any = null;
  try {
    out = JSON.parse(res.text);
  } catch {}
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text.slice(0, 300)}`);
  return out;
}
