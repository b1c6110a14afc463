import { expect, test } from '@playwright/test';
import { acceptAtUdd, caseAtUdd } from './support';

test('a bureau that needs more time sends an interim reply, and the office’s agreement moves the due date', async ({ browser }, info) => {
  const js = info.project.name !== 'no-js';
  const topic = `各區中籤統計 ${Date.now() % 100000}`;
  const path = await caseAtUdd(browser, 'question', topic);

  const context = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const page = await context.newPage();
  await acceptAtUdd(page, path, js);

  await page.getByText('提出期中答復或記錄同意展延', { exact: true }).click();
  const form = page.getByRole('form', { name: '期中答復' });
  await form.getByLabel('目前已掌握的內容').fill('已完成三處基地統計。');
  await form.getByLabel('需要更多時間的原因').fill('其餘基地資料須向營建署調閱。');
  await form.getByLabel('預定答復日期').fill('135/12/31');
  await form.getByLabel('議員辦公室是否同意').selectOption({ label: '議員辦公室同意延後' });
  // Agreed, but who agreed is missing: the form says so and keeps what was typed.
  await form.getByRole('button', { name: '送出期中答復' }).click();
  await expect(page.getByText('請填寫議員辦公室同意的人', { exact: false })).toBeVisible();
  const again = page.getByRole('form', { name: '期中答復' });
  await expect(again.getByLabel('目前已掌握的內容')).toHaveValue('已完成三處基地統計。');
  await again.getByLabel('預定答復日期').fill('135/12/31');
  await again.getByLabel('議員辦公室是否同意').selectOption({ label: '議員辦公室同意延後' });
  await again.getByLabel('同意的人').fill('林議員辦公室王助理');
  await again.getByRole('button', { name: '送出期中答復' }).click();

  const panel = page.getByRole('region', { name: '期中答復與展延' });
  await expect(panel).toContainText('預定 135/12/31 答復（議員辦公室同意延後）');
  await expect(panel).toContainText('同意者：林議員辦公室王助理');
  await expect(page.getByText('135/12/31', { exact: false }).first()).toBeVisible();
  await context.close();
});
