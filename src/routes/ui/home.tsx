import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { Layout } from "../../views/layout";

export const homePage = new Hono<AppEnv>();

// Placeholder until the dashboard lands: says what Kura is and where the API lives.
homePage.get("/", (c) =>
  c.html(
    <Layout title="Kura 蔵 — 在庫連動">
      <h1>Kura 蔵</h1>
      <p>マルチモール在庫連動サービス。ダッシュボードは準備中です。</p>
      <p lang="en">Multi-channel inventory sync. The dashboard is on its way; the JSON API is live.</p>
      <ul>
        <li>
          <a href="/api/docs">API リファレンス</a> (<a href="/api/v1/openapi.json">OpenAPI 3.1</a>)
        </li>
      </ul>
    </Layout>,
  ),
);
