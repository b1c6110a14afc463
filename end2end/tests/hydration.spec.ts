import { expect, test } from '@playwright/test';

test.describe('with JavaScript', () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'hydration needs JavaScript');

  test('the wasm bundle loads and the login form is handled in the browser', async ({ page }) => {
    const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.ok());
    await page.goto('/login');
    await wasm;
    // Hydrated: a failed login shows its message without a round trip through the URL,
    // which is how the same form reports errors without JavaScript.
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('帳號').fill('nobody-here');
    await page.getByLabel('密碼').fill('wrong password');
    await page.getByRole('button', { name: '登入' }).click();
    await expect(page.getByRole('alert')).toHaveText('帳號或密碼錯誤。');
    expect(page.url()).not.toContain('__err');
  });
});

test.describe('without JavaScript', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled, 'checks the plain-HTML path');

  test('the same failed login is reported through a plain form post', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('帳號').fill('nobody-here-either');
    await page.getByLabel('密碼').fill('wrong password');
    await page.getByRole('button', { name: '登入' }).click();
    await expect(page.getByRole('alert')).toHaveText('帳號或密碼錯誤。');
    expect(page.url()).toContain('__err');
  });
});
