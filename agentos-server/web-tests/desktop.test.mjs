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

test("the app is drawn in the progress preview from its streamed components before it opens", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector("#status:has-text('connected')");
  await generate(page, "a stopwatch");
  const window = page.locator(".window", { hasText: "Stopwatch" });
  await window.waitFor();
  // The preview was assembled from `component` messages alone (children first, containers
  // after): it holds the same components, nested the same way, as the window that opened.
  const ids = (root) =>
    root.evaluate((element) =>
      [...element.querySelectorAll("[data-component-id]")].map((node) => {
        let depth = 0;
        for (let up = node.parentElement; up && up !== element; up = up.parentElement) {
          if (up.dataset.componentId) depth += 1;
        }
        return `${depth}:${node.dataset.componentId}`;
      }),
    );
  const drawn = await ids(page.locator("#progress-preview"));
  const opened = await ids(window.locator(".window-body"));
  assert.ok(drawn.length >= 3, `preview: ${drawn}`);
  assert.ok(drawn.some((entry) => !entry.startsWith("0:")), `nested components in ${drawn}`);
  assert.deepEqual(drawn, opened);
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

test("effects a tool returns are carried out by the view: an alert shows a toast", async () => {
  const blueprint = {
    app: { id: "greeter", name: "Greeter" },
    ui: { title: "Greeter", components: [
      { type: "button", id: "hello", props: { text: "Say hello" },
        on_event: { click: { tool: "system.alert", args: { message: "Hello from a tool" } } } },
    ] },
  };
  const response = await fetch(`${server.url}/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ blueprint }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const page = await browser.newPage();
  await page.goto(server.url);
  const window = page.locator(".window", { hasText: "Greeter" });
  await window.waitFor();
  await button(window, "Say hello").click();
  await page.locator(".toast", { hasText: "Hello from a tool" }).waitFor();
  await page.close();
});

test("two tabs stay in sync: an app launched and clicked in one appears and updates in the other", async () => {
  const first = await browser.newPage();
  const second = await browser.newPage();
  for (const page of [first, second]) {
    await page.goto(server.url);
    await page.waitForSelector("#status:has-text('connected')");
  }
  await generate(first, "a counter");
  const here = first.locator(".window", { hasText: "Counter" }).last();
  const there = second.locator(".window", { hasText: "Counter" }).last();
  await here.waitFor();
  await there.waitFor();
  await button(here, "+1").click();
  await button(here, "+1").click();
  await there.locator("[data-component-id='count']", { hasText: "2" }).waitFor();
  await here.locator("button[aria-label='Close Counter']").click();
  await second.waitForFunction(() => ![...document.querySelectorAll(".window")].some((w) => w.textContent.includes("Counter") && w.querySelector("[data-component-id='count']")?.textContent === "2"));
  await first.close();
  await second.close();
});
