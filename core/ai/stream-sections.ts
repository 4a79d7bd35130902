/**
 * Reads the `sections` of a generate_content reply while it streams in: each time a complete
 * `{"h2": …, "html": …}` object of the `sections` array has arrived, it is handed out, so the
 * article appears in the shared draft section by section instead of all at once at the end.
 * Only whole objects are parsed (braces counted outside strings); the full reply is still
 * validated against the contract when it is complete.
 */
export interface StreamedSection {
  index: number;
  h2: string;
  html: string;
}

export class SectionStream {
  private text = '';
  private arrayStart = -1;
  private scanFrom = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private objectStart = -1;
  private emitted = 0;

  /** Feeds more of the reply; returns the sections completed by this chunk. */
  push(chunk: string): StreamedSection[] {
    this.text += chunk;
    const out: StreamedSection[] = [];
    if (this.arrayStart < 0) {
      const key = this.text.search(/"sections"\s*:\s*\[/);
      if (key < 0) return out;
      this.arrayStart = this.text.indexOf('[', key) + 1;
      this.scanFrom = this.arrayStart;
    }
    for (let i = this.scanFrom; i < this.text.length; i++) {
      const ch = this.text[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === '{') {
        if (this.depth === 0) this.objectStart = i;
        this.depth++;
      } else if (ch === '}') {
        this.depth--;
        if (this.depth === 0 && this.objectStart >= 0) {
          const section = this.read(this.text.slice(this.objectStart, i + 1));
          if (section) out.push(section);
          this.objectStart = -1;
        }
      } else if (ch === ']' && this.depth === 0) {
        this.scanFrom = this.text.length; // the array ended: nothing more to read
        this.arrayStart = Number.MAX_SAFE_INTEGER;
        return out;
      }
    }
    this.scanFrom = this.text.length;
    return out;
  }

  private read(json: string): StreamedSection | null {
    try {
      const value = JSON.parse(json) as { h2?: unknown; html?: unknown };
      if (typeof value.h2 !== 'string' || typeof value.html !== 'string') return null;
      return { index: this.emitted++, h2: value.h2, html: value.html };
    } catch {
      return null; // a malformed section: the final validation decides about the reply
    }
  }
}
