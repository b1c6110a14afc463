import { expect, test } from '@playwright/test';
import { fillQuestion, freshNumber, logIn, ready } from './support';

/**
 * The secretariat looks up earlier questions: by keyword in the case list (the words found
 * are marked; 臺 and 台 are one), and while recording, with 找相似案件, which keeps what was
 * typed. Hydrated and without JavaScript alike.
 */
test('the secretariat finds earlier questions by keyword and while recording a new one', async ({ page, javaScriptEnabled }) => {
  const js = javaScriptEnabled !== false;
  const tag = freshNumber();
  const first = `臺北市搜尋測試${tag}號社會住宅`;
  await logIn(page, 'e2e-sec');
  await page.goto('/cases/new/question');
  await ready(page, js);
  await fillQuestion(page, first);
  await page.getByRole('button', { name: '登錄', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(first);

  await page.getByRole('banner').getByRole('link', { name: '案件列表' }).click();
  const filters = page.getByRole('search', { name: '篩選案件' });
  await filters.getByLabel('關鍵字').fill(`台北市搜尋測試${tag}`);
  await filters.getByRole('button', { name: '篩選' }).click();
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByRole('status')).toHaveText(/^共 1 件/);
  const row = page.getByRole('row').filter({ hasText: `${tag}號` });
  await expect(row.getByRole('link', { name: first })).toBeVisible();
  await expect(row.locator('mark')).toHaveText(`臺北市搜尋測試${tag}`);
  await expect(filters.getByLabel('關鍵字')).toHaveValue(`台北市搜尋測試${tag}`);

  // A second question on the same matter: the form lists the first before it is recorded.
  await page.goto('/cases/new/question');
  await ready(page, js);
  const second = `搜尋測試${tag}號社會住宅追蹤`;
  await fillQuestion(page, second);
  await page.getByRole('button', { name: '找相似案件' }).click();
  const similar = page.getByRole('region', { name: '相似的過去案件' });
  await expect(similar.getByRole('link', { name: new RegExp(`${tag}號社會住宅$`) })).toBeVisible();
  const form = page.getByRole('form', { name: '登錄質詢' });
  await expect(form.getByLabel('質詢議題')).toHaveValue(second);
  await expect(form.getByLabel('質詢內容')).toHaveValue('請說明辦理情形。');

  // Recorded, its page lists the first too.
  await ready(page, js);
  await form.getByLabel('質詢編號').fill(freshNumber());
  await form.getByLabel('質詢類別').selectOption({ label: '市政總質詢' });
  await form.getByLabel('質詢日期').fill('113/03/15');
  await form.getByRole('button', { name: '登錄', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(second);
  await expect(page.getByRole('region', { name: '相似案件' }).getByRole('link', { name: new RegExp(`${tag}號社會住宅$`) })).toBeVisible();
});
