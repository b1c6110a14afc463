import { expect, test, type Page } from '@playwright/test';
import { logIn, ready } from './support';

/**
 * Every page the navigation offers, as each role, in a browser running the islands: no
 * console error, no uncaught exception, no failed request, and no link that answers
 * 403 or 404 to the person it was shown to.
 */
test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'console errors need JavaScript');

const ROLES = [
  { role: 'secretariat', user: 'e2e-sec' },
  { role: 'bureau liaison', user: 'e2e-liaison' },
  { role: 'bureau approver', user: 'e2e-udd-boss' },
  { role: 'reviewer', user: 'e2e-rev' },
  { role: 'admin', user: 'e2e-admin' },
];

function watch(page: Page) {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()} on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught on ${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
  });
  return problems;
}

/** The same-site links on the page, without downloads and without the current page. */
async function linksOn(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('a[href^="/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs)].filter((h) => !h.startsWith('/files/'));
}

for (const { role, user } of ROLES) {
  test(`every page the ${role} can reach loads cleanly and offers no dead link`, async ({ page }) => {
    test.setTimeout(120_000);
    const problems = watch(page);
    await logIn(page, user);
    await ready(page);

    const nav = page.getByRole('navigation', { name: '主選單' });
    const pages = await nav.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(pages.length).toBeGreaterThan(1);
    // One case page too: the list's first case, as the role sees it.
    await page.goto('/cases');
    const firstCase = page.locator('table.case-table a').first();
    if (await firstCase.count()) pages.push((await firstCase.getAttribute('href')) ?? '/');

    const checked = new Map<string, number>();
    for (const href of pages) {
      const response = await page.goto(href);
      expect(response?.status(), `${href} as ${role}`).toBeLessThan(400);
      await ready(page);
      for (const link of await linksOn(page)) {
        if (checked.has(link)) continue;
        const answer = await page.request.get(link, { maxRedirects: 0 });
        checked.set(link, answer.status());
      }
    }
    const dead = [...checked].filter(([, status]) => status === 403 || status === 404);
    expect(dead, `links that refuse the ${role}`).toEqual([]);
    expect(checked.size).toBeGreaterThan(3);
    expect(problems).toEqual([]);
  });
}
