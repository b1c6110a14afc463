import { expect, test } from '@playwright/test';
import { logIn, ready, todayRoc } from './support';

test('a bureau records a bill for the session and the council’s first step on it', async ({ page }, info) => {
  const js = info.project.name !== 'no-js';
  const title = `公園管理自治條例修正草案 ${Date.now() % 100000}`;
  await logIn(page, 'e2e-liaison');
  await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '議法案' }).click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: '議法案', level: 1 })).toBeVisible();
  await expect(page.getByText(/秘書處於 .* 請各局處提報/)).toBeVisible();
  await page.getByRole('link', { name: '登錄議案' }).click();
  await ready(page, js);

  const form = page.getByRole('form', { name: '登錄議案' });
  // A refused form keeps what was typed and says what is missing beside its field.
  await form.getByLabel('案名').fill(title);
  await form.getByLabel('種類').selectOption({ label: '自治條例（修正）' });
  await form.getByLabel('重要性說明').fill(' ');
  await form.getByLabel('重要性說明').evaluate((el) => el.removeAttribute('required'));
  await form.getByRole('button', { name: '登錄' }).click();
  await ready(page, js);
  await expect(page.getByText('請輸入重要性說明。').first()).toBeVisible();
  await expect(page.getByRole('form', { name: '登錄議案' }).getByLabel('案名')).toHaveValue(title);

  const again = page.getByRole('form', { name: '登錄議案' });
  await again.getByLabel('重要性說明').fill('延長公園開放時間並明定夜間管理，回應里民陳情。');
  await again.getByLabel('審查委員會').fill('工務委員會');
  await again.getByRole('button', { name: '登錄' }).click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByText('擬送議會（', { exact: false }).first()).toBeVisible();

  // The council's first step: sent, on today's date.
  const step = page.getByRole('form', { name: '記錄審議進度' });
  await step.getByLabel('進度').selectOption({ label: '送議會' });
  await step.getByLabel('日期').fill(todayRoc());
  await step.getByRole('button', { name: '記錄' }).click();
  await ready(page, js);
  await expect(page.getByText(`送議會（${todayRoc()}）`).first()).toBeVisible();
  // The comparison table, uploaded as a plain form; it is listed to download.
  const files = page.getByRole('form', { name: '上傳附件' });
  await files.getByLabel('附件種類').selectOption({ label: '條文對照表' });
  await files.getByLabel('檔案（可多選）').setInputFiles({
    name: '條文對照表.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('條次,現行條文,修正條文\r\n第5條,一年,六個月\r\n'),
  });
  await files.getByRole('button', { name: '上傳附件' }).click();
  await ready(page, js);
  await expect(page.getByRole('link', { name: '條文對照表.csv' })).toBeVisible();

  // Next it can be read the first time, not yet passed.
  const next = page.getByRole('form', { name: '記錄審議進度' }).getByLabel('進度');
  await expect(next.locator('option', { hasText: '一讀' })).toHaveCount(1);
  await expect(next.locator('option', { hasText: '三讀通過' })).toHaveCount(0);
});

test('the secretariat schedules a caucus briefing, prints its pack, and records the caucus’s positions and an ask made a data request', async ({ page }, info) => {
  const js = info.project.name !== 'no-js';
  await logIn(page, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await page.goto('/bills');
  await ready(page, js);
  await page.getByRole('link', { name: '黨團報告', exact: true }).click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: '黨團報告', level: 1 })).toBeVisible();
  // The demo's briefings: two held, one scheduled.
  for (const [caucus, status] of [['青禾黨', '已報告'], ['晨光聯盟', '已報告'], ['社區行動黨', '已排定']]) {
    const row = page.getByRole('row', { name: new RegExp(`^${caucus}`) }).first();
    await expect(row).toContainText(status);
  }

  const schedule = page.getByRole('form', { name: '排定黨團報告' });
  await schedule.getByLabel('黨團').selectOption({ label: '無黨籍' });
  await schedule.getByLabel('日期').fill(todayRoc());
  await schedule.getByLabel('時間').fill('14:30');
  await schedule.getByLabel('地點').fill('議會第一會議室');
  await schedule.getByRole('button', { name: '排定' }).click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: '無黨籍黨團報告' })).toBeVisible();

  // Two of the session's major bills.
  const choose = page.getByRole('form', { name: '選定報告的議案' });
  const boxes = choose.getByRole('checkbox');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await choose.getByRole('button', { name: '儲存報告的議案' }).click();
  await ready(page, js);
  const table = page.getByRole('table', { name: '報告的議案' });
  await expect(table.getByRole('row')).toHaveCount(3);

  // The pack: the ODT is a file, the print page the same document.
  const base = new URL(page.url()).pathname;
  const odt = await page.request.get(`${base}/pack.odt`);
  expect(odt.status()).toBe(200);
  expect(odt.headers()['content-type']).toContain('opendocument');
  await page.getByRole('link', { name: '列印' }).click();
  await expect(page.getByRole('heading', { name: /重大議法案報告/ })).toBeVisible();
  await expect(page.getByText('無黨籍黨團', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: '議程' })).toBeVisible();
  await page.goto(base);
  await ready(page, js);

  // After the briefing: a position on each bill, then what the caucus asked.
  const outcome = page.getByRole('form', { name: '記錄報告結果' });
  const selects = outcome.getByRole('combobox');
  await selects.nth(0).selectOption({ label: '支持' });
  await selects.nth(1).selectOption({ label: '有條件支持' });
  await outcome.getByLabel('報告紀要').fill('市長說明兩案重點。');
  await outcome.getByRole('button', { name: '儲存' }).click();
  await ready(page, js);
  await expect(page.getByText('已報告', { exact: true })).toBeVisible();
  await expect(table.getByRole('cell', { name: '有條件支持' })).toBeVisible();

  const ask = page.getByRole('form', { name: '記錄黨團的要求' });
  const wanted = `請提供各區公園夜間照明統計 ${Date.now() % 100000}`;
  await ask.getByLabel('要求').fill(wanted);
  await ask.getByRole('button', { name: '記錄要求' }).click();
  await ready(page, js);
  await expect(page.getByText(wanted)).toBeVisible();
  const file = page.getByRole('form', { name: '轉為索資案件' }).first();
  await file.getByLabel('提出議員').selectOption({ index: 1 });
  await file.getByRole('button', { name: '轉為索資案件' }).click();
  await ready(page, js);
  // The data request, recorded and linked back to the briefing.
  await expect(page.getByRole('heading', { name: new RegExp('無黨籍黨團報告要求') })).toBeVisible();
  await page.getByRole('link', { name: '無黨籍黨團報告提出的要求' }).click();
  await ready(page, js);
  await expect(page.getByRole('link', { name: '已轉為索資案件' })).toBeVisible();
});
