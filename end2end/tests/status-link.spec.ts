import { expect, test } from '@playwright/test';
import { logIn } from './support';

test('a councilor office opens its link on a phone, reads a reply, downloads a file and says a reply does not answer', async ({ browser }, info) => {
  const js = info.project.name !== 'no-js';
  // Each project answers a different reply of the same councilor.
  const heading = js ? /^質詢 第 1 號\s社會住宅興建進度與區位$/ : /^質詢 第 13 號\s都市更新案審議時程$/;

  // The secretariat issues the link; its address is shown once.
  const desk = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const sec = await desk.newPage();
  await logIn(sec, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await sec.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '狀態連結' }).click();
  const choose = sec.getByRole('form', { name: '選擇議員' });
  await choose.getByLabel('議員').selectOption({ label: '林雨彤' });
  await choose.getByRole('button', { name: '選擇議員' }).click();
  const form = sec.getByRole('form', { name: '建立狀態連結' });
  await expect(form.getByLabel('範圍')).toHaveValue('');
  await form.getByRole('button', { name: '建立連結' }).click();
  const address = await sec.getByLabel('連結網址').inputValue();
  expect(address).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  await expect(sec.locator('.qr svg')).toBeVisible();
  await desk.close();

  // The office, on a phone, with no account: no script and no wasm reach it.
  const phone = await browser.newContext({
    javaScriptEnabled: js,
    locale: 'zh-TW',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await phone.newPage();
  const code: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script' || r.url().endsWith('.wasm')) code.push(r.url());
  });
  await page.goto(new URL(address).pathname);
  await expect(page.getByRole('heading', { name: '林雨彤 議員 案件進度' })).toBeVisible();

  const answered = page.locator('article', { has: page.getByRole('heading', { name: heading }) });
  await expect(answered.getByText('已答復')).toBeVisible();
  await expect(answered.getByRole('heading', { name: '答復內容' })).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: '資料第1批.csv' }).first().click(),
  ]);
  expect(download.suggestedFilename()).toBe('資料第1批.csv');

  await answered.getByText('對答復內容有疑義？').click();
  await answered.getByLabel('請說明未回答的部分').fill('未說明各區的分配戶數與期程。');
  await answered.getByRole('button', { name: '送出答非所問' }).click();
  await expect(page.getByText('已收到您的意見，已請主辦機關重新答復。')).toBeVisible();
  const reopened = page.locator('article', { has: page.getByRole('heading', { name: heading }) });
  // Back with the bureau (overdue, if its due date has passed).
  await expect(reopened.getByText(/^(處理中|逾期)$/)).toBeVisible();
  expect(code).toEqual([]);
  await phone.close();
});
