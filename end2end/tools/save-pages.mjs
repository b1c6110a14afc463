// Saves the HTML of every page the navigation offers, as each role, to the folder named
// by the first argument, for the Nu HTML Checker (scripts/check-html). Pages are fetched
// as the server sends them (not as a browser re-serialises them).
import { chromium } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const [dir, base] = process.argv.slice(2);
const ROLES = ['e2e-sec', 'e2e-liaison', 'e2e-udd-boss', 'e2e-rev', 'e2e-admin'];
const DOWNLOADS = /^\/files\/|\.(csv|odt|pdf|xlsx)(\?|$)/;

/** What the framework writes that the checker refuses; the app's own markup stays. */
function withoutFrameworkMarks(html) {
  // Leptos appends its resolved-resource scripts after </html> (a fatal error for the
  // checker, which then stops reading) and marks empty views with <!> (a bogus comment).
  const end = html.lastIndexOf('</html>');
  return (end >= 0 ? html.slice(0, end + 7) : html).replaceAll('<!>', '');
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
let saved = 0;
const save = (name, html) => {
  fs.writeFileSync(path.join(dir, `${name}.html`), withoutFrameworkMarks(html));
  saved += 1;
};
const anonymous = await browser.newContext({ javaScriptEnabled: false, baseURL: base });
save('login', await (await anonymous.request.get('/login')).text());
for (const user of ROLES) {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: base });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('帳號').fill(user);
  await page.getByLabel('密碼').fill('e2e 測試密碼 2024');
  await page.getByRole('button', { name: '登入' }).click();
  await page.waitForURL(`${base}/`);
  const hrefs = new Set(await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
  await page.goto('/cases');
  for (const a of await page.locator('table.case-table a').all()) hrefs.add(await a.getAttribute('href'));
  let n = 0;
  for (const href of hrefs) {
    if (!href || DOWNLOADS.test(href)) continue;
    const answer = await page.request.get(href);
    if (!(answer.headers()['content-type'] ?? '').includes('text/html')) continue;
    save(`${user}-${String(n++).padStart(3, '0')}`, `<!-- ${href} -->\n${await answer.text()}`);
  }
  await context.close();
}
await browser.close();
console.log(`${saved} pages saved`);
