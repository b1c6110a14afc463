import { expect, test } from '@playwright/test';
import { logIn, ready, todayRoc } from './support';

/**
 * The follow-up meeting from agenda to minutes: the reviewer opens the scheduled meeting
 * (seed-demo leaves one, each run of this journey schedules the next), decides every
 * tracked case, confirms, and reads the minutes; the secretariat schedules the next one.
 */
test('the reviewer runs and closes the follow-up meeting and the secretariat schedules the next', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const js = info.project.name !== 'no-js';

  // The meeting is held today, before the day it was scheduled for: the secretariat moves
  // it first (decisions are confirmed on the meeting's day, never before).
  const desk = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const secretariat = await desk.newPage();
  await logIn(secretariat, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await secretariat.goto('/meetings');
  await secretariat.getByRole('row').filter({ hasText: '已排定' }).getByRole('link').click();
  await ready(secretariat, js);
  const move = secretariat.getByRole('form', { name: '變更會議日期' });
  await move.getByLabel('會議日期').fill(todayRoc());
  await move.getByRole('button', { name: '變更日期' }).click();
  await expect(secretariat.getByRole('heading', { level: 1 })).toHaveText(`${todayRoc()} 追蹤會議`);
  await desk.close();

  await logIn(page, 'e2e-rev');
  await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '追蹤會議' }).click();
  await expect(page.getByRole('heading', { name: '追蹤會議', level: 1 })).toBeVisible();
  await page.getByRole('row').filter({ hasText: '已排定' }).getByRole('link').click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: /^議程：列管案件 \d+ 案$/ })).toBeVisible();
  await expect(page.getByRole('link', { name: '下載議程（ODT）' })).toBeVisible();

  // One decision per case: one released, the others kept under tracking. The demo keeps a
  // council resolution under tracking; the journey's first run (hydrated) releases that one,
  // executed, and a later run the first case on its agenda.
  const open = page.getByRole('form', { name: /的決議$/ });
  const riders = page.getByRole('form', { name: /^決議案 第 \d+ 號的決議$/ });
  if (js) await expect(riders.first()).toBeVisible();
  const released = (await riders.count()) > 0 ? riders.first() : open.first();
  const label = (await released.getAttribute('aria-label'))!.replace(/的決議$/, '');
  let decided = 0;
  while ((await open.count()) > 0) {
    const form = decided === 0 ? released : open.first();
    if (decided === 0) {
      await form.getByLabel('決議', { exact: true }).selectOption({ label: '解除列管' });
      await form.getByLabel('決議說明').fill('已完成改善，解除列管。');
    } else {
      await form.getByLabel('決議', { exact: true }).selectOption({ label: '繼續列管' });
      await form.getByLabel('下次檢視日期（繼續列管）').fill('150/01/01');
      await form.getByLabel('決議說明').fill('請於下次會議報告辦理進度。');
    }
    await form.getByRole('button', { name: '儲存決議' }).click();
    decided += 1;
    await expect(page.getByText(decided === 1 ? '解除列管：已完成改善，解除列管。' : /繼續列管，150\/01\/01 再檢視/).first()).toBeVisible();
    await ready(page, js);
    expect(decided).toBeLessThan(50);
  }
  await expect(page.getByText('每一案都已有決議')).toBeVisible();
  await page.getByRole('button', { name: '確認決議並產生會議紀錄' }).click();

  await expect(page.getByRole('heading', { name: '會議紀錄' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '解除列管案件' })).toBeVisible();
  await expect(page.getByRole('link', { name: '下載會議紀錄（ODT）' })).toBeVisible();
  await expect(page.getByText('已完成改善，解除列管。').first()).toBeVisible();
  await expect(page.getByRole('form', { name: /的決議$/ })).toHaveCount(0);

  // The released case is closed; a resolution released is executed (執行完畢).
  await page.getByRole('link', { name: label, exact: true }).first().click();
  await ready(page, js);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(label);
  await expect(page.getByText('已結案', { exact: true }).first()).toBeVisible();
  if (label.startsWith('決議案')) {
    await expect(page.getByText('已執行完畢', { exact: true }).first()).toBeVisible();
  }

  // The secretariat schedules the next meeting on the suggested day.
  const context = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const sec = await context.newPage();
  await logIn(sec, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await sec.goto('/meetings');
  const schedule = sec.getByRole('form', { name: '排定追蹤會議' });
  await expect(schedule.getByLabel('會議日期')).not.toHaveValue('');
  await expect(schedule.getByLabel('出席人員（每行一位）')).toContainText('副秘書長');
  await schedule.getByRole('button', { name: '排定會議' }).click();
  await expect(sec).toHaveURL(/\/meetings\/\d+$/);
  await expect(sec.getByRole('heading', { name: /^議程：列管案件 \d+ 案$/ })).toBeVisible();
  await expect(sec.getByText('已排定')).toBeVisible();
  await context.close();
});
