import { expect, test } from '@playwright/test';
import { caseAtUdd, freshNumber, logIn, ready } from './support';

/**
 * What the office hears of: a case assigned to 都市發展局 reaches its liaison's inbox, with
 * the count in the top bar; reading it clears the count. The admin finds the logins in the
 * audit log. Hydrated and without JavaScript alike.
 */
test('a bureau liaison finds a new assignment in the inbox and marks it read', async ({ page, browser, javaScriptEnabled }) => {
  const js = javaScriptEnabled !== false;
  const topic = `通知測試 ${freshNumber()}`;
  await caseAtUdd(browser, 'question', topic);
  await caseAtUdd(browser, 'question', `${topic}（二）`);

  await logIn(page, 'e2e-liaison');
  await ready(page, js);
  const inboxLink = page.getByRole('banner').getByRole('link', { name: /^通知，\d+ 則未讀$/ });
  await expect(inboxLink).toBeVisible();
  await inboxLink.click();
  await expect(page.getByRole('heading', { name: '通知', level: 1 })).toBeVisible();
  await ready(page, js);
  const item = page.getByRole('listitem').filter({ hasText: topic }).filter({ hasNotText: '（二）' });
  await expect(item.getByRole('link', { name: /^新分派案件：質詢 第 \d+ 號$/ })).toBeVisible();
  await expect(item.getByText('未讀', { exact: true })).toBeVisible();
  await item.getByRole('button', { name: /標示為已讀/ }).click();
  await expect(item.getByText('未讀', { exact: true })).toHaveCount(0);

  await ready(page, js);
  await page.getByRole('button', { name: '全部標示為已讀' }).click();
  await expect(page.getByRole('heading', { name: '未讀 0 則' })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('banner').getByRole('link', { name: '通知', exact: true })).toBeVisible();

  // The case opens from the inbox.
  await page.goto('/notifications');
  await item.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(topic);
});

test('the admin filters the audit log down to logins and can export it', async ({ page, javaScriptEnabled }) => {
  const js = javaScriptEnabled !== false;
  await logIn(page, js ? 'e2e-admin' : 'e2e-admin-nojs');
  await page.getByRole('banner').getByRole('link', { name: '稽核紀錄' }).click();
  await expect(page.getByRole('heading', { name: '稽核紀錄', level: 1 })).toBeVisible();
  const filters = page.getByRole('search', { name: '篩選稽核紀錄' });
  await filters.getByLabel('動作').selectOption({ label: '登入成功' });
  await filters.getByLabel('執行者帳號').fill('e2e-admin');
  await filters.getByRole('button', { name: '查詢' }).click();
  await expect(page).toHaveURL(/action=login/);
  const table = page.getByRole('table');
  await expect(table.getByRole('row').nth(1)).toContainText('登入成功');
  await expect(table.getByRole('cell', { name: '拒絕存取案件' })).toHaveCount(0);
  const exportLink = filters.getByRole('link', { name: '匯出 CSV' });
  await expect(exportLink).toHaveAttribute('href', /^\/admin\/audit\.csv\?action=login&actor=e2e-admin$/);
  const response = await page.request.get(await exportLink.getAttribute('href') as string);
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain('登入成功');
});
