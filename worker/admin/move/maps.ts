import type { Remap, TenantTableName } from '../../../core/schema/tenant-tables';

/** Where a move keeps its id maps in R2: one JSON object of [old, new] pairs per copied chunk of a table. */
export const movePrefix = (moveId: number) => `moves/${moveId}/`;
const mapPrefix = (moveId: number, table: string) => `${movePrefix(moveId)}maps/${table}/`;

/**
 * The old → new id maps of one move, read from R2 when a table first needs them. Kept in R2, not in the
 * move's row: a large account has more ids than a D1 row holds (2 MB).
 */
export class IdMaps {
  private readonly maps = new Map<string, Map<number, number>>();

  constructor(
    private readonly bucket: R2Bucket,
    private readonly moveId: number,
  ) {}

  async load(tables: Iterable<TenantTableName>) {
    for (const table of tables) {
      if (this.maps.has(table)) continue;
      const map = new Map<number, number>();
      let cursor: string | undefined;
      do {
        const page = await this.bucket.list({ prefix: mapPrefix(this.moveId, table), cursor });
        for (const object of page.objects) {
          const body = await this.bucket.get(object.key);
          for (const [from, to] of ((await body?.json()) ?? []) as [number, number][]) map.set(from, to);
        }
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      this.maps.set(table, map);
    }
  }

  /** Records a chunk's pairs: in R2 first (what a resumed driver reads), then here. */
  async save(table: TenantTableName, chunk: number, pairs: [number, number][]) {
    const key = `${mapPrefix(this.moveId, table)}${String(chunk).padStart(6, '0')}.json`;
    await this.bucket.put(key, JSON.stringify(pairs));
    const map = this.maps.get(table) ?? new Map<number, number>();
    for (const [from, to] of pairs) map.set(from, to);
    this.maps.set(table, map);
  }

  /** Forgets a table's pairs (its copy starts over), here and in R2. */
  async clear(table: TenantTableName) {
    this.maps.delete(table);
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix: mapPrefix(this.moveId, table), cursor });
      if (page.objects.length) await this.bucket.delete(page.objects.map((o) => o.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }

  readonly remap: Remap = (table, id) => this.maps.get(table)?.get(id) ?? null;
}
