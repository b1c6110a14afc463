import { expect, test } from '@playwright/test';
import { logIn } from './support';

/** Yesterday as an ROC date (113/05/09): a sending day that is never in the future. */
function yesterdayRoc(): string {
  const d = new Date(Date.now() - 24 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear() - 1911}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
}

test('the secretariat compiles the written-reply volume, downloads it and records its sending', async ({ page }, info) => {
  await logIn(page, info.project.name === 'no-js' ? 'e2e-sec-nojs' : 'e2e-sec');
  await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '答復彙編' }).click();
  const choose = page.getByRole('form', { name: '彙編條件' });
  await choose.getByRole('button', { name: '彙編' }).click();

  await expect(page.getByRole('heading', { name: /第14屆第3次定期大會 書面答復彙編/ })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '目錄' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '尚未完成答復之質詢' })).toBeVisible();

  // The file is written in the background; its page follows it to the end, with or
  // without JavaScript.
  const files = page.getByRole('form', { name: '產生彙編檔案' });
  await files.getByLabel('PDF').check();
  await files.getByRole('button', { name: '產生檔案' }).click();
  await expect(page.getByRole('heading', { name: '產生書面答復彙編檔案' })).toBeVisible();
  const file = page.getByRole('link', { name: /^下載 .*書面答復彙編\.pdf$/ });
  await expect(file).toBeVisible({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
  expect(download.suggestedFilename()).toMatch(/書面答復彙編\.pdf$/);
  await page.getByRole('link', { name: '回到書面答復彙編' }).click();
  await expect(page.getByRole('table', { name: '最近產生的檔案' })).toBeVisible();

  const send = page.getByRole('form', { name: '記錄函送議會' });
  await send.getByLabel('函送日期').fill(yesterdayRoc());
  await send.getByRole('button', { name: '記錄函送議會' }).click();
  await expect(page.getByRole('link', { name: '函送之檔案（ODT）' }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: yesterdayRoc() }).first()).toBeVisible();
});
