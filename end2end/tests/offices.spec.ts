import { expect, test } from '@playwright/test';
import { freshNumber, logIn, ready } from './support';

/**
 * A councilor office's mail contacts, kept by the secretariat beside its status links: an
 * address added and removed, a new link mailed to the office, and an office that asked
 * not to be mailed — with and without JavaScript.
 */
test('the secretariat keeps an office’s addresses and mails it a new link', async ({ page }, info) => {
  const js = info.project.name !== 'no-js';
  const councilor = js ? '陳冠霖' : '黃思妤';
  await logIn(page, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await page.goto('/links');
  const choose = page.getByRole('form', { name: '選擇議員' });
  await choose.getByLabel('議員').selectOption({ label: councilor });
  await choose.getByRole('button', { name: '選擇議員' }).click();

  const contacts = page.getByRole('region', { name: `${councilor} 議員辦公室聯絡信箱` });
  await expect(contacts.getByText('@council.demo.example.gov.tw').first()).toBeVisible();
  await ready(page, js);
  const address = `e2e-${freshNumber()}@council.example.gov.tw`;
  const add = contacts.getByRole('form', { name: '新增聯絡信箱' });
  // The browser takes it for an address; the app does not (no dot in the domain).
  await add.getByLabel('新增信箱').fill('office@council');
  await add.getByRole('button', { name: '新增' }).click();
  await expect(page.getByRole('alert')).toContainText('請輸入議員辦公室的電子郵件地址');
  await add.getByLabel('新增信箱').fill(address);
  await add.getByRole('button', { name: '新增' }).click();
  await expect(contacts.getByText(address)).toBeVisible();

  // The new link goes to every address at once.
  const form = page.getByRole('form', { name: '建立狀態連結' });
  const send = form.getByRole('checkbox', { name: /同時寄給議員辦公室（\d+ 個聯絡信箱）/ });
  await expect(send).toBeChecked();
  await form.getByRole('button', { name: '建立連結' }).click();
  await expect(page.getByRole('status').filter({ hasText: /已排入寄送給議員辦公室的 \d+ 個聯絡信箱。/ })).toBeVisible();
  await expect(page.getByLabel('連結網址')).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);

  // The address is removed again; an office that asks not to be mailed is not offered it.
  await page.goto('/links');
  await choose.getByLabel('議員').selectOption({ label: councilor });
  await choose.getByRole('button', { name: '選擇議員' }).click();
  await ready(page, js);
  await contacts.getByRole('button', { name: `移除 ${address}` }).click();
  await expect(contacts.getByText(address)).toBeHidden();
  const optOut = contacts.getByRole('form', { name: '寄信設定' });
  await optOut.getByRole('checkbox').check();
  await optOut.getByRole('button', { name: '儲存' }).click();
  await expect(form.getByText('這個辦公室表示不收電子郵件')).toBeVisible();
  await ready(page, js);
  await optOut.getByRole('checkbox').uncheck();
  await optOut.getByRole('button', { name: '儲存' }).click();
  await expect(send).toBeChecked();
});
