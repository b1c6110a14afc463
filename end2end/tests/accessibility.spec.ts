import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { logIn, ready } from './support';

/**
 * Every page the navigation offers, as each role, on a desktop and a phone: no WCAG 2.1
 * A or AA violation that axe-core finds (the national accessibility standard follows
 * WCAG), and on the phone nothing that scrolls sideways. axe runs in the page, so this
 * runs where JavaScript does.
 */
test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'axe runs in the page');

const ROLES = ['e2e-sec', 'e2e-liaison', 'e2e-udd-boss', 'e2e-rev', 'e2e-admin'];
const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map(
    (v) => `${page.url()} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`,
  );
}

for (const size of SIZES) {
  for (const user of ROLES) {
    test(`every page ${user} reaches passes axe on a ${size.name}`, async ({ browser }) => {
      test.setTimeout(180_000);
      const context = await browser.newContext({ viewport: size.viewport, locale: 'zh-TW' });
      const page = await context.newPage();
      await page.goto('/login');
      const found = await violations(page);
      await logIn(page, user);
      await ready(page);
      // By its markup: on a phone the menu is folded away (and so not in the a11y tree).
      const pages = await page
        .locator('nav[aria-label="主選單"] a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(pages.length).toBeGreaterThan(1);
      // The pages every role shares look the same to each: checked once, as the secretariat.
      if (user === 'e2e-sec') pages.push('/notifications', '/account/password');
      await page.goto('/cases');
      const firstCase = page.locator('table.case-table a').first();
      if (await firstCase.count()) pages.push((await firstCase.getAttribute('href')) ?? '/');
      for (const href of new Set(pages)) {
        await page.goto(href);
        await ready(page);
        found.push(...(await violations(page)));
        if (size.name === 'phone') {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 0) found.push(`${href} scrolls ${overflow} px sideways`);
        }
      }
      if (size.name === 'phone') {
        // And with the menu open.
        await page.getByText('選單', { exact: true }).click();
        found.push(...(await violations(page)));
      }
      expect(found).toEqual([]);
      await context.close();
    });
  }
}
