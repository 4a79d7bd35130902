// Seeds the demo account through the real API (so it goes through the same code as a user),
// then adds sample keywords to the account's shard. Idempotent: a second run only prints the logins.
// Usage: node scripts/seed-demo.mjs <base url> <wrangler persist dir>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, STAFF } from './demo-logins.ts';

const [base = 'http://127.0.0.1:8787', persist = '.wrangler/state'] = process.argv.slice(2);

async function api(method, path, { token, body } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

function printLogins() {
  console.log('\n  IGNY8 Edge is running at ' + base.replace('127.0.0.1', 'localhost'));
  console.log('  Demo logins (account "Demo Agency"):');
  for (const [role, u] of Object.entries(DEMO))
    console.log(`    ${role.padEnd(7)} ${u.email.padEnd(26)} ${u.password}`);
  console.log('  Developer console (/admin), account "IGNY8 staff":');
  for (const [role, u] of Object.entries(STAFF))
    console.log(`    ${role.padEnd(9)} ${u.email.padEnd(26)} ${u.password}`);
  console.log(`  API docs: ${base.replace('127.0.0.1', 'localhost')}/api/docs\n`);
}

function d1(db, args) {
  return execFileSync('wrangler', ['d1', 'execute', db, '--local', '--persist-to', persist, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function seedKeywords(accountId, siteId, sectors, templates) {
  const out = JSON.parse(
    d1('DB_CONTROL', ['--json', '--command', `SELECT shard FROM shard_directory WHERE account_id = ${accountId}`]),
  );
  const shard = out[0].results[0].shard;
  const modifiers = [
    '',
    'best ',
    'how to choose ',
    ' for beginners',
    ' guide',
    ' ideas',
    ' cost',
    ' vs alternatives',
    ' tips',
    ' checklist',
  ];
  const intents = ['informational', 'commercial', 'transactional', 'navigational'];
  const rows = [];
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const sector of sectors) {
    const template = templates.find((t) => t.id === sector.industry_sector_id);
    for (const kw of template?.suggested_keywords ?? []) {
      for (const m of modifiers) {
        const keyword = m.startsWith(' ') ? kw + m : m + kw;
        const now = Date.now();
        const q = (s) => `'${s.replace(/'/g, "''")}'`;
        rows.push(
          'INSERT OR IGNORE INTO keywords (account_id, site_id, sector_id, keyword, normalized, volume, difficulty, ' +
            'intent, status, created_at, updated_at) ' +
            `VALUES (${accountId}, ${siteId}, ${sector.id}, ${q(keyword)}, ${q(keyword.toLowerCase())}, ` +
            `${Math.round(50 + rand() * 12000)}, ${Math.round(rand() * 90)}, '${intents[Math.floor(rand() * 4)]}', ` +
            `'pending', ${now}, ${now});`,
        );
      }
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'igny8-seed-'));
  writeFileSync(join(dir, 'keywords.sql'), rows.join('\n'));
  d1(shard, ['--file', join(dir, 'keywords.sql')]);
  return rows.length;
}

async function main() {
  let session = null;
  try {
    session = await api('POST', '/api/v1/auth/login/', {
      body: { email: DEMO.owner.email, password: DEMO.owner.password, delivery: 'body' },
    });
  } catch {
    /* not seeded yet */
  }
  await seedStaffOnce();
  if (session) {
    console.log('[igny8] demo account already seeded');
    printLogins();
    return seedSiteOnce(session.data.access);
  }
  const reg = await api('POST', '/api/v1/auth/register/', {
    body: { ...DEMO.owner, account_name: 'Demo Agency', delivery: 'body' },
  });
  const token = reg.data.access;
  const accountId = reg.data.account.id;
  const industries = (await api('GET', '/api/v1/auth/industries/')).data;
  const templatesOf = (industrySlug) => industries.find((i) => i.slug === industrySlug).sectors;

  const garden = (
    await api('POST', '/api/v1/auth/sites/', {
      token,
      body: {
        name: 'Green Thumb Gardening',
        domain: 'greenthumb.example',
        industry_id: industries.find((i) => i.slug === 'home-garden').id,
      },
    })
  ).data;
  const gardenTemplates = templatesOf('home-garden').filter((s) =>
    ['gardening', 'outdoor-living', 'smart-home'].includes(s.slug),
  );
  const gardenSectors = (
    await api('POST', '/api/v1/auth/sectors/from_templates/', {
      token,
      body: { site_id: garden.id, industry_sector_ids: gardenTemplates.map((t) => t.id) },
    })
  ).data;

  const fitness = (
    await api('POST', '/api/v1/auth/sites/', {
      token,
      body: {
        name: 'Fit Daily',
        domain: 'fitdaily.example',
        industry_id: industries.find((i) => i.slug === 'health-wellness').id,
      },
    })
  ).data;
  const fitTemplates = templatesOf('health-wellness').filter((s) =>
    ['fitness-exercise', 'nutrition-diet'].includes(s.slug),
  );
  await api('POST', '/api/v1/auth/sectors/from_templates/', {
    token,
    body: { site_id: fitness.id, industry_sector_ids: fitTemplates.map((t) => t.id) },
  });

  for (const role of ['editor', 'viewer']) {
    const invite = await api('POST', '/api/v1/auth/users/', {
      token,
      body: { email: DEMO[role].email, name: DEMO[role].name, role, site_ids: [garden.id] },
    });
    const inviteToken = new URL(invite.data.invite_url).pathname.split('/').pop();
    await api('POST', `/api/v1/auth/invite/${inviteToken}/accept/`, {
      body: { name: DEMO[role].name, password: DEMO[role].password, delivery: 'body' },
    });
  }
  const keywordCount = await seedKeywords(accountId, garden.id, gardenSectors, gardenTemplates);
  console.log(
    `[igny8] seeded "Demo Agency": 2 sites, 5 sectors, ${keywordCount} keywords, owner + editor + viewer ` +
      '(editor and viewer see Green Thumb Gardening only)',
  );
  printLogins();
  // The app is usable from here; the demo articles arrive while you look (their jobs show live).
  const wrote = await seedArticles(token, garden.id).then(
    () => true,
    (err) => console.warn(`[igny8] demo articles not written (${err.message}); the rest of the demo is ready`),
  );
  if (wrote)
    await seedSite(token, garden.id).catch((err) =>
      console.warn(`[igny8] demo site not deployed (${err.message}); the rest of the demo is ready`),
    );
  await seedAutomation(token, garden.id);
}

/**
 * The issue-13 rule: weekday mornings in Berlin, a small batch through all seven stages, held for review,
 * approved articles published to WordPress 09:00–17:00, at most 2 a day, 2 hours apart. Started once now
 * (not awaited): its run moves live under Automation while you look.
 */
async function seedAutomation(token, siteId) {
  try {
    const rules = await api('GET', `/api/v1/automation/rules/?site_id=${siteId}&page_size=1`, { token });
    if (rules.count > 0) return;
    const rule = (
      await api('POST', '/api/v1/automation/rules/', {
        token,
        body: {
          site_id: siteId,
          name: 'Weekday mornings',
          description: 'The highest-volume unclustered keywords through the whole pipeline, held for review.',
          trigger: 'schedule',
          schedule: '0 7 * * 1-5',
          timezone: 'Europe/Berlin',
          config: {
            batches: { keywords_per_run: 10 },
            caps: { articles_per_day: 2, images_per_day: 4 },
            images: 'featured',
            publish_mode: 'review',
            publish_destination: 'wordpress',
            publish_window: { start: '09:00', end: '17:00', max_per_day: 2, min_spacing_minutes: 120 },
          },
        },
      })
    ).data;
    await api('POST', `/api/v1/automation/rules/${rule.id}/run_now/`, { token, body: {} });
    console.log('[igny8] automation rule "Weekday mornings" created and started once — see Automation');
  } catch (err) {
    console.warn(`[igny8] demo automation rule not created (${err.message}); the rest of the demo is ready`);
  }
}

/**
 * The developer login (issue 14): its own "IGNY8 staff" account, signed up through the API, then given the
 * developer role in the control database (no API hands out that role). Once: a developer who can sign in is left.
 */
async function seedStaffOnce() {
  const { email, password, name } = STAFF.developer;
  const existing = await api('POST', '/api/v1/auth/login/', { body: { email, password, delivery: 'body' } }).catch(
    () => null,
  );
  if (existing?.data.user.role === 'developer') return;
  try {
    if (!existing)
      await api('POST', '/api/v1/auth/register/', {
        body: { email, password, name, account_name: 'IGNY8 staff', delivery: 'body' },
      });
    const quoted = email.replace(/'/g, "''");
    d1('DB_CONTROL', [
      '--command',
      `UPDATE users SET role = 'developer', token_version = token_version + 1 WHERE email = '${quoted}'`,
    ]);
    console.log('[igny8] developer login seeded (account "IGNY8 staff")');
  } catch (err) {
    console.warn(`[igny8] developer login not seeded (${err.message}); the rest of the demo is ready`);
  }
}

/** A demo account seeded before the Site Builder or Automation existed gets its site and rule now (once). */
async function seedSiteOnce(token) {
  const sites = (await api('GET', '/api/v1/auth/sites/?page_size=10', { token })).results ?? [];
  const garden = sites.find((s) => s.name === 'Green Thumb Gardening');
  if (!garden) return;
  const blueprints = await api('GET', `/api/v1/site-builder/blueprints/?site_id=${garden.id}`, { token });
  const articles = await api('GET', `/api/v1/writer/content/?site_id=${garden.id}&page_size=1`, { token });
  if (blueprints.count === 0 && articles.count > 0)
    await seedSite(token, garden.id).catch((err) =>
      console.warn(`[igny8] demo site not deployed (${err.message}); the rest of the demo is ready`),
    );
  // Older demo accounts get the automation rule too (once: seedAutomation skips a site that has rules).
  await seedAutomation(token, garden.id);
}

/**
 * The Site Builder journey once (issue 12): a blog blueprint over the largest clusters, its
 * structure and home page generated by the dev model, deployed, then the demo articles published
 * to it one by one (each an incremental deploy), so /s/<slug>/ serves a real site.
 */
async function seedSite(token, siteId) {
  console.log('[igny8] building the demo site (Site Builder → deploy → publish the articles)…');
  const list = async (path) => (await api('GET', path, { token })).results;
  const post = async (path, body = {}) => (await api('POST', path, { token, body })).data;
  const blueprint = await post('/api/v1/site-builder/blueprints/', {
    site_id: siteId,
    name: 'Green Thumb Gardening',
    type: 'blog',
    theme: 'editorial',
    config: { tagline: 'Practical gardening, season by season' },
  });
  const clusters = await list(`/api/v1/planner/clusters/?site_id=${siteId}&ordering=-volume&page_size=3`);
  for (const [i, c] of clusters.entries())
    await post(`/api/v1/site-builder/blueprints/${blueprint.id}/clusters/`, {
      cluster_id: c.id,
      role: i < 2 ? 'hub' : 'supporting',
    });
  await waitForJob(token, (await post(`/api/v1/site-builder/blueprints/${blueprint.id}/generate_structure/`)).task_id);
  const pages = await list(`/api/v1/site-builder/pages/?blueprint_id=${blueprint.id}&page_size=100`);
  const home = pages.find((p) => p.type === 'home');
  if (home) await waitForJob(token, (await post(`/api/v1/site-builder/pages/${home.id}/generate_content/`)).task_id);
  const deployed = await post(`/api/v1/publisher/blueprints/${blueprint.id}/deploy/`);
  await waitForJob(token, deployed.job.id);
  const articles = await list(`/api/v1/writer/content/?site_id=${siteId}&page_size=10`);
  for (const article of articles) {
    const published = await post(`/api/v1/publisher/content/${article.id}/publish/`, { destination: 'igny8' });
    await waitForJob(token, published.job.id);
  }
  const url = deployed.deployment.url.replace('127.0.0.1', 'localhost');
  console.log(`[igny8] demo site live: ${url} (${pages.length} pages, ${articles.length} articles) — see Site Builder`);
}

/** Polls a job (the seed's task_progress endpoint) until it ends. */
async function waitForJob(token, taskId, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await api('GET', `/api/v1/system/settings/task_progress/${taskId}/`, { token })).data.job;
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) {
      if (job.status !== 'succeeded') throw new Error(`job ${job.function} ${job.status}: ${job.error ?? ''}`);
      return job;
    }
    if (Date.now() > deadline) throw new Error(`job ${taskId} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The journey once, through the same AI jobs a user runs (against the dev model): the top keywords
 * clustered, ideas for the two largest clusters, four of them written as articles, then scored,
 * so the Optimizer and the Linker have something to show.
 */
async function seedArticles(token, siteId) {
  console.log('[igny8] writing 4 demo articles with the dev model (clusters → ideas → articles)…');
  const list = async (path) => (await api('GET', path, { token })).results;
  const keywords = await list(`/api/v1/planner/keywords/?site_id=${siteId}&ordering=-volume&page_size=20`);
  const post = (path, body) => api('POST', path, { token, body });
  await waitForJob(
    token,
    (await post('/api/v1/planner/keywords/auto_cluster/', { ids: keywords.map((k) => k.id) })).data.task_id,
  );
  const clusters = await list(`/api/v1/planner/clusters/?site_id=${siteId}&ordering=-volume&page_size=2`);
  const ideasJob = await post('/api/v1/planner/clusters/auto_generate_ideas/', {
    ids: clusters.map((c) => c.id),
    ideas_per_cluster: 3,
  });
  await waitForJob(token, ideasJob.data.task_id);
  const ideas = await list(`/api/v1/planner/ideas/?site_id=${siteId}&page_size=4`);
  await post('/api/v1/writer/tasks/bulk_create_from_ideas/', { ids: ideas.map((i) => i.id) });
  const tasks = await list(`/api/v1/writer/tasks/?site_id=${siteId}&page_size=4`);
  const written = await post('/api/v1/writer/tasks/auto_generate_content/', { ids: tasks.map((t) => t.id) });
  for (const id of written.data.task_ids) await waitForJob(token, id);
  const content = await list(`/api/v1/writer/content/?site_id=${siteId}&page_size=10`);
  const scored = (await post('/api/v1/optimizer/analyze/', { content_ids: content.map((c) => c.id) })).data;
  console.log(
    `[igny8] demo articles written and scored: ${scored.map((s) => `${s.score} (${s.band})`).join(', ')} ` +
      '— see Optimizer',
  );
}

main().catch((err) => {
  console.error('[igny8] seeding failed:', err.message);
  process.exit(1);
});
