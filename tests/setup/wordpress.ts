import { execFile } from 'node:child_process';
import { cp, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * vitest globalSetup (and, through startWordPress, Playwright's): a REAL WordPress for the publishing suites. Runs
 * `../shared/wordpress/wordpress-up.sh` (idempotent: reuses what is running; installs the Debian
 * packages when run as root, ~15 s+ the first time), copies the companion plugin
 * (wordpress-plugin/igny8-seo-meta) into its plugins folder, activates it over REST and checks its
 * meta keys are registered, then provides `wordpress` to the test config (bindings WP_TEST_*).
 *
 * If WordPress cannot start, the run goes on: `error` says why and the publishing suites fail
 * with that message (every other suite is unaffected). WordPress is stopped at the end only if
 * this run started it (set WP_KEEP_RUNNING=1 to keep it up between runs).
 */
export interface WordPressInfo {
  url: string;
  user: string;
  appPassword: string;
  error?: string;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WP_DIR = process.env.WORDPRESS_SCRIPTS_DIR ?? resolve(REPO, '../shared/wordpress');
const STATE = process.env.WP_STATE_DIR ?? '/tmp/wp/state';
const PLUGIN_DIR = 'igny8-seo-meta';
const PLUGIN_FILE = 'igny8-seo-meta';
export const SEO_META_KEYS = ['_igny8_meta_title', '_igny8_meta_description', '_igny8_primary_keyword'];

function run(script: string, args: string[] = [], timeoutMs = 600_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    execFile(
      'bash',
      [join(WP_DIR, script), ...args],
      { cwd: REPO, timeout: timeoutMs, maxBuffer: 4 << 20 },
      (err, stdout, stderr) => {
        if (err)
          fail(
            new Error(`${script} failed (${err.message.split('\n')[0]}):\n${stderr.split('\n').slice(-15).join('\n')}`),
          );
        else ok({ stdout, stderr });
      },
    );
  });
}

async function isUp(): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${process.env.WP_PORT ?? 8089}/wp-json/`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(2000),
    });
    return res.status < 500;
  } catch {
    return false;
  }
}

function parseEnv(stdout: string): WordPressInfo {
  const vars = Object.fromEntries(
    stdout
      .split('\n')
      .map((l) => /^(WP_[A-Z_]+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  if (!vars.WP_URL || !vars.WP_USER || !vars.WP_APP_PASSWORD)
    throw new Error(`wordpress-up.sh printed no credentials: ${stdout.slice(0, 300)}`);
  return { url: vars.WP_URL.replace(/\/+$/, ''), user: vars.WP_USER, appPassword: vars.WP_APP_PASSWORD };
}

/** Copies the companion plugin into WordPress and activates it (both idempotent). */
async function installPlugin(wp: WordPressInfo) {
  const target = join(STATE, 'htdocs/wp-content/plugins', PLUGIN_DIR);
  await mkdir(target, { recursive: true });
  await cp(join(REPO, 'wordpress-plugin', PLUGIN_DIR), target, { recursive: true, force: true });
  const auth = `Basic ${Buffer.from(`${wp.user}:${wp.appPassword}`).toString('base64')}`;
  const api = `${wp.url}/wp-json/wp/v2`;
  const res = await fetch(`${api}/plugins/${PLUGIN_DIR}/${PLUGIN_FILE}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'active' }),
  });
  const body = (await res.json().catch(() => ({}))) as { status?: string; message?: string };
  if (res.status !== 200 || body.status !== 'active')
    throw new Error(`activating ${PLUGIN_DIR}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  const schema = (await (
    await fetch(`${api}/posts`, { method: 'OPTIONS', headers: { authorization: auth } })
  ).json()) as {
    schema?: { properties?: { meta?: { properties?: Record<string, unknown> } } };
  };
  const registered = Object.keys(schema.schema?.properties?.meta?.properties ?? {});
  const missing = SEO_META_KEYS.filter((k) => !registered.includes(k));
  if (missing.length) throw new Error(`the companion plugin is active but ${missing.join(', ')} are not registered`);
}

/**
 * Starts (or reuses) WordPress with the companion plugin. Never throws: `info.error` says why it
 * is not available. `stop` shuts it down only if this call started it.
 */
export async function startWordPress(): Promise<{ info: WordPressInfo; stop: () => Promise<void> }> {
  const wasUp = await isUp();
  let info: WordPressInfo;
  try {
    const started = Date.now();
    info = parseEnv((await run('wordpress-up.sh')).stdout);
    await installPlugin(info);
    console.log(`[wordpress] ${info.url} ready in ${Date.now() - started} ms (companion plugin active)`);
  } catch (err) {
    const message = (err as Error).message;
    console.error(`[wordpress] NOT available, the publishing suites will fail: ${message}`);
    info = { url: '', user: '', appPassword: '', error: message };
  }
  const stop = async () => {
    if (wasUp || info.error || process.env.WP_KEEP_RUNNING === '1') return;
    await run('wordpress-down.sh', [], 60_000).catch((err) =>
      console.error(`[wordpress] stopping: ${(err as Error).message}`),
    );
  };
  return { info, stop };
}

export default async function setup(project: TestProject) {
  const { info, stop } = await startWordPress();
  project.provide('wordpress', info);
  return stop;
}

declare module 'vitest' {
  export interface ProvidedContext {
    wordpress: WordPressInfo;
  }
}
