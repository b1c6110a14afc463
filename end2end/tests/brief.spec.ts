import { expect, test } from '@playwright/test';
import { logIn, ready } from './support';

test('before the sitting the secretariat compiles a brief on each councilor in speaking order', async ({ page }, info) => {
  const js = info.project.name !== 'no-js';
  await logIn(page, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '問政摘要' }).click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: '議員問政摘要', level: 1 }).first()).toBeVisible();

  const form = page.getByRole('form', { name: '編製議員問政摘要' });
  await form.getByLabel('質詢順序').fill('陳冠霖\n林雨彤');
  await form.getByRole('button', { name: '編製摘要' }).click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: /^1\. 陳冠霖 議員/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^2\. 林雨彤 議員/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: '會後補資料（尚未提供）' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: '下載 ODT' })).toHaveAttribute('href', /order=/);

  // A name not of this term is refused by name, the order kept.
  const again = page.getByRole('form', { name: '編製議員問政摘要' });
  await again.getByLabel('質詢順序').fill('林雨彤、查無此人');
  await again.getByRole('button', { name: '編製摘要' }).click();
  await expect(page.getByText('本屆查無這些議員：查無此人。')).toBeVisible();
  await expect(page.getByLabel('質詢順序')).toHaveValue('林雨彤、查無此人');
});
