import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

// Debian's Chromium driven by playwright-core (no bundled browser download), against the running
// Kura that scripts/e2e.mjs started. Screenshots go to test-results/ (git-ignored): look at them.

export const BASE = process.env.KURA_BASE ?? "http://127.0.0.1:8787";
export const SHOTS = path.resolve("test-results");

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
}

export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export async function logIn(page: Page, email: string, password: string) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel(/メールアドレス|E-mail/).fill(email);
  await page.getByLabel(/^パスワード$|^Password$/).fill(password);
  await page.getByRole("button", { name: /ログイン|Log in/ }).click();
  await page.waitForURL(/\/products/);
}
