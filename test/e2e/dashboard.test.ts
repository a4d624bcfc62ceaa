import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox/sandbox.ts';
import type { ExternalSecret } from '../../src/api/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import {
  attachOperatorApi,
  manyExternalSecrets,
  startFakeOperatorApi,
  storeIn,
  type FakeOperatorApi,
} from '../../src/server/operator-api/test-support.ts';
import { newSecretValue, waitFor } from './operator-support.ts';

/**
 * The dashboard in headless Chromium (Debian's, driven by playwright-core): against the
 * sandbox it loads and shows the ExternalSecrets, updates live when a secret is rotated (Event
 * Grid push), filters, refuses actions without the token and performs them with it, is usable
 * from the keyboard, and never has a value in its HTML. Against an API holding 10,000
 * ExternalSecrets it stays fast. Screenshots for review go to `.kvsync/screenshots/`.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, '.kvsync/screenshots');
const TOKEN = 'dashboard-test-token';
const ES_API = 'external-secrets.io/v1';

let dir: string;
let browser: BrowserContext;

async function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(dir, 'chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1366, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

async function openDashboard(url: string): Promise<Page> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${url}/dashboard/`);
  await page.locator('#connection', { hasText: 'Live' }).waitFor();
  expect(problems).toEqual([]);
  return page;
}

function rowOf(page: Page, key: string) {
  return page.locator('#rows tr', { has: page.locator(`button[data-key="${key}"]`) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvsync-dashboard-'));
  mkdirSync(SHOTS, { recursive: true });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard on the sandbox', () => {
  let sandbox: Sandbox;
  let kube: KubeClient;
  let url: string;
  let detach: () => Promise<void>;
  let page: Page;
  const values: string[] = [];

  beforeAll(async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    sandbox = await startSandbox({
      dir: join(dir, 'sandbox'),
      push: true,
      operatorArgs: ['--dashboard-token-file', tokenFile, '--reloader=false'],
      writeLog: () => {},
    });
    kube = createKubeClient({ kubeconfigPath: sandbox.endpoints.kubeconfig });
    ({ url, detach } = await attachOperatorApi(sandbox, { tokenFile }));
    for (const name of ['postgresql-password', 'payments-db'])
      values.push((await sandbox.secrets.getSecret(name)).value!);
    values.push((JSON.parse(values[1]!) as { password: string }).password);
    await waitFor('both examples synced', async () => {
      const list = await kube.list<ExternalSecret>({ apiVersion: ES_API, kind: 'ExternalSecret' });
      return (
        list.length === 2 &&
        list.every((es) => es.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      );
    });
    page = await openDashboard(url);
  });

  afterAll(async () => {
    await page?.close();
    await detach?.();
    await sandbox?.close();
  });

  function noValueInPage(html: string): void {
    for (const value of values) {
      expect(html).not.toContain(value);
      expect(html).not.toContain(Buffer.from(value).toString('base64'));
    }
  }

  it("loads and shows the sandbox's ExternalSecrets, stores and vault", async () => {
    await rowOf(page, 'default/database-credentials').waitFor();
    await expect.poll(() => page.locator('#shown').textContent()).toBe('2 of 2 shown');
    expect(await rowOf(page, 'payments/payments-api').locator('.badge').textContent()).toBe('synced');
    expect(await page.locator('#counts').textContent()).toContain('2 synced');
    expect(await page.locator('#vaults tbody').textContent()).toContain('our-vault.vault.azure.net');
    const stores = await page.locator('#stores tbody').textContent();
    expect(stores).toContain('SecretStore default/azure-backend');
    expect(stores).toContain('ClusterSecretStore our-vault');
    expect(await page.locator('#operator').textContent()).toMatch(/^operator \S+, leader, no reloader$/);
    await page.screenshot({ path: join(SHOTS, 'dashboard-sandbox.png') });
  });

  it('shows a rotation live (push), in the row and in the timeline, without a reload', async () => {
    await page.locator('button[data-key="default/database-credentials"]').click();
    await page.locator('#detail-title', { hasText: 'default/database-credentials' }).waitFor();
    const stored = await sandbox.secrets.setSecret('postgresql-password', newSecretValue('rotated'));
    values.push((await sandbox.secrets.getSecret('postgresql-password')).value!);
    const short = stored.properties.version!.slice(0, 8);
    await rowOf(page, 'default/database-credentials')
      .locator('.c-version', { hasText: `postgresql-password@${short}` })
      .waitFor();
    await page.locator('#detail .timeline li', { hasText: `postgresql-password@${short}` }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'dashboard-rotation.png') });
    noValueInPage(await page.content());
  });

  it('filters by text, namespace and state', async () => {
    await page.fill('#search', 'payments');
    await expect.poll(() => page.locator('#shown').textContent()).toBe('1 of 2 shown');
    expect(await page.locator('#rows button[data-key]').allTextContents()).toEqual(['payments-api']);
    await page.fill('#search', '');
    await page.selectOption('#namespace', 'default');
    await expect
      .poll(() => page.locator('#rows button[data-key]').allTextContents())
      .toEqual(['database-credentials']);
    await page.selectOption('#namespace', '');
    await page.selectOption('#state', 'failed');
    await expect.poll(() => page.locator('#rows').textContent()).toContain('No ExternalSecret matches.');
    await page.selectOption('#state', '');
    await expect.poll(() => page.locator('#shown').textContent()).toBe('2 of 2 shown');
  });

  it('refuses actions without the token, refuses a wrong token, and performs them with the right one', async () => {
    const annotation = async () =>
      (
        await kube.get<ExternalSecret>({
          apiVersion: ES_API,
          kind: 'ExternalSecret',
          namespace: 'default',
          name: 'database-credentials',
        })
      )?.metadata.annotations?.['force-sync'];
    const before = await annotation();
    await page.locator('button[data-key="default/database-credentials"]').click();
    await page.locator('#sync-now').click();
    await page
      .locator('#action-result', { hasText: "Refused: this action needs the operator's token" })
      .waitFor();
    expect(await annotation()).toBe(before);
    await page.fill('#token', 'not-the-token');
    await page.locator('#unlock').click();
    await page.locator('#token-status', { hasText: 'Token refused' }).waitFor();
    await page.fill('#token', TOKEN);
    await page.locator('#unlock').click();
    await page.locator('#token-status', { hasText: 'Actions unlocked' }).waitFor();
    await page.locator('#sync-now').click();
    await page.locator('#action-result', { hasText: 'Sync requested.' }).waitFor();
    await waitFor('the force-sync annotation', async () => (await annotation()) !== before);
    await page.locator('#restart-stale').click();
    await page
      .locator('#action-result', { hasText: 'Refused: restart-stale is not available yet' })
      .waitFor();
    await page.locator('#lock').click();
  });

  it('checks Key Vault from the detail panel with versions and hashes, never a value', async () => {
    await page.locator('#probe').click();
    await page.locator('#probe-result table', { hasText: 'get postgresql-password' }).first().waitFor();
    expect(await page.locator('#probe-result').textContent()).toMatch(/password\s*same/);
    await page.screenshot({ path: join(SHOTS, 'dashboard-detail.png') });
    noValueInPage(await page.content());
  });

  it('works from the keyboard: arrows move between rows, Enter opens, Escape closes and returns focus', async () => {
    await page.locator('#detail-close').click();
    await page.locator('button[data-key="default/database-credentials"]').focus();
    const focusedKey = () => page.locator(':focus').getAttribute('data-key');
    await page.keyboard.press('ArrowDown');
    expect(await focusedKey()).toBe('payments/payments-api');
    await page.keyboard.press('Enter');
    await page.locator('#detail-title:focus', { hasText: 'payments/payments-api' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').isHidden()).toBe(true);
    expect(await focusedKey()).toBe('payments/payments-api');
    // Every control has an accessible name: a label, aria-label, or its text.
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, button')]
      .filter((element) => !element.labels?.length && !element.getAttribute('aria-label') && !element.textContent.trim())
      .map((element) => element.outerHTML)`);
    expect(unlabelled).toEqual([]);
  });
});

describe('the dashboard with 10,000 ExternalSecrets', () => {
  let api: FakeOperatorApi;

  beforeAll(async () => {
    const objects = [
      ...manyExternalSecrets(10_000, 20),
      ...Array.from({ length: 20 }, (_, i) => storeIn(`ns-${i}`)),
    ];
    api = await startFakeOperatorApi(objects, { token: () => TOKEN });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('renders fast with only the visible rows in the page, scrolls to the end, filters and updates live', async () => {
    const started = Date.now();
    const page = await openDashboard(api.url);
    await expect.poll(() => page.locator('#shown').textContent()).toBe('10000 of 10000 shown');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await page.locator('#rows button[data-key]').count()).toBeLessThan(120);
    expect(await page.locator('#counts').textContent()).toContain('104 failed');
    await page.screenshot({ path: join(SHOTS, 'dashboard-10000.png') });

    const last = manyExternalSecrets(10_000, 20)
      .map((es) => `${es.metadata.namespace}/${es.metadata.name}`)
      .sort()
      .pop()!;
    await page.locator('#list').evaluate((list) => (list.scrollTop = list.scrollHeight));
    await page.locator(`button[data-key="${last}"]`).waitFor();

    const filtering = Date.now();
    await page.fill('#search', 'es-0999');
    await expect.poll(() => page.locator('#shown').textContent()).toBe('10 of 10000 shown');
    expect(Date.now() - filtering).toBeLessThan(3_000);

    await api.kube.patchStatus(
      { apiVersion: ES_API, kind: 'ExternalSecret', namespace: 'ns-19', name: 'es-09999' },
      {
        status: {
          refreshTime: '2026-01-01T00:30:00Z',
          conditions: [
            { type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'now failing' },
          ],
        },
      },
    );
    await rowOf(page, 'ns-19/es-09999').locator('.badge', { hasText: 'failed' }).waitFor();
    await page.close();
  });
});
