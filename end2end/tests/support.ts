import { expect, type Browser, type Page } from '@playwright/test';

export const PASSWORD = 'e2e 測試密碼 2024';

export async function logIn(page: Page, username: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('帳號').fill(username);
  await page.getByLabel('密碼').fill(password);
  await page.getByRole('button', { name: '登入' }).click();
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();
}

export async function openAs(browser: Browser, js: boolean, username: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const page = await context.newPage();
  await logIn(page, username);
  return page;
}

/** With JavaScript, the islands are live once the page carries this mark. */
export async function ready(page: Page, js = true) {
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

let lastNumber = 0;

/**
 * A question number no other test of this run has used in the demo session. Random numbers
 * collided: fifty draws from 70,000 meet with a chance near 2%, and a taken number is refused
 * (CI failed once on it). So numbers climb from the clock's seconds: unique within a worker,
 * and a new worker (after a failure) starts above where the clock had reached.
 */
export function freshNumber(): string {
  const fromClock = 20000 + (Math.floor(Date.now() / 1000) % 70000);
  lastNumber = Math.max(lastNumber + 1, fromClock);
  return String(lastNumber);
}

/** Fills the question form on the page with a fresh number and `topic`. */
export async function fillQuestion(page: Page, topic: string) {
  const form = page.getByRole('form', { name: '登錄質詢' });
  await form.getByLabel('質詢編號').fill(freshNumber());
  await form.getByLabel('質詢類別').selectOption({ label: '市政總質詢' });
  await form.getByLabel('質詢日期').fill('113/03/15');
  await form.getByLabel('質詢議員').selectOption([{ label: '林雨彤' }]);
  await form.getByLabel('質詢議題').fill(topic);
  await form.getByLabel('質詢內容').fill('請說明辦理情形。');
}

/** 都市發展局's liaison opens the case and accepts it; the page is ready for the next step. */
export async function acceptAtUdd(page: Page, path: string, js = true) {
  await logIn(page, 'e2e-liaison');
  await page.goto(path);
  await ready(page, js);
  await page.getByRole('button', { name: '接受分派' }).click();
  await ready(page, js);
}

/**
 * The secretariat records a case and hands it to 都市發展局 (where e2e-liaison works), who
 * accepts it; returns the case page's path. Goes through the UI as the office would.
 */
export async function caseAtUdd(
  browser: Browser,
  kind: 'question' | 'data-request',
  topic: string,
  priority?: '普通件' | '速件' | '最速件',
) {
  const sec = await openAs(browser, false, 'e2e-sec');
  if (kind === 'question') {
    await sec.goto('/cases/new/question');
    await fillQuestion(sec, topic);
    await sec.getByRole('button', { name: '登錄', exact: true }).click();
  } else {
    await sec.goto('/cases/new/data-request');
    const form = sec.getByRole('form', { name: '登錄索資' });
    await form.getByLabel('索資議員').selectOption({ label: '林雨彤' });
    await form.getByLabel('索資主旨').fill(topic);
    await form.getByLabel('索取資料項目').fill('請提供 112 年度執行明細。');
    await form.getByLabel('收件時間').fill('113/03/15 10:30');
    if (priority) await form.getByLabel('速別').selectOption({ label: priority });
    await form.getByRole('button', { name: '登錄', exact: true }).click();
  }
  await expect(sec.getByRole('heading', { level: 1 })).toContainText(topic);
  const path = new URL(sec.url()).pathname;
  const assign = sec.getByRole('form', { name: '分派' });
  await assign.getByLabel('主辦機關').selectOption({ label: '都市發展局' });
  await assign.getByRole('button', { name: '分派' }).click();
  await expect(sec.getByText('待局處接受', { exact: true })).toBeVisible();
  await sec.context().close();
  return path;
}

/** Today in Taipei as the app writes it: 115/12/03. */
export function todayRoc(): string {
  const taipei = new Date(Date.now() + 8 * 3600 * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${taipei.getUTCFullYear() - 1911}/${two(taipei.getUTCMonth() + 1)}/${two(taipei.getUTCDate())}`;
}
