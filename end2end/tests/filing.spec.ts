import { expect, test } from '@playwright/test';
import { logIn, ready } from './support';

test('a councilor office files a data request on a phone, the secretariat takes it in and assigns it, and the office sees it move', async ({ browser }, info) => {
  const js = info.project.name !== 'no-js';
  const topic = `巷弄監視器設置清單 ${Date.now() % 100000}`;

  // The secretariat issues the office's link; its address is shown once.
  const desk = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const sec = await desk.newPage();
  await logIn(sec, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await sec.goto('/links');
  const choose = sec.getByRole('form', { name: '選擇議員' });
  await choose.getByLabel('議員').selectOption({ label: '劉家豪' });
  await choose.getByRole('button', { name: '選擇議員' }).click();
  await sec.getByRole('form', { name: '建立狀態連結' }).getByRole('button', { name: '建立連結' }).click();
  const address = new URL(await sec.getByLabel('連結網址').inputValue()).pathname;

  // The office, on a phone, with no script at all on these pages.
  const phone = await browser.newContext({
    javaScriptEnabled: js,
    locale: 'zh-TW',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const office = await phone.newPage();
  const code: string[] = [];
  office.on('request', (r) => {
    if (r.resourceType() === 'script' || r.url().endsWith('.wasm')) code.push(r.url());
  });
  await office.goto(address);
  await office.getByRole('navigation', { name: '線上送件' }).getByRole('link', { name: '新增索取資料' }).click();
  await expect(office.getByRole('heading', { name: '新增索取資料' })).toBeVisible();
  const form = office.getByRole('form', { name: '新增索取資料' });
  await form.getByLabel('索資主旨').fill(topic);
  await form.getByLabel('索取資料項目').fill('請提供本選區各里巷弄監視器之設置地點與維護廠商。');
  await form.getByLabel('速別').selectOption({ label: '速件' });
  await form.getByLabel('辦公室聯絡人與電話').fill('服務處 劉助理 02-2720-0009');
  await form.getByLabel(/附件/).setInputFiles({
    name: '里長陳情書.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('里長陳情：請增設監視器。'),
  });
  await form.getByRole('button', { name: '送出' }).click();
  await expect(office.getByRole('status')).toContainText(`已送出「${topic}」`);
  const filed = office.locator('article', { hasText: topic });
  await expect(filed.getByText('已送出，待受理')).toBeVisible();
  expect(code).toEqual([]);

  // The secretariat finds it on its start page, takes it in and assigns it.
  await sec.goto('/');
  const waiting = sec.locator('section', { has: sec.getByRole('heading', { name: /議員辦公室送件待受理/ }) });
  await waiting.getByRole('link', { name: topic }).click();
  await ready(sec, js);
  await expect(sec.getByRole('heading', { name: '議員辦公室線上送件' })).toBeVisible();
  await expect(sec.getByRole('link', { name: '里長陳情書.txt' })).toBeVisible();
  await sec.getByRole('button', { name: '受理（進入待分派）' }).click();
  await ready(sec, js);
  await expect(sec.getByText('待分派', { exact: true })).toBeVisible();
  const assign = sec.getByRole('form', { name: '分派' });
  await assign.getByLabel('主辦機關').selectOption({ label: '警察局' });
  await assign.getByRole('button', { name: '分派' }).click();
  await expect(sec.getByText('待局處接受', { exact: true })).toBeVisible();
  await desk.close();

  // The office sees it received, with the bureau that will answer.
  await office.goto(address);
  const moved = office.locator('article', { hasText: topic });
  await expect(moved.getByText('已收件')).toBeVisible();
  await expect(moved.getByText('警察局')).toBeVisible();
  await phone.close();
});

test('without filing switched on, a link offers no forms', async ({ browser }, info) => {
  test.skip(info.project.name !== 'no-js', 'one run is enough: the page has no script either way');
  const desk = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-TW' });
  const sec = await desk.newPage();
  await logIn(sec, 'e2e-sec-nojs');
  await sec.goto('/links');
  const choose = sec.getByRole('form', { name: '選擇議員' });
  await choose.getByLabel('議員').selectOption({ label: '吳靜宜' });
  await choose.getByRole('button', { name: '選擇議員' }).click();
  await sec.getByRole('form', { name: '建立狀態連結' }).getByRole('button', { name: '建立連結' }).click();
  const address = new URL(await sec.getByLabel('連結網址').inputValue()).pathname;
  // The newest link is the first row: switch its filing off.
  const row = sec.getByRole('row').filter({ hasText: '吳靜宜' }).first();
  await row.getByRole('checkbox', { name: '開放' }).uncheck();
  await row.getByRole('button', { name: /線上送件設定/ }).click();
  const phone = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const office = await phone.newPage();
  await office.goto(address);
  await expect(office.getByRole('heading', { name: '吳靜宜 議員 案件進度' })).toBeVisible();
  await expect(office.getByRole('link', { name: '新增索取資料' })).toHaveCount(0);
  const res = await office.goto(`${address}/new/service`);
  expect(res?.status()).toBe(403);
  await expect(office.getByRole('heading', { name: '未開放線上送件' })).toBeVisible();
  await desk.close();
  await phone.close();
});
