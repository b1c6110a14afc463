import { expect, test } from '@playwright/test';
import { acceptAtUdd, logIn, ready } from './support';

/** Today as the forms take it: 民國年/月/日. */
function rocToday(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear() - 1911}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
}

test('the secretariat records a budget rider, the bureau reports its execution, and the execution report carries it', async ({ browser }, info) => {
  const js = info.project.name !== 'no-js';
  const topic = `河濱自行車道照明 ${Date.now() % 100000}`;

  // The secretariat records the rider from the council's letter.
  const desk = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const sec = await desk.newPage();
  await logIn(sec, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await sec.getByRole('link', { name: '登錄決議案' }).first().click();
  await ready(sec, js);
  const form = sec.getByRole('form', { name: '登錄決議案' });
  await form.getByLabel('種類').selectOption({ label: '附帶決議' });
  await form.getByLabel('會次').fill('第3次定期大會第10次會議');
  await form.getByLabel('提案議員').selectOption([{ label: '林雨彤' }]);
  await form.getByLabel('案由').fill(topic);
  await form.getByLabel('決議內容').fill('都市發展局應於三個月內完成河濱自行車道照明改善。');
  await form.getByLabel('預算科目').fill('都市發展局 河濱公園管理');
  await form.getByLabel('來文字號').fill('議議字第1130009999號');
  await form.getByLabel('收文日期').fill(rocToday());
  await form.getByLabel('辦理方式').selectOption({ label: '依決議執行' });
  await form.getByRole('button', { name: '登錄' }).click();
  await ready(sec, js);
  await expect(sec.getByRole('heading', { name: topic })).toBeVisible();
  await expect(sec.getByText('附帶決議', { exact: true })).toBeVisible();
  await expect(sec.getByText('議議字第1130009999號', { exact: false })).toBeVisible();
  await expect(sec.getByRole('heading', { name: '覆議與執行' })).toBeVisible();
  const path = new URL(sec.url()).pathname;
  const assign = sec.getByRole('form', { name: '分派' });
  await assign.getByLabel('主辦機關').selectOption({ label: '都市發展局' });
  await assign.getByRole('button', { name: '分派' }).click();
  await expect(sec.getByText('待局處接受', { exact: true })).toBeVisible();

  // The bureau accepts it and reports what it has done, with how far along.
  const bureau = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const liaison = await bureau.newPage();
  await acceptAtUdd(liaison, path, js);
  const update = liaison.getByRole('form', { name: '提報辦理進度' });
  await update.getByLabel('本次執行情形').fill('已完成照明設計，辦理發包中。');
  await update.getByLabel(/執行進度/).fill('40');
  await update.getByRole('button', { name: '提報執行情形' }).click();
  await ready(liaison, js);
  await expect(liaison.getByText('執行進度 40%', { exact: true })).toBeVisible();
  await bureau.close();

  // The secretariat compiles the execution report; the rider is in it with that update.
  await sec.goto('/resolutions/reports');
  await ready(sec, js);
  const compile = sec.getByRole('form', { name: '編製執行情形報告' });
  await compile.getByRole('button', { name: '編製報告' }).click();
  await expect(sec.getByRole('heading', { name: /決議案執行情形報告/ })).toBeVisible();
  const row = sec.getByRole('row', { name: new RegExp(topic) });
  await expect(row).toContainText('執行中');
  await expect(row).toContainText('（40%）：已完成照明設計，辦理發包中。');
  await expect(sec.getByRole('link', { name: 'ODT' })).toBeVisible();
  await desk.close();
});

test('the secretariat imports the council list of resolutions: checks every row, imports the good one', async ({ page }, info) => {
  await logIn(page, info.project.name === 'no-js' ? 'e2e-sec-nojs' : 'e2e-sec');
  await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '案件列表' }).click();
  await page.getByRole('link', { name: '匯入決議案' }).click();
  await expect(page.getByRole('link', { name: '下載範例檔' })).toBeVisible();

  const topic = `里民活動中心修繕 ${Date.now() % 100000}`;
  const csv =
    '\ufeff種類,提案議員,案由,決議內容,來文字號,收文日期,辦理方式\r\n' +
    `議員提案,林雨彤,${topic},建請市府於年底前完成修繕。,議議字第1130008888號,${rocToday()},依決議執行\r\n` +
    `議員提案,查無此人,另一提案,建請研議。,議議字第1130008889號,${rocToday()},依決議執行\r\n`;
  const upload = page.getByRole('form', { name: '上傳決議案清單' });
  await upload.getByLabel('決議案清單').setInputFiles({
    name: '議會決議案清單.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf-8'),
  });
  await upload.getByRole('button', { name: '上傳並檢查' }).click();

  await expect(page.getByText('共 2 列：可匯入 1 列，有問題 1 列。')).toBeVisible();
  await expect(page.getByText('找不到議員「查無此人」')).toBeVisible();
  await expect(page.getByLabel('匯入第 2 列')).toBeChecked();
  await expect(page.getByLabel('匯入第 3 列')).not.toBeChecked();

  await page.getByRole('button', { name: '匯入勾選的列' }).click();
  await expect(page.getByText('已匯入 1 件決議案。')).toBeVisible();
  await page.getByRole('link', { name: '查看決議案' }).click();
  await expect(page.getByRole('link', { name: new RegExp(topic) }).first()).toBeVisible();
});
