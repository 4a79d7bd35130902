/**
 * Content strategies: per sector, what its idea outlines and articles must contain (required
 * sections, an FAQ, a word range). Injected into the ideas and content prompts of that sector.
 */
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { sectors, sites, strategies } from '../../core/schema/shard';
import type {
  CreateStrategyBody,
  SectionLogic,
  StrategyListQuery,
  StrategyPromptType,
  UpdateStrategyBody,
} from '../../core/validation/strategies';
import type { ShardDb } from '../db/shards';
import { Conflict, NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { requireSite, siteScope } from '../http/site-access';
import type { Tenant } from '../middleware/tenant';
import { likePattern } from '../planner/scope';

export type StrategyRow = typeof strategies.$inferSelect;

/** A sector of the account in a live site the user may see, else 404 (existence never revealed). */
async function requireVisibleSector(tenant: Tenant, sectorId: number) {
  const sector = await tenant.db
    .select({ id: sectors.id, site_id: sectors.site_id })
    .from(sectors)
    .where(and(eq(sectors.account_id, tenant.account.id), eq(sectors.id, sectorId)))
    .get();
  if (!sector) throw new NotFound('Sector');
  try {
    await requireSite(tenant, sector.site_id, 'read');
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound('Sector');
    throw err;
  }
  return sector;
}

/** Strategies of sectors in live sites the user may see. */
async function visibleScope(tenant: Tenant) {
  const a = tenant.account.id;
  const scope = await siteScope(tenant, sectors.site_id);
  const visibleSectors = tenant.db
    .select({ id: sectors.id })
    .from(sectors)
    .innerJoin(sites, and(eq(sites.account_id, a), eq(sites.id, sectors.site_id), isNull(sites.deleted_at)))
    .where(and(eq(sectors.account_id, a), scope));
  return and(eq(strategies.account_id, a), inArray(strategies.sector_id, visibleSectors));
}

export async function listStrategies(tenant: Tenant, q: StrategyListQuery) {
  if (q.sector_id) await requireVisibleSector(tenant, q.sector_id);
  const where = and(
    await visibleScope(tenant),
    q.sector_id ? eq(strategies.sector_id, q.sector_id) : undefined,
    q.is_active === undefined ? undefined : eq(strategies.is_active, q.is_active),
    q.search ? sql`${strategies.name} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  );
  const order = orderingOf(
    q.ordering,
    { name: strategies.name, created_at: strategies.created_at, id: strategies.id },
    'name',
    strategies.id,
  );
  return pageOf(tenant.db, strategies, where, order, q);
}

export async function getStrategy(tenant: Tenant, id: number) {
  const row = await tenant.db
    .select()
    .from(strategies)
    .where(and(eq(strategies.account_id, tenant.account.id), eq(strategies.id, id)))
    .get();
  if (!row || row.sector_id == null) throw new NotFound('Strategy');
  try {
    await requireVisibleSector(tenant, row.sector_id);
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound('Strategy');
    throw err;
  }
  return row;
}

/**
 * The rule: per sector, at most one ACTIVE strategy applies to each prompt type, so the prompt
 * never has to choose between two. An inactive strategy may overlap (it is a draft).
 */
async function requireNoActiveOverlap(tenant: Tenant, sectorId: number, promptTypes: string[], exceptId?: number) {
  const others = await tenant.db
    .select({ id: strategies.id, name: strategies.name, prompt_types: strategies.prompt_types })
    .from(strategies)
    .where(
      and(
        eq(strategies.account_id, tenant.account.id),
        eq(strategies.sector_id, sectorId),
        eq(strategies.is_active, true),
        exceptId ? ne(strategies.id, exceptId) : undefined,
      ),
    )
    .all();
  const clash = others.find((o) => o.prompt_types.some((t) => promptTypes.includes(t)));
  if (clash) {
    throw new Conflict(
      `The active strategy "${clash.name}" already applies to this sector's ` +
        `${clash.prompt_types.filter((t) => promptTypes.includes(t)).join(' and ')} prompts: ` +
        'switch it off or pick other prompt types.',
      'duplicate',
      { prompt_types: ['Another active strategy of this sector covers these prompt types.'] },
    );
  }
}

const DEFAULT_LOGIC: SectionLogic = { required_sections: [], include_faq: false };

export async function createStrategy(tenant: Tenant, input: CreateStrategyBody) {
  await requireVisibleSector(tenant, input.sector_id);
  if (input.is_active !== false) await requireNoActiveOverlap(tenant, input.sector_id, input.prompt_types);
  const [row] = await tenant.db
    .insert(strategies)
    .values({ ...input, section_logic: input.section_logic ?? DEFAULT_LOGIC, account_id: tenant.account.id })
    .returning();
  return row!;
}

export async function updateStrategy(tenant: Tenant, id: number, input: UpdateStrategyBody) {
  const row = await getStrategy(tenant, id);
  const active = input.is_active ?? row.is_active;
  if (active) await requireNoActiveOverlap(tenant, row.sector_id!, input.prompt_types ?? row.prompt_types, id);
  const [updated] = await tenant.db
    .update(strategies)
    .set(input)
    .where(and(eq(strategies.account_id, tenant.account.id), eq(strategies.id, id)))
    .returning();
  return updated!;
}

export async function deleteStrategy(tenant: Tenant, id: number) {
  await getStrategy(tenant, id);
  await tenant.db.delete(strategies).where(and(eq(strategies.account_id, tenant.account.id), eq(strategies.id, id)));
}

export type { StrategyPromptType };

/** The active strategy of each sector that applies to `type` (the overlap rule makes it one at most). */
export async function activeStrategiesBySector(
  db: ShardDb,
  accountId: number,
  sectorIds: number[],
  type: StrategyPromptType,
): Promise<Map<number, StrategyRow>> {
  const bySector = new Map<number, StrategyRow>();
  const ids = [...new Set(sectorIds)];
  for (let at = 0; at < ids.length; at += 90) {
    const rows = await db
      .select()
      .from(strategies)
      .where(
        and(
          eq(strategies.account_id, accountId),
          eq(strategies.is_active, true),
          inArray(strategies.sector_id, ids.slice(at, at + 90)),
        ),
      )
      .orderBy(strategies.id)
      .all();
    for (const r of rows) {
      if (r.sector_id != null && r.prompt_types.includes(type) && !bySector.has(r.sector_id)) {
        bySector.set(r.sector_id, r);
      }
    }
  }
  return bySector;
}
