import { describe, expect, it } from 'vitest';
import { CsvParser, csvCell, decodeWindows1252, detectDelimiter } from './csv';

function parse(chunks: string[], delimiter = ',') {
  const rows: [string[], number][] = [];
  const p = new CsvParser(delimiter, (cells, line) => rows.push([cells, line]), 20);
  for (const c of chunks) p.feed(c);
  p.end();
  return rows;
}

describe('CsvParser', () => {
  it('reads quotes, doubled quotes, CRLF and newlines inside quotes with line numbers', () => {
    const rows = parse(['keyword,volume\r\n"a, b",10\r\n"say ""hi""",5\n"multi\nline",1\n']);
    expect(rows).toEqual([
      [['keyword', 'volume'], 1],
      [['a, b', '10'], 2],
      [['say "hi"', '5'], 3],
      [['multi\nline', '1'], 4],
    ]);
  });

  it('gives the same rows however the text is chunked', () => {
    const text = 'k,v\r\n"x ""y""",1\r\n"p\r\nq",2\n';
    const whole = parse([text]);
    for (let cut = 1; cut < text.length; cut++) expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
  });

  it('skips blank lines and cuts huge cells', () => {
    const rows = parse(['a\n\n' + 'x'.repeat(100) + '\n']);
    expect(rows.map((r) => r[0][0]!.length)).toEqual([1, 21]);
  });
});

describe('CSV helpers', () => {
  it('detects the delimiter from the header', () => {
    expect(detectDelimiter('keyword;volume;kd')).toBe(';');
    expect(detectDelimiter('keyword\tvolume')).toBe('\t');
    expect(detectDelimiter('keyword,volume')).toBe(',');
  });

  it('neutralises formulas and quotes what needs it on export', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(42)).toBe('42');
  });

  it('decodes Windows-1252 bytes', () => {
    expect(decodeWindows1252(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]))).toBe('café €');
  });
});
