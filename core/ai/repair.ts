/**
 * Tolerant reading of a model's JSON (DESIGN.md §8): repairs faults in the *wrapping* — code
 * fences, prose around the object, a BOM, trailing commas, comments, smart quotes, numbers written
 * as strings like "1,200" — and rejects everything else. Truncated, empty or refused replies are
 * decided before this runs (they are failures, not wrapping).
 */
export type RepairResult = { ok: true; value: unknown; repairs: string[] } | { ok: false; reason: string };

/** The outermost {...} or [...] span, ignoring braces inside strings. */
function outermostJson(text: string): string | null {
  const start = text.search(/[{[]/);
  if (start < 0) return null;
  const open = text[start]!;
  const close = open === '{' ? '}' : ']';
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}

/** Removes line and block comments, and trailing commas, outside strings. */
function stripCommentsAndTrailingCommas(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += json[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && json[i + 1] === '/') {
      while (i < json.length && json[i] !== '\n') i++;
    } else if (ch === '/' && json[i + 1] === '*') {
      i = json.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else if (ch === ',') {
      const rest = json.slice(i + 1).match(/^\s*([}\]])/);
      if (!rest) out += ch;
    } else {
      out += ch;
    }
  }
  return out;
}

/** "1,200" → 1200 for values that are plainly numbers written as strings. */
function unstringNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unstringNumbers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unstringNumbers(v)]));
  }
  if (typeof value === 'string' && /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(value.trim())) return Number(value.replace(/,/g, ''));
  return value;
}

export function repairJson(raw: string): RepairResult {
  const repairs: string[] = [];
  let text = raw;
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    repairs.push('bom');
  }
  const fenced = text.match(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/);
  if (fenced) {
    text = fenced[1]!;
    repairs.push('code_fence');
  }
  if (/[“”]/.test(text)) {
    text = text.replace(/[“”]/g, '"');
    repairs.push('smart_quotes');
  }
  const span = outermostJson(text);
  if (!span) return { ok: false, reason: 'The reply contains no JSON object.' };
  if (span.trim() !== text.trim()) repairs.push('surrounding_prose');
  const attempts = [span, stripCommentsAndTrailingCommas(span)];
  for (const [i, candidate] of attempts.entries()) {
    try {
      const value = JSON.parse(candidate);
      if (i === 1) repairs.push('comments_or_trailing_commas');
      const normalised = unstringNumbers(value);
      if (JSON.stringify(normalised) !== JSON.stringify(value)) repairs.push('numbers_as_strings');
      return { ok: true, value: normalised, repairs };
    } catch {
      /* try the next repair */
    }
  }
  return { ok: false, reason: 'The reply is not valid JSON, even after repairs.' };
}
