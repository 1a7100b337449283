// Routes an adapter's outbound fetch into an in-process simulator app: the adapter builds real
// HTTP requests in the mall's documented shape and the simulator answers them as the mall would.
export function fetchVia(app: { fetch: (req: Request) => Response | Promise<Response> }): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) =>
    app.fetch(new Request(input as RequestInfo, init))) as typeof fetch;
}
