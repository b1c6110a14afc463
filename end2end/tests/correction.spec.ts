import { expect, test, type Browser } from '@playwright/test';
import { acceptAtUdd, caseAtUdd, openAs, ready } from './support';

/** A question 都市發展局 answered and the reviewer approved (closed); its page's path. */
async function answeredAtUdd(browser: Browser, js: boolean, topic: string): Promise<string> {
  const path = await caseAtUdd(browser, 'question', topic);
  const context = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const liaison = await context.newPage();
  await acceptAtUdd(liaison, path, js);
  await liaison.getByLabel('書面答復內容').fill('信義計畫區已增設停車格 12 格。');
  await liaison.getByRole('button', { name: '儲存書面答復' }).click();
  await expect(liaison.getByText(/最後儲存：/)).toBeVisible();
  await ready(liaison, js);
  await liaison.getByRole('button', { name: '送主管核定' }).click();
  await expect(liaison.getByText('待主管核定', { exact: true })).toBeVisible();
  await context.close();
  for (const [user, button, after] of [
    ['e2e-udd-boss', '核定', '待秘書處檢核'],
    ['e2e-sec', '送副秘書長審查', '待副秘書長審查'],
    ['e2e-rev', '審查通過', '已結案'],
  ]) {
    const page = await openAs(browser, js, user);
    await page.goto(path);
    await ready(page, js);
    await page.getByRole('button', { name: button, exact: true }).click();
    await expect(page.getByText(after, { exact: true }).first()).toBeVisible();
    await page.context().close();
  }
  return path;
}

test('a wrong answer already sent is corrected by its own reviewed text, and the original is flagged', async ({ browser }, info) => {
  test.slow();
  const js = info.project.name !== 'no-js';
  const topic = `信義區停車格 ${Date.now() % 100000}`;
  const path = await answeredAtUdd(browser, js, topic);

  // The bureau finds the figure was wrong and writes the correction.
  const liaison = await openAs(browser, js, 'e2e-liaison');
  await liaison.goto(path);
  await ready(liaison, js);
  await liaison.getByText('答復內容有誤：提出勘誤', { exact: true }).click();
  const form = liaison.getByRole('form', { name: '勘誤' });
  await expect(form.getByLabel('更正後的內容')).toHaveValue('信義計畫區已增設停車格 12 格。');
  await form.getByLabel('勘誤原因').fill('原答復誤植停車格數。');
  // Sent unchanged, the form says so and keeps what was typed.
  await form.getByRole('button', { name: '送副秘書長審查' }).click();
  await expect(liaison.getByText('更正後的內容與原答復相同', { exact: false }).first()).toBeVisible();
  const again = liaison.getByRole('form', { name: '勘誤' });
  await expect(again.getByLabel('勘誤原因')).toHaveValue('原答復誤植停車格數。');
  await again.getByLabel('更正後的內容').fill('信義計畫區已增設停車格 120 格。');
  await again.getByRole('button', { name: '送副秘書長審查' }).click();
  await ready(liaison, js);
  const panel = liaison.getByRole('region', { name: '勘誤' });
  await expect(panel).toContainText('待副秘書長審查');
  await expect(panel).toContainText('信義計畫區已增設停車格 120 格。');
  await liaison.context().close();

  // The reviewer finds it on the start page and approves it.
  const reviewer = await openAs(browser, js, 'e2e-rev');
  const waiting = reviewer.getByRole('region', { name: /待審查的勘誤/ });
  await waiting.getByRole('link', { name: /質詢 第 \d+ 號/ }).last().waitFor();
  await reviewer.goto(path);
  await ready(reviewer, js);
  const review = reviewer.getByRole('form', { name: '審查勘誤' });
  await review.getByLabel('審查通過').check();
  await review.getByRole('button', { name: '送出審查結果' }).click();
  await ready(reviewer, js);
  const done = reviewer.getByRole('region', { name: '勘誤' });
  await expect(done).toContainText('審查通過');
  await expect(done).toContainText('已通知議員辦公室');
  // The original stays as sent, flagged, pointing at the correction.
  await expect(reviewer.getByText('已勘誤', { exact: true })).toBeVisible();
  const reply = reviewer.getByRole('region', { name: '書面答復' });
  await expect(reply).toContainText('信義計畫區已增設停車格 12 格。');
  await expect(reply.getByRole('link', { name: /本答復已於 .* 勘誤/ })).toBeVisible();
  await reviewer.context().close();
});
