import { expect, test, type Page } from '@playwright/test';
import { logIn, openAs, ready } from './support';

/**
 * One question's whole journey through the UI, as in docs/domain.md: recorded,
 * assigned, turned down by a co-bureau, reassigned, answered, signed off, returned by the
 * reviewer, fixed and approved. Three people work at once in three browser contexts: the
 * secretariat, the bureaus (one desk, several officers taking turns) and the reviewer.
 */
test('a question travels from the secretariat through the bureaus to the reviewer', async ({ browser }, info) => {
  test.setTimeout(240_000);
  const js = info.project.name !== 'no-js';
  // Each project records its own question (the Firefox run follows Chromium's).
  const run = { hydrated: ['9001', '（一）'], 'no-js': ['9002', '（二）'], firefox: ['9003', '（三）'] }[
    info.project.name
  ] ?? ['9004', '（四）'];
  const number = run[0];
  const topic = `信義區社會住宅進度${run[1]}`;

  const secretariat = await openAs(browser, js, js ? 'e2e-sec' : 'e2e-sec-nojs');
  const bureau = await openAs(browser, js, 'e2e-dot');
  const reviewer = await openAs(browser, js, 'e2e-rev');

  // 1. The secretariat records a joint question.
  await secretariat.goto('/cases/new/question');
  await ready(secretariat, js);
  const form = secretariat.getByRole('form', { name: '登錄質詢' });
  await form.getByLabel('質詢編號').fill(number);
  await form.getByLabel('質詢類別').selectOption({ label: '市政總質詢' });
  await form.getByLabel('質詢日期').fill('113/03/15');
  await form.getByLabel('質詢議員').selectOption([{ label: '林雨彤' }, { label: '陳冠霖' }]);
  await form.getByLabel('質詢議題').fill(topic);
  await form.getByLabel('質詢內容').fill('請說明信義區社會住宅興建進度與周邊人行道改善計畫。');
  await form.getByRole('button', { name: '登錄', exact: true }).click();
  await expect(secretariat.getByRole('heading', { level: 1 })).toContainText(topic);
  await expect(secretariat.getByText('待分派', { exact: true })).toBeVisible();
  const caseUrl = new URL(secretariat.url()).pathname;
  expect(caseUrl).toMatch(/^\/cases\/\d+$/);

  // 2. It goes to 都發局 with 交通局 helping.
  await ready(secretariat, js);
  const assign = secretariat.getByRole('form', { name: '分派' });
  await assign.getByLabel('主辦機關').selectOption({ label: '都市發展局' });
  await assign.getByLabel('協辦機關（可多選）').selectOption([{ label: '交通局' }]);
  await assign.getByRole('button', { name: '分派' }).click();
  await expect(secretariat.getByText('待局處接受', { exact: true })).toBeVisible();

  // 3. 交通局 says the sidewalks are 工務局's and turns its part down.
  await bureau.goto(caseUrl);
  await ready(bureau, js);
  const reject = bureau.getByRole('form', { name: '退回分派' });
  await reject.getByLabel('退回理由').fill('人行道養護屬工務局權責。');
  await reject.getByLabel('建議改由').selectOption({ label: '工務局' });
  await reject.getByRole('button', { name: '退回分派' }).click();
  // The case is no longer 交通局's to see: it lands on its start page, told what happened.
  await expect(bureau.getByRole('heading', { name: '我的工作' })).toBeVisible();
  await expect(bureau.getByRole('status').filter({ hasText: '已退回分派' })).toBeVisible();

  // 4. The secretariat sees the rejection first and hands the part to 工務局.
  await secretariat.goto('/');
  await expect(secretariat.getByRole('heading', { name: /遭退回待改分案件/ })).toBeVisible();
  await secretariat.getByRole('link', { name: topic }).first().click();
  await expect(secretariat.getByRole('cell', { name: /人行道養護屬工務局權責。（建議：工務局）/ })).toBeVisible();
  await ready(secretariat, js);
  const reassign = secretariat.getByRole('form', { name: '改分交通局' });
  await reassign.getByLabel('改分至').selectOption({ label: '工務局' });
  await reassign.getByRole('button', { name: '改分' }).click();
  await expect(secretariat.getByRole('cell', { name: '工務局', exact: true })).toBeVisible();

  // 5. 工務局 accepts and writes its part.
  await switchUser(bureau, js, 'e2e-pwd');
  await bureau.goto(caseUrl);
  await ready(bureau, js);
  await bureau.getByRole('button', { name: '接受分派' }).click();
  await ready(bureau, js);
  await bureau.getByLabel('本局協辦意見').fill('周邊人行道將於 6 月底前完成整平。');
  await bureau.getByRole('button', { name: '儲存協辦意見' }).click();
  await expect(bureau.getByText('周邊人行道將於 6 月底前完成整平。').first()).toBeVisible();

  // 6. 都發局 accepts, writes the reply beside the sub-answer and sends it up.
  await switchUser(bureau, js, 'e2e-liaison');
  await bureau.goto(caseUrl);
  await ready(bureau, js);
  await bureau.getByRole('button', { name: '接受分派' }).click();
  await ready(bureau, js);
  await expect(bureau.getByText('周邊人行道將於 6 月底前完成整平。').first()).toBeVisible();
  await bureau.getByLabel('書面答復內容').fill('本案基地預計 113 年底前完工。');
  await bureau.getByRole('button', { name: '儲存書面答復' }).click();
  await expect(bureau.getByText(/最後儲存：/)).toBeVisible();
  await ready(bureau, js);
  await bureau.getByRole('button', { name: '送主管核定' }).click();
  await expect(bureau.getByText('待主管核定', { exact: true })).toBeVisible();

  // 7. The bureau's approver signs it off; the secretariat passes it on.
  await switchUser(bureau, js, 'e2e-udd-boss');
  await bureau.goto(caseUrl);
  await ready(bureau, js);
  await bureau.getByRole('button', { name: '核定', exact: true }).click();
  await expect(bureau.getByText('待秘書處檢核', { exact: true })).toBeVisible();
  await secretariat.goto(caseUrl);
  await ready(secretariat, js);
  await secretariat.getByRole('button', { name: '送副秘書長審查', exact: true }).click();
  await expect(secretariat.getByText('待副秘書長審查', { exact: true })).toBeVisible();

  // 8. The reviewer returns it with a comment.
  await reviewer.goto(caseUrl);
  await ready(reviewer, js);
  const back = reviewer.getByRole('form', { name: '退回局處修正' });
  await back.getByLabel('退回意見').fill('請補充各期工程的完工時程。');
  await back.getByRole('button', { name: '退回局處修正' }).click();
  await expect(reviewer.getByText('退回修正', { exact: true })).toBeVisible();

  // 9. 都發局 fixes the reply and it goes up again.
  await switchUser(bureau, js, 'e2e-liaison');
  await bureau.goto(caseUrl);
  await expect(bureau.getByRole('note')).toContainText('請補充各期工程的完工時程。');
  await ready(bureau, js);
  await bureau.getByLabel('書面答復內容').fill('本案基地第一期 113 年底、第二期 114 年 6 月完工。');
  await bureau.getByRole('button', { name: '儲存書面答復' }).click();
  await expect(bureau.getByLabel('書面答復內容')).toHaveValue('本案基地第一期 113 年底、第二期 114 年 6 月完工。');
  await ready(bureau, js);
  await bureau.getByRole('button', { name: '送主管核定' }).click();
  await expect(bureau.getByText('待主管核定', { exact: true })).toBeVisible();
  await switchUser(bureau, js, 'e2e-udd-boss');
  await bureau.goto(caseUrl);
  await ready(bureau, js);
  await bureau.getByRole('button', { name: '核定', exact: true }).click();
  await expect(bureau.getByText('待秘書處檢核', { exact: true })).toBeVisible();
  await secretariat.goto(caseUrl);
  await ready(secretariat, js);
  await secretariat.getByRole('button', { name: '送副秘書長審查', exact: true }).click();
  await expect(secretariat.getByText('待副秘書長審查', { exact: true })).toBeVisible();

  // 10. Approved and kept under tracking; the timeline tells the whole story.
  await reviewer.goto(caseUrl);
  await ready(reviewer, js);
  await reviewer.getByLabel('繼續列管').check();
  await reviewer.getByRole('button', { name: '審查通過', exact: true }).click();
  await expect(reviewer.getByText('列管中', { exact: true })).toBeVisible();
  const timeline = reviewer.getByRole('region', { name: '歷程' });
  for (const step of ['登錄案件', '分派主辦機關', '退回分派', '改分', '儲存協辦意見', '儲存答復', '核定', '審查通過']) {
    await expect(timeline.getByText(step, { exact: true }).first()).toBeVisible();
  }
  await expect(timeline.getByText('請補充各期工程的完工時程。').first()).toBeVisible();

  for (const page of [secretariat, bureau, reviewer]) await page.context().close();
});

async function switchUser(page: Page, js: boolean, username: string) {
  await ready(page, js);
  await page.getByRole('button', { name: '登出' }).click();
  await expect(page).toHaveURL(/\/login/);
  await logIn(page, username);
}
