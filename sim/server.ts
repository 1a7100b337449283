import { createServer } from "node:http";
import { createMallSim } from "./index";

// Standalone mall simulator for `npm start` and the benchmarks: a plain Node HTTP server in
// front of the Hono apps. Listens on loopback only.

const port = Number(process.env.SIM_PORT ?? 8790);
const { app } = createMallSim();

createServer(async (req, res) => {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await app.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (err) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(err));
  }
}).listen(port, "127.0.0.1", () => console.log(`mall simulator on http://127.0.0.1:${port} (/rakuten /yahoo /amazon /shopify /base)`));
