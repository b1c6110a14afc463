import { expect, test, type Page, type Response } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fillQuestion, logIn, ready } from '../tests/support';

/** `scripts/cluster kill 2` and the like, on the cluster scripts/test started. */
function cluster(...args: string[]) {
  execFileSync(path.join(__dirname, '..', '..', 'scripts', 'cluster'), args, { stdio: 'inherit' });
}

/** The app server nginx sent a response to (the cluster's `X-Upstream` header). */
function upstream(res: Response | { headers(): Record<string, string> }): string {
  const all = res.headers()['x-upstream'] ?? '';
  // After a retry nginx lists every server it tried; the last one answered.
  return all.split(',').pop()!.trim();
}

function serversSeen(page: Page): Set<string> {
  const seen = new Set<string>();
  page.on('response', (res) => {
    const u = upstream(res);
    if (u) seen.add(u);
  });
  return seen;
}

test('one session and the same answers through every app server behind nginx', async ({ browser }) => {
  const secContext = await browser.newContext({ locale: 'zh-TW' });
  const sec = await secContext.newPage();
  const secSeen = serversSeen(sec);
  await logIn(sec, 'e2e-sec');

  // The secretariat records a question and assigns it, wherever nginx sends each request.
  const topic = `叢集分派測試 ${Date.now()}`;
  await sec.goto('/cases/new/question');
  await ready(sec);
  await fillQuestion(sec, topic);
  await sec.getByRole('button', { name: '登錄', exact: true }).click();
  await expect(sec.getByRole('heading', { level: 1 })).toContainText(topic);
  const path = new URL(sec.url()).pathname;
  await ready(sec);
  const assign = sec.getByRole('form', { name: '分派' });
  await assign.getByLabel('主辦機關').selectOption({ label: '都市發展局' });
  await assign.getByRole('button', { name: '分派' }).click();
  await expect(sec.getByText('待局處接受', { exact: true })).toBeVisible();

  // Every server knows the session and gives the same answer.
  const answers = new Map<string, number>();
  for (let i = 0; i < 9; i++) {
    const res = await sec.request.get(path);
    expect(res.status()).toBe(200);
    const body = await res.text();
    expect(body).toContain(topic);
    expect(body).toContain('待局處接受');
    expect(body).toContain('登出');
    answers.set(upstream(res), (answers.get(upstream(res)) ?? 0) + 1);
  }
  expect([...answers.keys()].sort()).toHaveLength(3);

  // One server crashes: the journey goes on through the other two, reads and writes alike.
  cluster('kill', '2');

  // The bureau accepts in its own browser; the secretariat sees it from whichever server.
  const uddContext = await browser.newContext({ locale: 'zh-TW' });
  const udd = await uddContext.newPage();
  await logIn(udd, 'e2e-liaison');
  await udd.goto(path);
  await ready(udd);
  await udd.getByRole('button', { name: '接受分派' }).click();
  await ready(udd);
  await expect(udd.getByRole('button', { name: '接受分派' })).toHaveCount(0);
  for (let i = 0; i < 3; i++) {
    await sec.reload();
    await expect(sec.getByText('待局處接受', { exact: true })).toHaveCount(0);
  }
  expect(secSeen.size).toBe(3);

  // Started again, it rejoins: nginx sends it requests, and it knows the session.
  cluster('revive', '2');
  await expect(async () => {
    const again = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await sec.request.get(path);
      expect(res.status()).toBe(200);
      expect(await res.text()).toContain('登出');
      again.add(upstream(res));
    }
    expect(again.size).toBe(3);
  }).toPass({ timeout: 20_000 });

  // Signing out on one server ends the session on all of them.
  await sec.getByRole('button', { name: '登出' }).click();
  await expect(sec.getByRole('button', { name: '登入' })).toBeVisible();
  const signedOut = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const res = await sec.request.get(path);
    const body = await res.text();
    expect(body).not.toContain(topic);
    expect(body).not.toContain('登出');
    signedOut.add(upstream(res));
  }
  expect(signedOut.size).toBe(3);
  await secContext.close();
  await uddContext.close();
});
