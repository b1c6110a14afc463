import { expect, test } from '@playwright/test';
import { acceptAtUdd, caseAtUdd, freshNumber } from './support';

/**
 * Without JavaScript the delivery form is a plain multipart post: the server stores the
 * batch, or sends the page back with its reason. (With JavaScript the upload island does
 * the same through XMLHttpRequest; islands.spec.ts covers that.)
 */
test.skip(({ javaScriptEnabled }) => javaScriptEnabled, 'checks the plain-HTML path');

test('a bureau delivers a batch through the plain form, and an oversized file is refused by the server', async ({ page, browser }) => {
  const topic = `無腳本上傳 ${freshNumber()}`;
  const path = await caseAtUdd(browser, 'data-request', topic);
  await acceptAtUdd(page, path, false);

  const form = page.getByRole('form', { name: '提供一批資料' });
  await form.getByLabel('本批說明').fill('過大的掃描檔');
  await form.getByLabel('附件（可多選）').setInputFiles([
    { name: '掃描檔.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 0x41) },
  ]);
  await form.getByRole('button', { name: '送出本批資料' }).click();
  await expect(page.getByRole('alert')).toContainText('檔案過大');
  const deliveries = page.getByRole('region', { name: '提供資料' });
  await expect(deliveries.getByText('尚未提供資料。')).toBeVisible();

  await form.getByLabel('本批說明').fill('第一批：執行明細');
  await form.getByLabel('附件（可多選）').setInputFiles([
    { name: '明細.csv', mimeType: 'text/csv', buffer: Buffer.from('項目,金額\n人事費,100\n') },
  ]);
  await form.getByRole('button', { name: '送出本批資料' }).click();
  await expect(deliveries.getByText('第 1 批')).toBeVisible();
  await expect(deliveries.getByRole('link', { name: '明細.csv' })).toBeVisible();
});
