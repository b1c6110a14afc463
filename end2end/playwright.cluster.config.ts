import { defineConfig } from '@playwright/test';

// The cluster journey (scripts/test starts `scripts/cluster` first): Debian's Chromium against
// nginx in front of three app servers on one PostgreSQL.
export default defineConfig({
  testDir: './cluster',
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 90_000,
  use: {
    baseURL: process.env.CLUSTER_URL ?? 'http://127.0.0.1:8080',
    locale: 'zh-TW',
  },
  projects: [
    {
      name: 'cluster',
      use: {
        javaScriptEnabled: true,
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
        },
      },
    },
  ],
});
