// A minimal external FrontendX agent in Node.js (see docs/external-agents.md).
//
// FrontendX starts Chromium and this process, and tells it by environment where everything
// is. The agent connects to the harness's browser over CDP, drives the sandbox's page (already
// in the episode's browser state: viewport, locale, signed-in role), and reports findings in
// the repro language by HTTP. It checks one thing: that a displayed "Total: N" equals the sum
// of the amounts listed on the page.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const env = process.env;
const task = JSON.parse(readFileSync(env.FRONTENDX_TASK_FILE, "utf8"));

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

// Count browser actions against the step budget (optional, but keeps usage honest).
const step = () => post(env.FRONTENDX_STEPS_URL, { n: 1 });

const browser = await chromium.connectOverCDP(env.FRONTENDX_CDP_URL);
// The sandbox's page is the one page of the browser when the agent starts. Pages opened
// elsewhere are still confined to the app's origin, but do not get the browser state.
const page = browser.contexts()[0].pages()[0];
console.log(`task ${task.kind} on ${env.FRONTENDX_APP_URL}, ${env.FRONTENDX_BUDGET_SECONDS}s`);

await step();
await page.goto(env.FRONTENDX_APP_URL + "/");
await page.locator("li").first().waitFor({ timeout: 5000 }).catch(() => {});

const items = await page.locator("li").allInnerTexts();
const amounts = items
  .map((text) => text.match(/(-?\d+(?:\.\d+)?)\s*$/))
  .filter(Boolean)
  .map((m) => Number(m[1]));
const total = page.getByText(/^Total:/);
const shown = (await total.count()) ? (await total.first().innerText()).trim() : null;
const sum = amounts.reduce((a, b) => a + b, 0);
console.log(`items ${JSON.stringify(items)}; shown ${shown}; sum ${sum}`);

const { body: answer } = await post(env.FRONTENDX_QUESTIONS_URL, {
  question: "What should the total at the bottom of the list show?",
});
console.log(`product owner: ${answer.answer}`);

if (shown !== null && amounts.length && shown !== `Total: ${sum}`) {
  const testId = await total.first().getAttribute("data-testid");
  const target = testId ? { test_id: testId } : { text: shown };
  const { status, body } = await post(env.FRONTENDX_FINDINGS_URL, {
    title: "Total does not match the listed amounts",
    description: `The list shows amounts ${amounts.join(", ")} but the page says "${shown}".`,
    steps: [
      { action: "goto", url: "/" },
      { action: "expect", condition: "text", target, text: `Total: ${sum}`, exact: true },
    ],
    expected: `Total: ${sum}`,
    actual: shown,
  });
  console.log(`reported: HTTP ${status} ${JSON.stringify(body)}`);
}

// Disconnect only: the browser belongs to FrontendX, which closes it.
await browser.close();
