/**
 * The site and sector the user is working in (the header's switchers). Remembered in
 * localStorage (the sector per site) and mirrored in the URL as ?site=&sector= so a link opens
 * the same view; only sites from /me count, so a stale or foreign id falls back to the first.
 */
import { api, read } from './api/client';
import { messageOf } from './api/errors';
import type { Sector, SiteSummary } from './api/types';

const SITE_KEY = 'igny8.site';
const sectorKey = (siteId: number) => `igny8.sector.${siteId}`;

function stored(key: string): number | null {
  try {
    const n = Number(localStorage.getItem(key));
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function store(key: string, value: number | null) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, String(value));
  } catch {
    /* private mode: the choice just isn't remembered */
  }
}

const idOf = (param: string | null) => (param && /^\d+$/.test(param) ? Number(param) : null);

class Workspace {
  siteId = $state<number | null>(null);
  /** null: all sectors of the site. */
  sectorId = $state<number | null>(null);
  sectors = $state<Sector[]>([]);
  sectorsLoading = $state(false);
  sectorsError = $state<string | null>(null);
  #sites = $state<SiteSummary[]>([]);
  #loadSeq = 0;

  get site(): SiteSummary | null {
    return this.#sites.find((s) => s.id === this.siteId) ?? null;
  }

  get activeSectors() {
    return this.sectors.filter((s) => s.status === 'active');
  }

  get sector(): Sector | null {
    return this.sectors.find((s) => s.id === this.sectorId) ?? null;
  }

  /**
   * Reconciles the selection with the visible sites and the URL: the URL's site wins, then the
   * current one, then the remembered one, then the first site.
   */
  adopt(sites: SiteSummary[], siteParam: string | null, sectorParam: string | null) {
    this.#sites = sites;
    const visible = (id: number | null) => id !== null && sites.some((s) => s.id === id);
    const candidates = [idOf(siteParam), this.siteId, stored(SITE_KEY)];
    const next = candidates.find(visible) ?? sites[0]?.id ?? null;
    const wantedSector = idOf(sectorParam);
    if (next !== this.siteId) {
      this.siteId = next;
      this.sectorId = wantedSector ?? (next ? stored(sectorKey(next)) : null);
      if (next) store(SITE_KEY, next);
      void this.loadSectors();
    } else if (
      wantedSector !== null &&
      wantedSector !== this.sectorId &&
      this.sectors.some((s) => s.id === wantedSector)
    ) {
      this.sectorId = wantedSector;
    }
  }

  selectSite(id: number) {
    if (id === this.siteId) return;
    this.siteId = id;
    this.sectorId = stored(sectorKey(id));
    store(SITE_KEY, id);
    void this.loadSectors();
  }

  selectSector(id: number | null) {
    this.sectorId = id;
    if (this.siteId) store(sectorKey(this.siteId), id);
  }

  /** Reloads the current site's sectors (after the Sectors page changed them, too). */
  async loadSectors() {
    const siteId = this.siteId;
    const seq = ++this.#loadSeq;
    if (!siteId) {
      this.sectors = [];
      this.sectorId = null;
      return;
    }
    this.sectorsLoading = true;
    this.sectorsError = null;
    try {
      const query = { site_id: siteId, page_size: 200, ordering: 'name' };
      const page = await read(api.api.v1.auth.sectors.$get({ query }));
      if (seq !== this.#loadSeq) return;
      this.sectors = page.results;
      // A remembered sector that was deleted or deactivated falls back to "all sectors".
      if (this.sectorId !== null && !this.activeSectors.some((s) => s.id === this.sectorId)) this.selectSector(null);
    } catch (err) {
      if (seq !== this.#loadSeq) return;
      this.sectors = [];
      this.sectorsError = messageOf(err);
    } finally {
      if (seq === this.#loadSeq) this.sectorsLoading = false;
    }
  }

  reset() {
    this.siteId = null;
    this.sectorId = null;
    this.sectors = [];
    this.#sites = [];
  }
}

export const workspace = new Workspace();
