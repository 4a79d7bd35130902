import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { lineDiff } from '../../core/lib/line-diff';
import { aiPrompts } from '../../core/schema/shard';
import {
  promptBody,
  promptDiffQuery,
  promptRestoreBody,
  promptTryBody,
  promptTypeParam,
  promptVersionParam,
  promptVersionsQuery,
  testImageBody,
} from '../../core/validation/system';
import type { AppEnv } from '../env';
import { BadRequest, NotFound } from '../http/errors';
import { ok, page } from '../http/respond';
import { body, describe, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext, type Tenant } from '../middleware/tenant';
import { DEFAULT_PROMPTS, type PromptType } from './prompts';
import { getPromptVersion, listPromptVersions, savePromptVersion } from './prompt-versions';
import { sampleInputFor, testImage, tryPrompt } from './prompt-try';

const promptParam = (raw: string | undefined): PromptType => {
  const parsed = promptTypeParam.safeParse(raw);
  if (!parsed.success) throw new NotFound('Prompt type');
  return parsed.data;
};

const versionParam = (raw: string | undefined): number => {
  const parsed = promptVersionParam.safeParse(raw);
  if (!parsed.success) throw new NotFound('Prompt version');
  return parsed.data;
};

/** What the editor shows for a prompt after a write. */
const promptView = (type: PromptType, value: string, version: number) => ({
  prompt_type: type,
  prompt_value: value,
  is_default: value === DEFAULT_PROMPTS[type],
  default_value: DEFAULT_PROMPTS[type],
  version,
});

const save = (tenant: Tenant, type: PromptType, value: string, source: 'edit' | 'restore' | 'reset', from?: number) =>
  savePromptVersion(tenant.db, {
    accountId: tenant.account.id,
    type,
    value,
    source,
    userId: tenant.user.id,
    restoredFrom: from ?? null,
  });

/**
 * The account's AI prompts (live text in ai_prompts) and their history (ai_prompt_versions): every
 * write is a new version. Reading needs a member of the account; every write, settings:manage.
 */
export const promptRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get('/', describe("The AI prompts in use: the account's own or the built-in default", ['system']), async (c) => {
    const tenant = c.get('tenant');
    const rows = await tenant.db.select().from(aiPrompts).where(eq(aiPrompts.account_id, tenant.account.id)).all();
    return ok(
      c,
      (Object.keys(DEFAULT_PROMPTS) as PromptType[]).map((type) => {
        const own = rows.find((r) => r.prompt_type === type);
        return {
          prompt_type: type,
          prompt_value: own?.prompt_value ?? DEFAULT_PROMPTS[type],
          is_default: !own,
          default_value: DEFAULT_PROMPTS[type],
          updated_at: own?.updated_at ?? null,
          sample_input: sampleInputFor(type),
        };
      }),
    );
  })
  .put(
    '/:type',
    describe('Override a prompt for the account (a new version)', ['system']),
    requirePermission('settings:manage'),
    body(promptBody),
    async (c) => {
      const tenant = c.get('tenant');
      const type = promptParam(c.req.param('type'));
      const value = c.req.valid('json').prompt_value;
      const version = await save(tenant, type, value, 'edit');
      return ok(c, { ...promptView(type, value, version), is_default: false });
    },
  )
  .post(
    '/:type/reset',
    describe('Reset a prompt to the built-in default (a new version, source "reset")', ['system']),
    requirePermission('settings:manage'),
    async (c) => {
      const tenant = c.get('tenant');
      const type = promptParam(c.req.param('type'));
      const version = await save(tenant, type, DEFAULT_PROMPTS[type], 'reset');
      return ok(c, { ...promptView(type, DEFAULT_PROMPTS[type], version), is_default: true });
    },
  )
  .get(
    '/:type/versions',
    describe("A prompt's versions, newest first, with who made each", ['system']),
    query(promptVersionsQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const type = promptParam(c.req.param('type'));
      const q = c.req.valid('query');
      const { results, count } = await listPromptVersions(
        tenant.db,
        tenant.control,
        tenant.account.id,
        type,
        q.page,
        q.page_size,
      );
      return page(c, results, count, q.page, q.page_size);
    },
  )
  .get('/:type/versions/:n', describe('One version of a prompt, with its text', ['system']), async (c) => {
    const tenant = c.get('tenant');
    const type = promptParam(c.req.param('type'));
    const n = versionParam(c.req.param('n'));
    return ok(c, await getPromptVersion(tenant.db, tenant.control, tenant.account.id, type, n));
  })
  .get(
    '/:type/diff',
    describe('A line diff between two versions (removed and added lines)', ['system']),
    query(promptDiffQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const type = promptParam(c.req.param('type'));
      const { from, to } = c.req.valid('query');
      const [a, b] = await Promise.all([
        getPromptVersion(tenant.db, tenant.control, tenant.account.id, type, from),
        getPromptVersion(tenant.db, tenant.control, tenant.account.id, type, to),
      ]);
      const lines = lineDiff(a.prompt_value, b.prompt_value);
      return ok(c, {
        from,
        to,
        added: lines.filter((l) => l.op === 'added').length,
        removed: lines.filter((l) => l.op === 'removed').length,
        lines,
      });
    },
  )
  .post(
    '/:type/restore',
    describe('Bring an older version back: a new version with source "restore"', ['system']),
    requirePermission('settings:manage'),
    body(promptRestoreBody),
    async (c) => {
      const tenant = c.get('tenant');
      const type = promptParam(c.req.param('type'));
      const from = c.req.valid('json').version;
      const old = await getPromptVersion(tenant.db, tenant.control, tenant.account.id, type, from);
      const version = await save(tenant, type, old.prompt_value, 'restore', from);
      return ok(c, promptView(type, old.prompt_value, version), 200, `Version ${from} restored.`);
    },
  )
  .post(
    '/:type/try',
    describe('Run a prompt on a sample input with the account AI provider (free, rate-limited)', ['system']),
    requirePermission('settings:manage'),
    body(promptTryBody),
    async (c) => {
      const tenant = c.get('tenant');
      const type = promptParam(c.req.param('type'));
      const { text, input } = c.req.valid('json');
      return ok(c, await tryPrompt(c.env, tenant, type, text, input));
    },
  )
  .post(
    '/:type/test_image',
    describe('Generate one test image with the image prompt (free, rate-limited)', ['system']),
    requirePermission('settings:manage'),
    body(testImageBody),
    async (c) => {
      const tenant = c.get('tenant');
      if (promptParam(c.req.param('type')) !== 'image_generation')
        throw new BadRequest('Only the image_generation prompt makes test images.', 'not_an_image_prompt');
      return ok(c, await testImage(c.env, tenant, c.req.valid('json').prompt));
    },
  );
