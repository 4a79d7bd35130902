/**
 * CSV reading and writing for keyword import/export: an incremental RFC 4180 parser (quotes,
 * doubled quotes, CRLF, newlines inside quotes, across chunk boundaries), delimiter detection,
 * byte-level decoding that survives files that are not UTF-8, and a cell escaper that stops
 * spreadsheet formula injection.
 */

export class CsvParser {
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  private quoteSeen = false;
  private pendingCR = false;
  private line = 1;
  private rowStartLine = 1;

  constructor(
    private readonly delimiter: string,
    private readonly onRow: (cells: string[], line: number) => void,
    private readonly maxCellChars = 10_000,
  ) {}

  /** Feeds decoded text; complete rows are emitted as soon as they end. */
  feed(text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') continue;
      }
      if (this.inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            this.push('"');
            i++;
          } else if (i + 1 === text.length) {
            // A quote at a chunk's end: decide when the next chunk shows whether it is doubled.
            this.inQuotes = false;
            this.quoteSeen = true;
          } else this.inQuotes = false;
        } else {
          if (ch === '\n') this.line++;
          this.push(ch);
        }
        continue;
      }
      if (this.quoteSeen && ch === '"') {
        // The previous chunk ended in the first quote of a doubled pair.
        this.quoteSeen = false;
        this.inQuotes = true;
        this.push('"');
        continue;
      }
      this.quoteSeen = false;
      if (ch === '"' && this.field === '') this.inQuotes = true;
      else if (ch === this.delimiter) this.endField();
      else if (ch === '\n' || ch === '\r') {
        this.endRow();
        this.pendingCR = ch === '\r';
        this.line++;
        this.rowStartLine = this.line;
      } else this.push(ch);
    }
  }

  end() {
    if (this.field !== '' || this.row.length > 0) this.endRow();
  }

  private push(ch: string) {
    // Huge cells are cut here (and reported by the caller's validation), so one bad cell can't
    // blow up memory.
    if (this.field.length <= this.maxCellChars) this.field += ch;
  }

  private endField() {
    this.row.push(this.field);
    this.field = '';
  }

  private endRow() {
    this.endField();
    const cells = this.row;
    this.row = [];
    if (!(cells.length === 1 && cells[0]!.trim() === '')) this.onRow(cells, this.rowStartLine);
  }
}

/** Comma, semicolon or tab: whichever splits the header line into the most columns. */
export function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![0];
}

/** Bytes → text: UTF-8 (with or without BOM), UTF-16 by BOM, else Windows-1252 (never fails). */
export function decoderFor(head: Uint8Array): {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  decoder: TextDecoder | null;
} {
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', decoder: new TextDecoder('utf-16le') };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', decoder: new TextDecoder('utf-16be') };
  return { encoding: 'utf-8', decoder: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }) };
}

const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

/**
 * A cell as written to CSV: quoted when needed, and prefixed with ' when a spreadsheet would
 * run it as a formula (OWASP "CSV injection": = + - @ tab CR).
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
