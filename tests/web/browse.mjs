// A person at a browser: Debian's Chromium driven by Playwright
// (playwright-core, no browser download), with axe checking every page
// against WCAG 2.1 A and AA. Reads a scenario as JSON on stdin and prints
// what was seen as JSON on stdout, for the C++ test to assert on:
//
//   {"steps": [{"goto": URL} | {"click": ROLE_NAME, "role": "button"|"link"}
//              | {"fill": LABEL, "value": V} | {"tick": LABEL, "in": GROUP} | {"check": true}
//              | {"shot": NAME} | {"width": 390} | {"cookies": true}
//              | {"setcookie": VALUE, "url": BASE}
//              | {"post": URL, "form": {...}, "csrf": true} | {"fetch": URL}], "shots": DIR}
//   -> {"pages": [{"url", "status", "title", "h1", "flash", "text", "lang", "bytes", "scripts",
//                  "violations": [{"id", "impact", "nodes"}]}], "cookies": [...]}
//
// Every "check" records the page (and its axe violations); "shot" saves a
// PNG (phone width unless "width" says otherwise).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.KOKEMUS_NODE_TOOLS, 'package.json'));
const { chromium } = require('playwright-core');
const { default: AxeBuilder } = require('@axe-core/playwright');

const scenario = JSON.parse(readFileSync(0, 'utf8'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({
  viewport: { width: 390, height: 844 },
  // The pages have no script (their CSP allows none; "scripts" below counts
  // them), so they work the same with JavaScript off; it stays on for axe,
  // which runs in the page.
  javaScriptEnabled: true,
  locale: scenario.locale ?? 'fi-FI',
});
const page = await context.newPage();
const out = { pages: [], cookies: [], errors: [] };
let last = null;
page.on('response', (r) => {
  if (r.request().isNavigationRequest()) last = r;
});
try {
  for (const step of scenario.steps) {
    if (step.goto) {
      await page.goto(step.goto);
    } else if (step.click) {
      await page.getByRole(step.role ?? 'button', { name: step.click, exact: true }).first().click();
      await page.waitForLoadState('load');
    } else if (step.fill) {
      await page.getByLabel(step.fill, { exact: true }).fill(step.value);
    } else if (step.tick) {
      // "in": the label within the group (fieldset) of that name, for scales.
      const scope = step.in ? page.getByRole('group', { name: step.in, exact: true }) : page;
      await scope.getByLabel(step.tick, { exact: true }).check();
    } else if (step.width) {
      await page.setViewportSize({ width: step.width, height: step.width > 600 ? 900 : 844 });
    } else if (step.shot) {
      await page.screenshot({ path: join(scenario.shots, `${step.shot}.png`), fullPage: true });
    } else if (step.post) {
      // A form post made by a script with the browser's cookies: without the
      // page's CSRF token, or ("csrf": true) with it.
      const form = { ...step.form };
      if (step.csrf) form.csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
      const r = await context.request.post(step.post, { form, maxRedirects: 0 });
      out.pages.push({ url: step.post, status: r.status(), text: (await r.text()).slice(0, 2000) });
    } else if (step.fetch) {
      // A download with the browser's cookies (a PDF): its status, type and first bytes.
      const r = await context.request.get(step.fetch, { maxRedirects: 0 });
      const body = await r.body();
      out.pages.push({
        url: step.fetch,
        status: r.status(),
        type: r.headers()['content-type'],
        head: body.subarray(0, 5).toString('latin1'),
        bytes: body.length,
      });
    } else if (step.setcookie) {
      // A cookie the browser did not get from the server (a tampered session).
      await context.addCookies([{ name: 'kokemus_session', value: step.setcookie, url: step.url }]);
    } else if (step.cookies) {
      out.cookies = await context.cookies();
    } else if (step.check) {
      const axe = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      const flash = page.locator('.flash');
      out.pages.push({
        url: page.url(),
        status: last ? last.status() : 0,
        title: await page.title(),
        lang: await page.locator('html').getAttribute('lang'),
        h1: (await page.locator('h1').first().textContent())?.trim() ?? '',
        flash: (await flash.count()) ? (await flash.first().textContent()).trim() : '',
        text: (await page.locator('main').innerText()).slice(0, 4000),
        bytes: (await last?.body())?.length ?? 0,
        scripts: await page.locator('script').count(),
        violations: axe.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
      });
    }
  }
} catch (e) {
  out.errors.push(String(e.message ?? e).split('\n')[0]);
} finally {
  await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
}
process.stdout.write(JSON.stringify(out));
