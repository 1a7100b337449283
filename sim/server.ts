import { createServer } from "node:http";
import { createMallSim } from "./index";
import { ARRIVED_AT_HEADER } from "./traffic";

// Standalone mall simulator for `npm start` and the benchmarks: a plain Node HTTP server in
// front of the Hono apps. Listens on loopback only.

const port = Number(process.env.SIM_PORT ?? 8790);
const { app } = createMallSim();

const server = createServer(async (req, res) => {
  // When the request reached the simulator, before its body is read: the traffic recorder judges
  // the sender's pacing by arrival, and a large body read on a busy process must not shift it.
  const arrivedAt = Date.now();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    headers.set(ARRIVED_AT_HEADER, String(arrivedAt));
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
});
// Like the load balancers in front of real mall APIs (60–75 s), not Node's 5 s: a client's pooled
// connection closed after 5 s idle failed its next request with a reset, which a mall would not do.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, "127.0.0.1", () => console.log(`mall simulator on http://127.0.0.1:${port} (/rakuten /yahoo /amazon /shopify /base /aupay /colorme)`));
