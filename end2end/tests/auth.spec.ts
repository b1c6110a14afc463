import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'e2e 測試密碼 2024';

/** Each project signs in as its own user, so the journeys never share a session. */
function user(base: string, projectName: string) {
  return projectName === 'no-js' ? `${base}-nojs` : base;
}

async function logIn(page: Page, username: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('帳號').fill(username);
  await page.getByLabel('密碼').fill(password);
  await page.getByRole('button', { name: '登入' }).click();
}

test('a secretariat officer logs in, sees the start page and logs out', async ({ page }, info) => {
  await logIn(page, user('e2e-sec', info.project.name));

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '待分派案件' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '主選單' })).toBeVisible();

  await page.getByRole('button', { name: '登出' }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('button', { name: '登入' })).toBeVisible();

  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('a wrong password is answered in Chinese without saying which part was wrong', async ({ page }) => {
  await logIn(page, 'e2e-liaison', 'not the password');
  await expect(page.getByRole('alert')).toHaveText('帳號或密碼錯誤。');
});

test('a bureau liaison cannot open the user administration', async ({ page }, info) => {
  test.skip(info.project.name === 'no-js', 'one run is enough for a server-side refusal');
  await logIn(page, 'e2e-liaison');
  await expect(page.getByText('都市發展局').first()).toBeVisible();
  const response = await page.goto('/admin/users');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: '沒有權限' })).toBeVisible();
});

test('an admin creates a bureau user, who then logs in', async ({ page, browser }, info) => {
  const admin = user('e2e-admin', info.project.name);
  const newUser = info.project.name === 'no-js' ? 'e2e-new-nojs' : 'e2e-new';
  await logIn(page, admin);
  await page.getByRole('link', { name: '使用者管理' }).first().click();
  await expect(page.getByRole('heading', { name: '使用者管理' })).toBeVisible();

  const form = page.getByRole('form', { name: '新增使用者' });
  await form.getByLabel('帳號').fill(newUser);
  await form.getByLabel('姓名').fill('交通局 江聯絡');
  await form.getByLabel('角色').selectOption({ label: '局處府會聯絡員' });
  await form.getByLabel('所屬局處').selectOption({ label: '交通局' });
  await form.getByLabel('初始密碼').fill('交通局 初始密碼 001');
  await form.getByRole('button', { name: '建立帳號' }).click();

  await expect(page.getByRole('cell', { name: newUser, exact: true })).toBeVisible();

  // At first login the new user must choose their own password before anything else.
  const context = await browser.newContext({ javaScriptEnabled: info.project.name !== 'no-js' });
  const other = await context.newPage();
  await logIn(other, newUser, '交通局 初始密碼 001');
  await expect(other).toHaveURL(/\/account\/password$/);
  await expect(other.getByRole('status')).toContainText('請先設定只有您知道的新密碼');
  await other.goto('/cases');
  await expect(other).toHaveURL(/\/account\/password$/);

  const change = other.getByRole('form', { name: '變更密碼' });
  await change.getByLabel('目前的密碼').fill('交通局 初始密碼 001');
  await change.getByLabel('新密碼', { exact: true }).fill('江聯絡 自己選的 新密碼');
  await change.getByLabel('再輸入一次新密碼').fill('江聯絡 自己選的 新密碼');
  await change.getByRole('button', { name: '變更密碼' }).click();
  await expect(other.getByText('密碼已變更。')).toBeVisible();

  await other.goto('/');
  await expect(other.getByRole('heading', { name: '本局待辦案件' })).toBeVisible();
  await expect(other.getByText('交通局').first()).toBeVisible();
  await context.close();
});

test('a user changes their own password, which needs the current one', async ({ page }, info) => {
  const me = user('e2e-pw', info.project.name);
  await logIn(page, me);
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();
  await page.getByRole('link', { name: '變更密碼' }).click();
  await expect(page.getByRole('heading', { name: '變更密碼' })).toBeVisible();

  const form = page.getByRole('form', { name: '變更密碼' });
  await form.getByLabel('目前的密碼').fill('not my password');
  await form.getByLabel('新密碼', { exact: true }).fill('秘書處 我的 新密碼 2024');
  await form.getByLabel('再輸入一次新密碼').fill('秘書處 我的 新密碼 2024');
  await form.getByRole('button', { name: '變更密碼' }).click();
  await expect(page.getByText('目前的密碼不正確。')).toBeVisible();
  await expect(page).toHaveURL(/\/account\/password$/);

  await form.getByLabel('目前的密碼').fill(PASSWORD);
  await form.getByLabel('新密碼', { exact: true }).fill('秘書處 我的 新密碼 2024');
  await form.getByLabel('再輸入一次新密碼').fill('秘書處 我的 新密碼 2024');
  await form.getByRole('button', { name: '變更密碼' }).click();
  await expect(page.getByText('密碼已變更。')).toBeVisible();

  await page.getByRole('button', { name: '登出' }).click();
  await logIn(page, me, PASSWORD);
  await expect(page.getByRole('alert')).toHaveText('帳號或密碼錯誤。');
  await logIn(page, me, '秘書處 我的 新密碼 2024');
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();
});
