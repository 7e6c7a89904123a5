// The web desktop in a real browser: generate apps from the prompt bar and use them by clicking.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";

import { startServer } from "./server.mjs";
import { launchBrowser } from "./browser.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function generate(page, request) {
  await page.fill("#prompt-input", request);
  await page.click("#prompt-go");
}

function button(window, label) {
  return window.locator("button.c-button", { hasText: label }).first();
}

test("generate a calculator and compute 7 + 3 = 10 by clicking", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector("#status:has-text('connected')");
  await generate(page, "a calculator");
  const window = page.locator(".window", { hasText: "Calculator" });
  await window.waitFor();
  for (const label of ["7", "+", "3", "="]) {
    await button(window, label).click();
  }
  const display = window.locator("[data-component-id='display']");
  await page.waitForFunction((input) => input.value === "10", await display.elementHandle(), { timeout: 5000 });
  assert.equal(await display.inputValue(), "10");
  await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR || os.tmpdir(), "agentos-desktop-calculator.png") });
  await page.close();
});

test("a todo list adds typed items and reloading the page restores running apps", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector("#status:has-text('connected')");
  await generate(page, "my todo list");
  const window = page.locator(".window", { hasText: "Todo List" });
  await window.waitFor();
  // Typing is debounced, but a click flushes pending changes first, in order.
  await window.locator("[data-component-id='task-input']").fill("buy milk");
  await button(window, "Add").click();
  await window.locator(".c-list li", { hasText: "buy milk" }).waitFor();
  assert.equal(await window.locator("[data-component-id='task-input']").inputValue(), "");

  await page.reload();
  await page.locator(".window", { hasText: "Todo List" }).locator(".c-list li", { hasText: "buy milk" }).waitFor();
  await page.close();
});
