import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-next';

const APP = 'https://app.igny8.test';

describe('safeNextPath', () => {
  it.each([
    ['/planner/keywords', '/planner/keywords'],
    ['/writer/content/12?tab=draft#intro', '/writer/content/12?tab=draft#intro'],
    ['/', '/'],
    ['/a/../b', '/b'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('follows the app path %j', (next, expected) => {
    expect(safeNextPath(next, APP)).toBe(expected);
  });

  it.each([
    ['/\t/evil.example'], // what ?next=/%09/evil.example decodes to: browsers drop the tab
    ['/\n/evil.example'],
    ['/\r\n/evil.example'],
    ['//evil.example'],
    ['//evil.example/path'],
    ['/\\evil.example'],
    ['/\\/evil.example'],
    ['\\\\evil.example'],
    ['/.//evil.example'],
    ['/..//evil.example'],
    ['https://evil.example'],
    ['https://app.igny8.test.evil.example/'],
    ['http://app.igny8.test/planner'], // same host, other scheme: another origin
    ['HTTPS://evil.example'],
    ['javascript:alert(1)'],
    ['JaVaScRiPt:alert(1)'],
    [' javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['evil.example'],
    ['planner/keywords'],
    ['%2F%2Fevil.example'],
    ['/signin'],
    ['/signin?next=//evil.example'],
    ['/signup/'],
    [''],
    [null],
    [undefined],
  ])('goes to the dashboard for %j', (next) => {
    expect(safeNextPath(next, APP)).toBe('/');
  });

  it('uses the given fallback and judges against the given origin', () => {
    expect(safeNextPath('//evil.example', APP, '/home')).toBe('/home');
    expect(safeNextPath('/planner', 'http://localhost:8787')).toBe('/planner');
  });

  it('reads ?next= the way the sign-in page does (decoded once by URLSearchParams)', () => {
    for (const query of [
      'next=/%09/evil.example',
      'next=%2F%2Fevil.example',
      'next=/%5Cevil.example',
      'next=https%3A%2F%2Fevil.example',
      'next=javascript%3Aalert(1)',
    ]) {
      const url = new URL(`${APP}/signin?${query}`);
      expect(safeNextPath(url.searchParams.get('next'), url.origin), query).toBe('/');
    }
  });
});
