import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createSite, signup, type Session } from '../helpers/api';
import { ownersOnOneShard } from '../helpers/fixtures';
import { devModelUrl, useOwnModelKey, waitForJob } from '../helpers/jobs';

const BASE = '/api/v1/system/strategies/';
const AUTHORS = '/api/v1/system/author-profiles/';

async function sector(s: Session, siteId: number, name: string): Promise<number> {
  const res = await call('POST', '/api/v1/auth/sectors/', { token: s.token, body: { site_id: siteId, name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id;
}

/** The user message of the last chat request the dev model received with this key. */
async function lastPrompt(apiKey: string): Promise<string> {
  const res = await fetch(`${devModelUrl()}/__dev/requests?key=${encodeURIComponent(apiKey)}&limit=1`);
  const { requests } = (await res.json()) as { requests: { messages: { role: string; content: string }[] }[] };
  expect(requests.length).toBe(1);
  return requests[0]!.messages.map((m) => m.content).join('\n');
}

describe('strategies API', () => {
  let owner: Session;
  let viewer: Session;
  let other: Session;
  let siteId: number;
  let sectorA: number;
  let sectorB: number;

  beforeAll(async () => {
    // One shard for both: only account_id tells their rows apart (ids can't differ by shard).
    [owner, other] = (await ownersOnOneShard('strategies')).pair;
    siteId = (await createSite(owner, 'Strategy Site')).id;
    sectorA = await sector(owner, siteId, 'Garden');
    sectorB = await sector(owner, siteId, 'Kitchen');
    viewer = await addMember(owner, 'viewer', [siteId]);
  });

  it('creates, filters by sector, edits and deletes; one active strategy per sector and prompt type', async () => {
    const logic = { required_sections: ['Tools You Need', 'Common Mistakes'], include_faq: true, min_words: 1200 };
    const a = await call('POST', BASE, {
      token: owner.token,
      body: {
        sector_id: sectorA,
        name: 'Garden how-to',
        prompt_types: ['ideas', 'content_generation'],
        section_logic: logic,
      },
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.data.section_logic).toMatchObject(logic);
    const clash = await call('POST', BASE, {
      token: owner.token,
      body: { sector_id: sectorA, name: 'Second', prompt_types: ['content_generation'] },
    });
    expect(clash.status).toBe(409);
    // Inactive drafts may overlap; switching one on while the other is active is refused.
    const draft = await call('POST', BASE, {
      token: owner.token,
      body: { sector_id: sectorA, name: 'Draft', prompt_types: ['ideas'], is_active: false },
    });
    expect(draft.status).toBe(201);
    expect(
      (await call('PATCH', `${BASE}${draft.body.data.id}/`, { token: owner.token, body: { is_active: true } })).status,
    ).toBe(409);
    const b = await call('POST', BASE, {
      token: owner.token,
      body: { sector_id: sectorB, name: 'Kitchen', prompt_types: ['content_generation'] },
    });
    expect(b.status).toBe(201);
    const listA = await call('GET', `${BASE}?sector_id=${sectorA}`, { token: viewer.token });
    expect(listA.body.results.map((s: { name: string }) => s.name).sort()).toEqual(['Draft', 'Garden how-to']);
    const edited = await call('PATCH', `${BASE}${b.body.data.id}/`, {
      token: owner.token,
      body: { section_logic: { required_sections: ['Shopping List'], include_faq: false, max_words: 900 } },
    });
    expect(edited.status).toBe(200);
    expect((await call('DELETE', `${BASE}${draft.body.data.id}/`, { token: owner.token })).status).toBe(200);
    expect((await call('GET', `${BASE}${draft.body.data.id}/`, { token: owner.token })).status).toBe(404);
  });

  it('validates the section logic and prompt types', async () => {
    for (const body of [
      { sector_id: sectorB, name: 'x', prompt_types: [] },
      { sector_id: sectorB, name: 'x', prompt_types: ['clustering'] },
      { sector_id: sectorB, name: 'x', prompt_types: ['ideas'], section_logic: { min_words: 2000, max_words: 1000 } },
      { sector_id: sectorB, name: 'x', prompt_types: ['ideas'], section_logic: { required_sections: [''] } },
    ]) {
      expect((await call('POST', BASE, { token: owner.token, body })).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("is 403 to a viewer's writes and 404 for another account's sector or strategy", async () => {
    expect(
      (
        await call('POST', BASE, {
          token: viewer.token,
          body: { sector_id: sectorB, name: 'v', prompt_types: ['ideas'] },
        })
      ).status,
    ).toBe(403);
    const otherSite = (await createSite(other, 'Other Site')).id;
    const otherSector = await sector(other, otherSite, 'Theirs');
    const theirs = await call('POST', BASE, {
      token: other.token,
      body: { sector_id: otherSector, name: 'Theirs', prompt_types: ['ideas'] },
    });
    expect(theirs.status).toBe(201);
    const mine = await call('POST', BASE, {
      token: owner.token,
      body: { sector_id: otherSector, name: 'Steal', prompt_types: ['ideas'] },
    });
    expect(mine.status).toBe(404);
    expect((await call('GET', `${BASE}?sector_id=${otherSector}`, { token: owner.token })).status).toBe(404);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await call(method, `${BASE}${theirs.body.data.id}/`, {
        token: owner.token,
        body: method === 'PATCH' ? { name: 'x' } : undefined,
      });
      expect(res.status).toBe(404);
    }
  });
});

/**
 * What the model is told: the author profile chosen task → idea → site default → none (an inactive
 * one skipped), and the sector's strategy, read from the dev model's request log.
 */
describe('author and strategy in the prompts', () => {
  const apiKey = 'sk-prompt-authors-strategies';
  let owner: Session;
  let siteId: number;
  let sectorId: number;
  const ids: Record<string, number> = {};

  async function newProfile(name: string, tone: string, language: string, extra: Record<string, unknown> = {}) {
    const res = await call('POST', AUTHORS, { token: owner.token, body: { name, tone, language, ...extra } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as number;
  }

  /** A task from a hand-made idea (with an outline), then its article written; returns the prompt and the job. */
  async function write(title: string, ideaAuthor: number | null, taskAuthor: number | null, words = 3000) {
    const idea = await call('POST', '/api/v1/planner/ideas/', {
      token: owner.token,
      body: {
        site_id: siteId,
        sector_id: sectorId,
        idea_title: title,
        outline: [{ h2: 'Why Raised Beds', coverage: 'benefits' }],
        estimated_word_count: words,
        author_profile_id: ideaAuthor,
      },
    });
    expect(idea.status, JSON.stringify(idea.body)).toBe(201);
    await call('POST', '/api/v1/writer/tasks/bulk_create_from_ideas/', {
      token: owner.token,
      body: { ids: [idea.body.data.id] },
    });
    const task = (
      await call('GET', `/api/v1/writer/tasks/?site_id=${siteId}&search=${encodeURIComponent(title)}`, {
        token: owner.token,
      })
    ).body.results[0];
    if (taskAuthor !== null) {
      const patched = await call('PATCH', `/api/v1/writer/tasks/${task.id}/`, {
        token: owner.token,
        body: { author_profile_id: taskAuthor },
      });
      expect(patched.status).toBe(200);
    }
    const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
      token: owner.token,
      body: { ids: [task.id] },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    return { prompt: await lastPrompt(apiKey), authors: job.result.authors as { source: string; name: string }[] };
  }

  beforeAll(async () => {
    owner = await signup('prompt-authors');
    await useOwnModelKey(owner, apiKey);
    siteId = (await createSite(owner, 'Prompt Site')).id;
    sectorId = await sector(owner, siteId, 'Raised Beds');
    ids.task = await newProfile('Tess Task', 'playful', 'de', { structure_template: { closing: 'cta' } });
    ids.idea = await newProfile('Ida Idea', 'academic', 'fr-ca');
    ids.site = await newProfile('Sam Site', 'conversational', 'es', { description: 'Weekend gardener' });
    ids.off = await newProfile('Otto Off', 'authoritative', 'it', { is_active: false });
    const setDefault = await call('PATCH', `/api/v1/auth/sites/${siteId}/`, {
      token: owner.token,
      body: { default_author_profile_id: ids.site },
    });
    expect(setDefault.status).toBe(200);
    const strategy = await call('POST', BASE, {
      token: owner.token,
      body: {
        sector_id: sectorId,
        name: 'Bed Builder',
        description: 'Hands-on guides',
        prompt_types: ['ideas', 'content_generation'],
        section_logic: {
          required_sections: ['Tools You Need', 'Common Mistakes'],
          include_faq: true,
          min_words: 1200,
          max_words: 1800,
        },
      },
    });
    expect(strategy.status).toBe(201);
  });

  it("uses the task's profile first, with the strategy's sections and word range", async () => {
    const { prompt, authors } = await write('Raised bed basics', ids.idea!, ids.task!);
    expect(prompt).toContain('Write as: Tess Task.');
    expect(prompt).toContain('Tone: playful.');
    expect(prompt).toContain('Language: de');
    expect(prompt).toContain('close with a call to action');
    expect(prompt).toContain('Strategy: Bed Builder — Hands-on guides.');
    expect(prompt).toContain(
      'Required sections (H2, in this order, among the others): Tools You Need; Common Mistakes',
    );
    expect(prompt).toContain('include an FAQ section; 1200–1800 words.');
    // The outline carries the required sections and the FAQ; the 3000-word target is held to 1800.
    expect(prompt).toMatch(/"h2": "Tools You Need"[\s\S]*"h2": "Common Mistakes"[\s\S]*"h2": "Frequently Asked/);
    expect(prompt).toContain('"word_count": 1800');
    expect(authors).toEqual([expect.objectContaining({ source: 'task', name: 'Tess Task' })]);
  });

  it("then the idea's, then the site default, skipping an inactive profile, then none", async () => {
    const idea = await write('Raised bed soil', ids.idea!, null);
    expect(idea.prompt).toContain('Write as: Ida Idea.');
    expect(idea.prompt).toContain('Tone: academic.');
    expect(idea.prompt).toContain('Language: fr-CA');
    expect(idea.authors[0]).toMatchObject({ source: 'idea' });

    const site = await write('Raised bed wood', null, null);
    expect(site.prompt).toContain('Write as: Sam Site — Weekend gardener.');
    expect(site.prompt).toContain('Tone: conversational.');
    expect(site.authors[0]).toMatchObject({ source: 'site' });

    const skipped = await write('Raised bed height', null, ids.off!);
    expect(skipped.prompt).not.toContain('Otto Off');
    expect(skipped.prompt).toContain('Write as: Sam Site');
    expect(skipped.authors[0]).toMatchObject({ source: 'site' });

    await call('PATCH', `/api/v1/auth/sites/${siteId}/`, {
      token: owner.token,
      body: { default_author_profile_id: null },
    });
    const none = await write('Raised bed cost', null, null, 1000);
    expect(none.prompt).not.toContain('Write as:');
    expect(none.prompt).toContain('"word_count": 1200');
    expect(none.authors[0]).toMatchObject({ source: 'none', name: null });
  });

  it("falls back when the idea's profile is deleted", async () => {
    const gone = await newProfile('Gone Soon', 'friendly', 'nl');
    await call('PATCH', `/api/v1/auth/sites/${siteId}/`, {
      token: owner.token,
      body: { default_author_profile_id: ids.site },
    });
    expect((await call('DELETE', `${AUTHORS}${gone}/`, { token: owner.token })).status).toBe(200);
    // An idea naming the deleted profile can't be made any more; one made before it went resolves past it.
    const res = await write('Raised bed liner', null, null);
    expect(res.prompt).not.toContain('Gone Soon');
    expect(res.authors[0]).toMatchObject({ source: 'site' });
  });

  it("puts the sector's ideas strategy into the ideas prompt", async () => {
    const cluster = await call('POST', '/api/v1/planner/clusters/', {
      token: owner.token,
      body: { site_id: siteId, sector_id: sectorId, name: 'Raised bed building' },
    });
    expect(cluster.status, JSON.stringify(cluster.body)).toBe(201);
    const start = await call('POST', '/api/v1/planner/clusters/auto_generate_ideas/', {
      token: owner.token,
      body: { ids: [cluster.body.data.id], ideas_per_cluster: 3 },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    await waitForJob(owner, start.body.data.task_id);
    const prompt = await lastPrompt(apiKey);
    expect(prompt).toContain('generate_ideas');
    expect(prompt).toContain('Strategy: Bed Builder — Hands-on guides.');
    expect(prompt).toContain('Tools You Need; Common Mistakes; include an FAQ section; 1200–1800 words.');
  });
});
