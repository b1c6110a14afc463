import { expect, test, type Page } from '@playwright/test';
import { acceptAtUdd, caseAtUdd, fillQuestion, freshNumber, logIn, ready } from './support';

/**
 * The islands, each doing its job in a real browser: buttons that say they are working and
 * cannot post twice, the reply editor's count and its question before leaving unsaved text,
 * and the delivery upload's checks and progress bar.
 */
test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'islands need JavaScript');

/** Holds every POST to `path` until the returned function is called. */
async function holdPosts(page: Page, path: string) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${path}`, async (route) => {
    if (route.request().method() === 'POST') await gate;
    await route.continue();
  });
  return release;
}

/**
 * Every state the form's buttons go through, as the page reports it. While a post is held
 * the page is between two documents and Playwright waits for the next one before reading
 * this one, so the page itself reports. With `resubmit`, the form is submitted once more
 * once its buttons are disabled: a second Enter while the first post is on its way.
 */
async function watchButtons(page: Page, label: string, resubmit = false) {
  const seen: { text: string; disabled: boolean }[][] = [];
  page.on('console', (m) => {
    if (m.text().startsWith('buttons:')) seen.push(JSON.parse(m.text().slice('buttons:'.length)));
  });
  await page.evaluate(
    ([label, resubmit]) => {
      const form = document.querySelector<HTMLFormElement>(`form[aria-label="${label}"]`)!;
      let again = resubmit;
      new MutationObserver(() => {
        const buttons = [...form.querySelectorAll('button')];
        console.log('buttons:' + JSON.stringify(buttons.map((b) => ({ text: b.textContent, disabled: b.disabled }))));
        if (again && buttons.some((b) => b.disabled)) {
          again = false;
          form.requestSubmit();
        }
      }).observe(form, { subtree: true, attributes: true, childList: true, characterData: true });
    },
    [label, resubmit] as const,
  );
  return seen;
}

function countPosts(page: Page, path: string) {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === path) seen.push(r.url());
  });
  return seen;
}

test('the wasm bundle loads and only the islands come alive', async ({ page }) => {
  const wasm = page.waitForResponse((r) => /\/pkg\/[0-9a-f]{12}\/fuhuitong\.wasm$/.test(r.url()) && r.ok());
  await page.goto('/login');
  await wasm;
  await ready(page);
  // Server-rendered pages are not hydrated: no resource data is shipped for them.
  const html = await (await page.request.get('/login')).text();
  expect(html).toContain('__RESOLVED_RESOURCES=[];');
  expect(html).not.toContain('__RESOLVED_RESOURCES[');
});

test('a second visit downloads nothing of the build: its files are kept by their content', async ({ page }) => {
  await page.goto('/login');
  await ready(page);
  await page.goto('/login');
  await ready(page);
  const fetched = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/pkg/'))
      .map((e) => ({ name: new URL(e.name).pathname, bytes: (e as PerformanceResourceTiming).transferSize })),
  );
  // The stylesheet, the JS glue and the wasm, each named by the build and none sent again.
  expect(fetched.map((f) => f.name.split('/').pop()).sort()).toEqual(
    expect.arrayContaining(['fuhuitong.js', 'fuhuitong.wasm']),
  );
  for (const f of fetched) {
    expect(f.name).toMatch(/^\/pkg\/[0-9a-f]{12}\//);
    expect(f.bytes, f.name).toBe(0);
  }
});

test('a login button says it is working and the form cannot be posted twice', async ({ page }) => {
  await page.goto('/login');
  await ready(page);
  const posts = countPosts(page, '/api/login');
  const release = await holdPosts(page, '/api/login');
  await page.getByLabel('帳號').fill('nobody-at-all');
  await page.getByLabel('密碼').fill('wrong password');
  const buttons = await watchButtons(page, '登入', true);
  // Enter in the password field. (A locator click would wait for the held post's page.)
  await page.getByLabel('密碼').focus();
  await page.keyboard.press('Enter');

  await expect.poll(() => buttons.at(-1)).toEqual([{ text: '處理中…', disabled: true }]);
  release();
  await expect(page.getByRole('alert')).toHaveText('帳號或密碼錯誤。');
  expect(posts).toHaveLength(1);
});

test('a double click on 登錄 records the question once', async ({ page }) => {
  await logIn(page, 'e2e-sec');
  await page.goto('/cases/new/question');
  await ready(page);
  const topic = `雙擊測試 ${freshNumber()}`;
  await fillQuestion(page, topic);
  const form = page.getByRole('form', { name: '登錄質詢' });

  const posts = countPosts(page, '/api/cases/record-question');
  const release = await holdPosts(page, '/api/cases/record-question');
  const buttons = await watchButtons(page, '登錄質詢');
  await form.getByRole('button', { name: '登錄', exact: true }).dblclick();
  // The form's other buttons (登錄並繼續下一題, 找相似案件) wait too.
  await expect.poll(() => buttons.at(-1)).toEqual([
    { text: '處理中…', disabled: true },
    { text: '登錄並繼續下一題', disabled: true },
    { text: '找相似案件', disabled: true },
  ]);
  release();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(topic);
  expect(posts).toHaveLength(1);

  await page.goto(`/cases?q=${encodeURIComponent(topic)}`);
  await expect(page.getByRole('status')).toHaveText(/共 1 件/);
});

test('the reply editor counts characters and asks before unsaved text is left behind', async ({ page, browser }) => {
  const topic = `未儲存提醒 ${freshNumber()}`;
  const path = await caseAtUdd(browser, 'question', topic);
  await acceptAtUdd(page, path);

  const editor = page.getByLabel('書面答復內容');
  const status = page.locator('.editor-status');
  await expect(status).toHaveText('0 / 20000 字');
  await editor.click();
  await page.keyboard.type('本案已完成。');
  await expect(status).toHaveText('6 / 20000 字・尚未儲存');

  // Leaving by the top bar: the browser asks, and staying keeps the text.
  const asked = page.waitForEvent('dialog');
  const leaving = page.getByRole('link', { name: '案件列表' }).click();
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.dismiss();
  await leaving;
  await expect(page).toHaveURL(new RegExp(`${path}\\??$`));
  await expect(editor).toHaveValue('本案已完成。');

  // Saving is not losing it: no question, and afterwards the page can be left freely.
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.accept();
  });
  await page.getByRole('button', { name: '儲存書面答復' }).click();
  await expect(page.getByText(/最後儲存：/)).toBeVisible();
  await ready(page);
  await expect(status).toHaveText('6 / 20000 字');
  await page.getByRole('link', { name: '案件列表' }).click();
  await expect(page.getByRole('heading', { name: '案件列表' })).toBeVisible();
  expect(dialogs).toBe(0);
});

test('the upload refuses an oversized batch before sending, then shows its progress', async ({ page, browser }) => {
  const topic = `上傳測試 ${freshNumber()}`;
  const path = await caseAtUdd(browser, 'data-request', topic);
  await acceptAtUdd(page, path);

  const uploads = countPosts(page, `${path}/deliveries`);
  const form = page.getByRole('form', { name: '提供一批資料' });
  await form.getByLabel('本批說明').fill('第一批：執行明細');
  const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
  await form.getByLabel('附件（可多選）').setInputFiles([
    { name: '明細.csv', mimeType: 'text/csv', buffer: Buffer.from('項目,金額\n') },
    { name: '掃描檔.pdf', mimeType: 'application/pdf', buffer: big },
  ]);
  const refusal = form.getByRole('alert');
  await expect(refusal).toContainText('「掃描檔.pdf」有 10.1 MB，超過每個檔案 10 MB 的上限。');
  await form.getByRole('button', { name: '送出本批資料' }).click();
  await expect(refusal).toBeVisible();
  expect(uploads).toHaveLength(0);

  const release = await holdPosts(page, `${path}/deliveries`);
  await form.getByLabel('附件（可多選）').setInputFiles([
    { name: '明細.csv', mimeType: 'text/csv', buffer: Buffer.from('項目,金額\n人事費,100\n') },
    { name: '附表.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(2 * 1024 * 1024, 0x42) },
  ]);
  await expect(refusal).toHaveCount(0);
  await form.getByRole('button', { name: '送出本批資料' }).click();
  await expect(form.getByRole('progressbar', { name: '上傳進度' })).toBeVisible();
  await expect(form.getByRole('button', { name: '上傳中…' })).toBeDisabled();
  release();

  const deliveries = page.getByRole('region', { name: '提供資料' });
  await expect(deliveries.getByText('第 1 批')).toBeVisible();
  await expect(deliveries.getByRole('link', { name: '附表.pdf' })).toBeVisible();
  expect(uploads).toHaveLength(1);
});

test('a refusal by the server shows in place, in its words, with the chosen files kept', async ({ page, browser }) => {
  const topic = `伺服器拒收 ${freshNumber()}`;
  const path = await caseAtUdd(browser, 'data-request', topic);
  await acceptAtUdd(page, path);

  const form = page.getByRole('form', { name: '提供一批資料' });
  await form.getByLabel('本批說明').fill('空白檔案');
  // The browser's checks pass (sizes only); the server refuses a file of no bytes.
  const files = form.getByLabel('附件（可多選）');
  await files.setInputFiles([{ name: '空白.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) }]);
  const before = page.url();
  await form.getByRole('button', { name: '送出本批資料' }).click();

  await expect(form.getByRole('alert')).toHaveText('「空白.csv」是空的檔案（0 位元組），本批資料未儲存。');
  expect(page.url()).toBe(before);
  expect(await files.evaluate((input: HTMLInputElement) => input.files?.length)).toBe(1);
  await expect(form.getByRole('button', { name: '送出本批資料' })).toBeEnabled();
  await expect(page.getByRole('region', { name: '提供資料' }).getByText('尚未提供資料。')).toBeVisible();
});

test('a new status link is copied with one press', async ({ page, context }, info) => {
  // Only Chromium lets a test read the clipboard back.
  test.skip(info.project.name === 'firefox', 'Firefox has no clipboard permissions to grant');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await logIn(page, 'e2e-sec');
  await page.goto('/links');
  const choose = page.getByRole('form', { name: '選擇議員' });
  await choose.getByLabel('議員').selectOption({ label: '林雨彤' });
  await choose.getByRole('button', { name: '選擇議員' }).click();
  await page.getByRole('form', { name: '建立狀態連結' }).getByRole('button', { name: '建立連結' }).click();

  const url = await page.getByLabel('連結網址').inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  await ready(page);
  await page.getByRole('button', { name: '複製連結' }).click();
  await expect(page.getByText('已複製')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
});
