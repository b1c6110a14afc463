import { expect, test } from '@playwright/test';
import { caseAtUdd, logIn, ready } from './support';

test('a promise made in session becomes a data request for the bureau, linked both ways', async ({ browser }, info) => {
  const js = info.project.name !== 'no-js';
  const topic = `社宅中籤率 ${Date.now() % 100000}`;
  const question = await caseAtUdd(browser, 'question', topic);

  // In the chamber the bureau head promises the figures; the secretariat records it.
  const desk = await browser.newContext({ javaScriptEnabled: js, locale: 'zh-TW' });
  const sec = await desk.newPage();
  await logIn(sec, js ? 'e2e-sec' : 'e2e-sec-nojs');
  await sec.goto(question);
  await ready(sec, js);
  await sec.getByText('記錄會後補資料承諾', { exact: true }).click();
  const form = sec.getByRole('form', { name: '記錄會後補資料承諾' });
  await form.getByLabel('承諾人').fill('都市發展局局長');
  await form.getByLabel('承諾提供的資料').fill('提供近三年各基地中籤率統計。');
  await expect(form.getByLabel('提供資料的局處')).toHaveValue(/\d+/);
  await form.getByRole('button', { name: '建立會後補資料索資案件' }).click();
  await ready(sec, js);

  // The question lists it; its data request says where it came from and why it is due then.
  const panel = sec.getByRole('region', { name: '會後補資料' });
  await expect(panel).toContainText('都市發展局局長承諾：提供近三年各基地中籤率統計。');
  await panel.getByRole('link', { name: /索資 第 \d+ 號/ }).click();
  await ready(sec, js);
  await expect(sec.getByRole('heading', { level: 1 })).toContainText('會後補資料：提供近三年各基地中籤率統計。');
  await expect(sec.getByText('會後補資料（質詢時承諾）期限', { exact: false })).toBeVisible();
  await expect(sec.getByText('待局處接受', { exact: true })).toBeVisible();
  await sec.getByRole('link', { name: /質詢 第 \d+ 號/ }).first().click();
  await expect(sec.getByRole('heading', { level: 1 })).toContainText(topic);
  await desk.close();
});
