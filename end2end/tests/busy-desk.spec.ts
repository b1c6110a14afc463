import { expect, test } from '@playwright/test';
import { fillQuestion, freshNumber, logIn, openAs } from './support';

/**
 * The busiest desks: the list sorted from its headings, a filter kept under a name, the
 * search box in the top bar, rows ticked and assigned at once. With and without
 * JavaScript: all of it is plain links and forms.
 */

test('the secretariat finds new questions from the top bar, ticks them and assigns them in one go', async ({ page, browser }) => {
  const token = freshNumber();
  const recorder = await openAs(browser, false, 'e2e-sec');
  for (const topic of [`批次分派甲 ${token}`, `批次分派乙 ${token}`]) {
    await recorder.goto('/cases/new/question');
    await fillQuestion(recorder, topic);
    await recorder.getByRole('button', { name: '登錄', exact: true }).click();
    await expect(recorder.getByRole('heading', { level: 1 })).toContainText(topic);
  }
  await recorder.context().close();

  await logIn(page, 'e2e-sec');
  const search = page.getByRole('search', { name: '搜尋案件' });
  await search.getByRole('searchbox').fill(`批次分派 ${token}`);
  await search.getByRole('button', { name: '搜尋' }).click();
  await expect(page.getByRole('heading', { name: '案件列表' })).toBeVisible();
  const ticks = page.getByRole('checkbox', { name: /^選取質詢/ });
  await expect(ticks).toHaveCount(2);
  await ticks.nth(0).check();
  await ticks.nth(1).check();
  const bulk = page.getByRole('form', { name: '勾選的案件' });
  await bulk.getByLabel('勾選的案件分派給').selectOption({ label: '交通局' });
  await bulk.getByRole('button', { name: '分派', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '已分派 2 案。' })).toBeVisible();
  await expect(page.locator('.case-table').getByText('待局處接受', { exact: true })).toHaveCount(2);
});

test('the list sorts by due date from its heading and a filter is kept under a name', async ({ page }, info) => {
  await logIn(page, info.project.name === 'no-js' ? 'e2e-sec-nojs' : 'e2e-sec');
  await page.goto('/cases?status=assigned');
  await page.getByRole('columnheader', { name: '期限' }).getByRole('link').click();
  await expect(page).toHaveURL(/sort=due/);
  await expect(page.getByRole('columnheader', { name: '期限' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByLabel('排序')).toHaveValue('due');

  const name = `待接受依期限 ${freshNumber()}`;
  await page.getByText('儲存目前的篩選').click();
  await page.getByLabel('名稱').fill(name);
  await page.getByRole('button', { name: '儲存', exact: true }).click();
  const saved = page.getByRole('region', { name: '我的篩選' }).getByRole('link', { name });
  await expect(saved).toBeVisible();
  await page.goto('/cases');
  await page.getByRole('region', { name: '我的篩選' }).getByRole('link', { name }).click();
  await expect(page).toHaveURL(/status=assigned/);
  await expect(page.getByLabel('排序')).toHaveValue('due');
  await page.getByRole('button', { name: `刪除篩選「${name}」` }).click();
  await expect(page.getByRole('region', { name: '我的篩選' }).getByRole('link', { name })).toHaveCount(0);
});
