// A classroom answering one task's survey: each student in a browser
// context of her own (Debian's Chromium, Playwright), ticking the choices of
// her line of the plan and sending; then the same browser tries again (the
// page, and a replayed post with its cookies). The form is also checked with
// axe (WCAG 2.1 A and AA) in each language, at phone width. Reads JSON on
// stdin, prints what was seen as JSON:
//
//   {"url": URL, "shots": DIR, "languages": ["fi", "sv", "en"],
//    "students": [{"role": "student", "feelings": ["hope"], "hear_more": "fully_agree",
//                  "helped_understand": "partly_agree", "what": {"role.other": "…"},
//                  "free_word": "…"}]}
//   -> {"languages": [{"lang", "status", "h1", "html_lang", "scripts", "violations"}],
//       "answers": [{"status", "h1", "again_h1", "again_text", "replay_status"}], "errors"}
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.KOKEMUS_NODE_TOOLS, 'package.json'));
const { chromium } = require('playwright-core');
const { default: AxeBuilder } = require('@axe-core/playwright');

const plan = JSON.parse(readFileSync(0, 'utf8'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const out = { languages: [], answers: [], errors: [] };
const phone = { viewport: { width: 390, height: 844 } };

async function checkLanguage(lang) {
  const context = await browser.newContext({ ...phone, locale: lang });
  const page = await context.newPage();
  const response = await page.goto(`${plan.url}?lang=${lang}`);
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  await page.screenshot({ path: join(plan.shots, `survey-${lang}.png`), fullPage: true });
  out.languages.push({
    lang,
    status: response.status(),
    h1: (await page.locator('h1').first().textContent()).trim(),
    html_lang: await page.locator('html').getAttribute('lang'),
    scripts: await page.locator('script').count(),
    violations: axe.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
  });
  await context.close();
}

async function answer(student, index) {
  const context = await browser.newContext({ ...phone, locale: 'fi-FI' });
  const page = await context.newPage();
  await page.goto(plan.url);
  for (const [question, chosen] of Object.entries(student)) {
    if (question === 'what' || question === 'free_word') continue;
    for (const option of [].concat(chosen)) await page.check(`#${question}-${option}`);
  }
  for (const [field, text] of Object.entries(student.what ?? {})) {
    await page.fill(`#${field.replace('.', '-')}-what`, text);
  }
  if (student.free_word) await page.fill('#free_word', student.free_word);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Lähetä vastaus', exact: true }).click(),
  ]);
  const seen = {
    index,
    status: response.status(),
    h1: (await page.locator('h1').first().textContent()).trim(),
  };
  if (index === 0) {
    await page.screenshot({ path: join(plan.shots, 'survey-thanks.png'), fullPage: true });
  }
  // The same browser again: the page says it has answered; a replayed post
  // with its cookies is refused.
  await page.goto(plan.url);
  seen.again_h1 = (await page.locator('h1').first().textContent()).trim();
  seen.again_text = (await page.locator('main').innerText()).slice(0, 300);
  const replay = await context.request.post(plan.url, {
    form: { role: 'student' },
    maxRedirects: 0,
  });
  seen.replay_status = replay.status();
  await context.close();
  return seen;
}

try {
  for (const lang of plan.languages) await checkLanguage(lang);
  // Ten students at a time, as a class would.
  for (let start = 0; start < plan.students.length; start += 10) {
    const batch = plan.students.slice(start, start + 10);
    out.answers.push(...(await Promise.all(batch.map((s, i) => answer(s, start + i)))));
  }
} catch (e) {
  out.errors.push(String(e.message ?? e).split('\n')[0]);
} finally {
  await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
}
process.stdout.write(JSON.stringify(out));
