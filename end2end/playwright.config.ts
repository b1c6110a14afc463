import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);

// Debian's Chromium, not a downloaded one.
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  // One worker: the journeys share one server and two cores.
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-TW',
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true, launchOptions: chromium } },
    { name: 'no-js', use: { javaScriptEnabled: false, launchOptions: chromium } },
    // Debian's Firefox ESR, driven over WebDriver BiDi (Playwright's `moz-firefox` channel),
    // runs the journeys that live on hydration: the islands, the whole case journey, every
    // page without a console error, and the desk's traps. @playwright/test stays at 1.64:
    // 1.65 opens every context with emulation.setMediaFeaturesOverride, which Firefox ESR
    // 153 does not know.
    {
      name: 'firefox',
      testMatch: [
        'islands.spec.ts',
        'question-journey.spec.ts',
        'navigation.spec.ts',
        'desk.spec.ts',
      ],
      use: {
        browserName: 'firefox',
        javaScriptEnabled: true,
        launchOptions: { channel: 'moz-firefox', executablePath: '/usr/bin/firefox-esr' },
      },
    },
  ],
  webServer: {
    command: 'bash ./start-server.sh',
    url: `http://127.0.0.1:${port}/login`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
