import { expect, test } from '@playwright/test';
import { freshNumber, logIn } from './support';

test('the secretariat imports a council list: checks every row, imports the good one', async ({ page }, info) => {
  await logIn(page, info.project.name === 'no-js' ? 'e2e-sec-nojs' : 'e2e-sec');
  await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '案件列表' }).click();
  await page.getByRole('link', { name: '匯入質詢' }).click();
  await expect(page.getByRole('link', { name: '下載範例檔' })).toBeVisible();

  const good = freshNumber();
  const csv =
    '\ufeff質詢編號,質詢議員,質詢類別,質詢日期,質詢議題,質詢內容\r\n' +
    `${good},林雨彤,市政總質詢,113/03/15,匯入測試議題,請說明辦理情形。\r\n` +
    `${freshNumber()},查無此人,市政總質詢,113/03/15,另一議題,請說明。\r\n`;
  const upload = page.getByRole('form', { name: '上傳質詢清單' });
  await upload.getByLabel('質詢清單').setInputFiles({
    name: '議會質詢清單.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf-8'),
  });
  await upload.getByRole('button', { name: '上傳並檢查' }).click();

  await expect(page.getByText('共 2 列：可匯入 1 列，有問題 1 列。')).toBeVisible();
  await expect(page.getByText('找不到議員「查無此人」')).toBeVisible();
  await expect(page.getByLabel('匯入第 2 列')).toBeChecked();
  await expect(page.getByLabel('匯入第 3 列')).not.toBeChecked();

  await page.getByRole('button', { name: '匯入勾選的列' }).click();
  await expect(page.getByText('已匯入 1 題質詢。')).toBeVisible();
  await page.getByRole('link', { name: '查看本會期的案件' }).click();
  await expect(page.getByRole('link', { name: /匯入測試議題/ }).first()).toBeVisible();
});
