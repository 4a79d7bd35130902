import { expect } from 'vitest';
import type { Res, Session } from './api';
import { accountIdsIn, envelopeProblems, type AccountFx, type MemberRole } from './fixtures';

/**
 * A table-driven access matrix: each case is one request by one identity with the exact status it
 * must get, plus invariants checked on every response (envelope, no 2xx across accounts, no viewer
 * writes, no foreign account_id anywhere in a success body). Failures are collected so one run
 * reports every broken cell, not just the first.
 */
export type Scope = 'own' | 'foreign' | 'missing';

export interface Who extends Caller {
  s: Session;
  acct: AccountFx;
  other: AccountFx;
}

/** Who makes a request: what the invariants need to know about them. */
export interface Caller {
  label: string;
  role: MemberRole;
  acct: { accountId: number };
}

export interface Case {
  who: Caller;
  what: string;
  /** Whether every id in the request belongs to the caller's account. */
  scope: Scope;
  write: boolean;
  /** The caller's own session routes (token refresh): allowed to viewers. */
  session?: boolean;
  expect: number;
  request: () => Promise<Res>;
  /** Extra checks on a 2xx; returns a problem or nothing. */
  verify?: (res: Res) => string | undefined | Promise<string | undefined>;
  /** Undo a successful change so later cases see the fixture unchanged. */
  cleanup?: (res: Res) => Promise<void>;
}

export const manages = (role: MemberRole) => role === 'owner' || role === 'admin';
const is2xx = (status: number) => status >= 200 && status < 300;

export class Matrix {
  tried = 0;

  async run(cases: Case[]) {
    const failures: string[] = [];
    for (const c of cases) {
      const res = await c.request();
      this.tried++;
      const problems = envelopeProblems(res);
      if (res.status !== c.expect) problems.push(`expected ${c.expect}, got ${res.status} ${res.body?.code ?? ''}`);
      if (is2xx(res.status)) {
        if (c.scope !== 'own') problems.push('2xx across accounts');
        if (c.who.role === 'viewer' && c.write && !c.session) problems.push('viewer write succeeded');
        const foreign = accountIdsIn(res.body).filter((id) => id !== c.who.acct.accountId);
        if (foreign.length) problems.push(`foreign account_id in body: ${foreign.join(',')}`);
        const extra = await c.verify?.(res);
        if (extra) problems.push(extra);
        await c.cleanup?.(res);
      }
      if (problems.length) failures.push(`${c.who.label} ${c.what}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    return cases.length;
  }
}

export const sameIds = (actual: number[], expected: number[]) =>
  JSON.stringify([...actual].sort((a, b) => a - b)) === JSON.stringify([...expected].sort((a, b) => a - b))
    ? undefined
    : `ids ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`;

/**
 * "Not found" must not tell an id in a site the caller can't see from another account's id or one
 * that exists nowhere: each probe gets the same 404 (status, code and message) for every target.
 * Returns the probes that answered differently.
 */
export async function notFoundsThatDiffer<Target>(
  probes: [string, (target: Target) => Promise<Res>][],
  targets: Target[],
): Promise<string[]> {
  const differ: string[] = [];
  for (const [what, probe] of probes) {
    const answers = await Promise.all(
      targets.map(async (target) => {
        const r = await probe(target);
        return `${r.status} ${r.body?.code} ${r.body?.error}`;
      }),
    );
    if (new Set(answers).size !== 1 || !answers[0]!.startsWith('404')) differ.push(`${what}: ${answers.join(' | ')}`);
  }
  return differ;
}

/** One site whose rows a case targets, and what the caller may do there. */
export interface SiteTarget<P> {
  name: string;
  scope: Scope;
  p: P;
  granted: boolean;
  /** The caller sees the site's rows (own account, and managing or granted). */
  visible: boolean;
  read: number;
  /** Status of a data write: 404 unseen, 403 for viewers, else `ok`. */
  write: (ok?: number) => number;
  /** Status of a settings write (owners and admins only). */
  manage: (ok?: number) => number;
  writable: boolean;
}

/**
 * The five targets every site-scoped route is tried against: own granted/ungranted, foreign granted/ungranted,
 * missing.
 */
export function siteTargets<P>(
  w: Who,
  own: { granted: P; ungranted: P },
  foreign: { granted: P; ungranted: P },
  missing: P,
): SiteTarget<P>[] {
  const m = manages(w.role);
  const targets: { name: string; scope: Scope; p: P; granted: boolean }[] = [
    { name: 'own granted site', scope: 'own', p: own.granted, granted: true },
    { name: 'own ungranted site', scope: 'own', p: own.ungranted, granted: false },
    { name: 'foreign granted site', scope: 'foreign', p: foreign.granted, granted: false },
    { name: 'foreign ungranted site', scope: 'foreign', p: foreign.ungranted, granted: false },
    { name: 'missing ids', scope: 'missing', p: missing, granted: false },
  ];
  return targets.map((t) => {
    const visible = t.scope === 'own' && (m || t.granted);
    return {
      ...t,
      visible,
      read: visible ? 200 : 404,
      write: (ok = 200) => (!visible ? 404 : w.role === 'viewer' ? 403 : ok),
      manage: (ok = 200) => (!visible ? 404 : m ? ok : 403),
      writable: visible && w.role !== 'viewer',
    };
  });
}
