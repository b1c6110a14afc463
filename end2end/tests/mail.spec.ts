import { expect, test } from '@playwright/test';
import { caseAtUdd, freshNumber, logIn, ready } from './support';

test('a liaison officer chooses how each kind of notice reaches them and asks to change their address', async ({
  page,
  javaScriptEnabled,
}) => {
  const js = javaScriptEnabled !== false;
  await logIn(page, js ? 'e2e-mail' : 'e2e-mail-nojs');
  await page.getByRole('banner').getByRole('link', { name: '通知' }).click();
  await page.getByRole('link', { name: /通知設定/ }).click();
  await expect(page.getByRole('heading', { name: '通知設定', level: 1 })).toBeVisible();
  await ready(page, js);

  const assigned = page.getByRole('group', { name: '新分派案件' });
  await expect(assigned.getByRole('radio', { name: '立即通知（預設）' })).toBeChecked();
  await assigned.getByRole('radio', { name: '每日摘要' }).check();
  await page.getByRole('group', { name: '已逾期', exact: true }).getByRole('radio', { name: '不通知' }).check();
  await page.getByRole('button', { name: '儲存通知設定' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已儲存通知設定。' })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('group', { name: '新分派案件' }).getByRole('radio', { name: '每日摘要' })).toBeChecked();
  await expect(page.getByRole('group', { name: '已逾期', exact: true }).getByRole('radio', { name: '不通知' })).toBeChecked();

  await ready(page, js);
  const address = `mail-${freshNumber()}@udd.example.gov.tw`;
  await page.getByLabel('新的通知信箱').fill(address);
  await page.getByRole('button', { name: '寄出確認信' }).click();
  await expect(page.getByRole('status').filter({ hasText: '確認信已寄出' })).toBeVisible();
  await expect(page.getByText(`等待確認：${address}`)).toBeVisible();
});

test('the admin sees a message a gateway refused, with its answer, and sends it again', async ({
  page,
  browser,
  javaScriptEnabled,
  baseURL,
}) => {
  const js = javaScriptEnabled !== false;
  const name = `e2e 閘道 ${freshNumber()}`;
  await logIn(page, js ? 'e2e-admin' : 'e2e-admin-nojs');
  await page.getByRole('banner').getByRole('link', { name: '寄送紀錄' }).click();
  await expect(page.getByRole('heading', { name: '寄送紀錄', level: 1 })).toBeVisible();
  // No relay on this machine: the demo's messages were written as .eml files.
  await expect(page.getByText('尚未設定郵件伺服器')).toBeVisible();
  await expect(page.getByRole('region', { name: '最新寫出的郵件檔' }).getByRole('link').first()).toBeVisible();

  await ready(page, js);
  // A "gateway" that answers 4xx: an address of this app that takes no POST.
  await page.getByLabel('名稱').fill(name);
  await page.getByLabel('網址').fill(`${baseURL}/no-such-gateway`);
  await page.getByLabel('密鑰').fill('e2e-secret-0123456789abcdef0123456789');
  await page.getByRole('button', { name: '新增閘道' }).click();
  const hooks = page.getByRole('region', { name: '訊息閘道', exact: true });
  await expect(hooks.getByRole('cell', { name, exact: true })).toBeVisible();

  // Something to tell 都市發展局's people: the gateway gets it and refuses it. 最速件 goes
  // out at once even on a day off (anything else waits for the next working morning).
  await caseAtUdd(browser, 'data-request', `閘道退件 ${freshNumber()}`, '最速件');
  await expect(async () => {
    await page.goto('/admin/deliveries?state=failed');
    await expect(page.getByRole('cell', { name: new RegExp(`訊息閘道（${name}）`) }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 40_000 });
  const row = page.getByRole('row').filter({ hasText: name }).first();
  await expect(row).toContainText('寄送失敗');
  await expect(row).toContainText(/HTTP 4\d\d/);

  await ready(page, js);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/admin/deliveries/resend')),
    row.getByRole('button', { name: /^重寄/ }).click(),
  ]);
  await page.goto('/admin/audit?action=message_resent');
  await expect(page.getByRole('cell', { name: '重新寄送訊息' }).first()).toBeVisible();

  // Off again, so later journeys' notices do not go there.
  await page.goto('/admin/deliveries');
  await ready(page, js);
  await page.getByRole('region', { name: '訊息閘道', exact: true }).getByRole('button', { name: `停用${name}` }).click();
  await expect(page.getByRole('region', { name: '訊息閘道', exact: true }).getByRole('button', { name: `啟用${name}` })).toBeVisible();
});
