import { expect, test } from '@playwright/test';
import { fillQuestion, freshNumber, logIn, ready, todayRoc } from './support';

/**
 * The traps of a day at the desk, each walked as the office meets it, with and without
 * JavaScript: Enter saves the question, dates typed as document systems write them are
 * read, a bureau that hands a case back is told so, a one-case status link is picked from
 * the councilor's own cases and a refused form keeps what was chosen.
 */

test('Enter in the question form records the question, with the date typed as 1151201', async ({ page }, info) => {
  const js = info.project.name !== 'no-js';
  await logIn(page, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await page.goto('/cases/new/question');
  await ready(page, js);
  const form = page.getByRole('form', { name: '登錄質詢' });
  const date = form.getByLabel('質詢日期');
  await expect(date).toHaveAttribute('placeholder', todayRoc());
  const topic = `按 Enter 登錄 ${freshNumber()}`;
  await fillQuestion(page, topic);
  await date.fill(todayRoc().replaceAll('/', ''));
  await form.getByLabel('質詢議題').press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(topic);
  await expect(page.getByText(todayRoc()).first()).toBeVisible();
});

test('a bureau that hands an assignment back lands on its start page, told what happened', async ({ page, browser }, info) => {
  const js = info.project.name !== 'no-js';
  // The secretariat assigns a question to 工務局, which finds it is not its remit.
  const sec = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-TW' });
  const desk = await sec.newPage();
  await logIn(desk, 'e2e-sec');
  await desk.goto('/cases/new/question');
  const topic = `非本局權責 ${freshNumber()}`;
  await fillQuestion(desk, topic);
  await desk.getByRole('button', { name: '登錄', exact: true }).click();
  await expect(desk.getByRole('heading', { level: 1 })).toContainText(topic);
  const assigned = new URL(desk.url()).pathname;
  const assign = desk.getByRole('form', { name: '分派' });
  await assign.getByLabel('主辦機關').selectOption({ label: '工務局' });
  await assign.getByRole('button', { name: '分派' }).click();
  await expect(desk.getByText('待局處接受', { exact: true })).toBeVisible();
  await sec.close();

  await logIn(page, 'e2e-pwd');
  await page.goto(assigned);
  await ready(page, js);
  const reject = page.getByRole('form', { name: '退回分派' });
  await reject.getByLabel('退回理由').fill('人行道養護屬交通局權責。');
  await reject.getByLabel('建議改由').selectOption({ label: '交通局' });
  await reject.getByRole('button', { name: '退回分派' }).click();
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '已退回分派' })).toBeVisible();
  await expect(page.getByText('找不到')).toHaveCount(0);
});

test('a one-case status link is picked from the councilor’s cases, and a refused form keeps the choice', async ({ page }, info) => {
  const js = info.project.name !== 'no-js';
  await logIn(page, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await page.goto('/links');
  const choose = page.getByRole('form', { name: '選擇議員' });
  await choose.getByLabel('議員').selectOption({ label: '林雨彤' });
  await choose.getByRole('button', { name: '選擇議員' }).click();

  const form = page.getByRole('form', { name: '建立狀態連結' });
  await expect(form.getByText('林雨彤')).toBeVisible();
  const scope = form.getByLabel('範圍');
  const one = await scope.locator('option', { hasText: '質詢 第 13 號' }).getAttribute('value');
  await scope.selectOption(one!);
  await form.getByLabel('到期日（選填）').fill('100/01/01');
  await form.getByRole('button', { name: '建立連結' }).click();

  // Refused: the same councilor and case stay chosen, the typed day stays.
  await expect(page.getByRole('alert')).toContainText('到期日不能早於今天。');
  await expect(form.getByText('林雨彤')).toBeVisible();
  await expect(scope).toHaveValue(one!);
  await expect(form.getByLabel('到期日（選填）')).toHaveValue('100/01/01');

  await form.getByLabel('到期日（選填）').fill('');
  await form.getByRole('button', { name: '建立連結' }).click();
  await expect(page.getByLabel('連結網址')).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);
  const made = page.getByRole('row').filter({ hasText: '林雨彤' }).filter({ hasText: '質詢 第 13 號' });
  await expect(made.first()).toBeVisible();
});

/** How far the page scrolls sideways beyond the screen (0: nothing overflows). */
async function sideways(page: import('@playwright/test').Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('on a phone the menu folds away, the queues are cards and no page scrolls sideways', async ({ browser }, info) => {
  const js = info.project.name !== 'no-js';
  const phone = await browser.newContext({
    javaScriptEnabled: js,
    locale: 'zh-TW',
    viewport: { width: 390, height: 844 },
    isMobile: info.project.name !== 'firefox',
    hasTouch: true,
  });
  const page = await phone.newPage();
  for (const [user, pages] of [
    ['e2e-liaison', ['/', '/cases', '/notifications', '/bills', '/bills/new']],
    [js ? 'e2e-sec' : 'e2e-sec-nojs', ['/', '/cases', '/meetings', '/links', '/reports', '/volume', '/cases/new/question', '/bills', '/briefings', '/briefings/1', '/briefings/1/pack', '/briefs?order=陳冠霖']],
  ] as const) {
    await logIn(page, user);
    await ready(page, js);
    // The menu is behind 選單 until tapped.
    const nav = page.getByRole('navigation', { name: '主選單' });
    await expect(nav).toBeHidden();
    await page.getByText('選單', { exact: true }).click();
    await expect(nav).toBeVisible();
    await nav.getByRole('link', { name: '案件列表' }).click();
    await expect(page.getByRole('heading', { name: '案件列表' })).toBeVisible();
    // A case is a card: its topic, then each fact with its name.
    const card = page.locator('table.case-table tbody tr').first();
    expect(await card.evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
    const due = card.locator('td[data-label="期限"]');
    await expect(due).toBeVisible();
    // Each fact is named before it (Firefox reports the rule, Chromium its result).
    expect(await due.evaluate((td) => getComputedStyle(td, '::before').content)).toMatch(/期限：|attr\(data-label\)/);
    const box = await card.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    const firstCase = await card.getByRole('link').first().getAttribute('href');
    for (const path of [...pages, firstCase!]) {
      await page.goto(path);
      await ready(page, js);
      expect(await sideways(page), `${path} as ${user}`).toBeLessThanOrEqual(0);
    }
    await page.getByText('選單', { exact: true }).click();
    await page.getByRole('button', { name: '登出' }).click();
    await expect(page.getByRole('button', { name: '登入' })).toBeVisible();
  }
  await phone.close();
});

test('a question is recorded with the keyboard alone, starting from the skip link', async ({ page }, info) => {
  test.skip(info.project.name === 'no-js', 'the same markup as with JavaScript; one run is enough');
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || '');
  await page.goto('/login');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('跳到主要內容');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('login-username');
  await page.keyboard.type('e2e-sec');
  await page.keyboard.press('Tab');
  await page.keyboard.type('e2e 測試密碼 2024');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();

  await page.goto('/cases/new/question');
  await ready(page);
  // The skip link is the first stop and takes the keyboard past the top bar.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: '跳到主要內容' })).toBeFocused();
  await page.keyboard.press('Enter');
  const topic = `鍵盤登錄 ${freshNumber()}`;
  const steps: [string, () => Promise<void>][] = [
    ['q-session', async () => {}],
    ['q-number', () => page.keyboard.type(freshNumber())],
    ['q-sitting-type', () => page.keyboard.press('ArrowDown')],
    ['q-sitting-date', () => page.keyboard.type(todayRoc())],
    ['q-councilors', () => page.keyboard.press('ArrowDown')],
    ['q-topic', () => page.keyboard.type(topic)],
    ['q-body', () => page.keyboard.type('請說明辦理情形。')],
  ];
  for (const [id, act] of steps) {
    // Tab on to the field (past any hint or link between).
    for (let i = 0; i < 5 && (await focused()) !== id; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe(id);
    await act();
  }
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('q-due');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(topic);
});
