/**
 * Character references for the HTML tokenizer. Workers have no DOM (no DOMParser), so decoding
 * is done here: numeric references in full, named ones for the set AI models and editors emit.
 * An unknown name is left as written (a browser would do the same for a name it lacks).
 */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  bull: '\u2022',
  middot: '\u00b7',
  lsquo: '\u2018',
  rsquo: '\u2019',
  sbquo: '\u201a',
  ldquo: '\u201c',
  rdquo: '\u201d',
  bdquo: '\u201e',
  laquo: '\u00ab',
  raquo: '\u00bb',
  lsaquo: '\u2039',
  rsaquo: '\u203a',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  deg: '\u00b0',
  plusmn: '\u00b1',
  times: '\u00d7',
  divide: '\u00f7',
  frac12: '\u00bd',
  frac14: '\u00bc',
  frac34: '\u00be',
  sup2: '\u00b2',
  sup3: '\u00b3',
  micro: '\u00b5',
  euro: '\u20ac',
  pound: '\u00a3',
  yen: '\u00a5',
  cent: '\u00a2',
  sect: '\u00a7',
  para: '\u00b6',
  larr: '\u2190',
  rarr: '\u2192',
  uarr: '\u2191',
  darr: '\u2193',
  harr: '\u2194',
  le: '\u2264',
  ge: '\u2265',
  ne: '\u2260',
  asymp: '\u2248',
  minus: '\u2212',
  infin: '\u221e',
  check: '\u2713',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwnj: '\u200c',
  zwj: '\u200d',
  shy: '\u00ad',
  iexcl: '\u00a1',
  iquest: '\u00bf',
  ordf: '\u00aa',
  ordm: '\u00ba',
  acute: '\u00b4',
  cedil: '\u00b8',
  aacute: '\u00e1',
  eacute: '\u00e9',
  iacute: '\u00ed',
  oacute: '\u00f3',
  uacute: '\u00fa',
  Aacute: '\u00c1',
  Eacute: '\u00c9',
  Iacute: '\u00cd',
  Oacute: '\u00d3',
  Uacute: '\u00da',
  agrave: '\u00e0',
  egrave: '\u00e8',
  igrave: '\u00ec',
  ograve: '\u00f2',
  ugrave: '\u00f9',
  acirc: '\u00e2',
  ecirc: '\u00ea',
  icirc: '\u00ee',
  ocirc: '\u00f4',
  ucirc: '\u00fb',
  auml: '\u00e4',
  euml: '\u00eb',
  iuml: '\u00ef',
  ouml: '\u00f6',
  uuml: '\u00fc',
  yuml: '\u00ff',
  Auml: '\u00c4',
  Ouml: '\u00d6',
  Uuml: '\u00dc',
  szlig: '\u00df',
  ntilde: '\u00f1',
  Ntilde: '\u00d1',
  colon: ':',
  semi: ';',
  comma: ',',
  period: '.',
  excl: '!',
  quest: '?',
  num: '#',
  dollar: '$',
  percnt: '%',
  ast: '*',
  plus: '+',
  equals: '=',
  lowbar: '_',
  grave: '`',
  sol: '/',
  bsol: '\\',
  verbar: '|',
  commat: '@',
  lpar: '(',
  rpar: ')',
  lsqb: '[',
  rsqb: ']',
  lcub: '{',
  rcub: '}',
  Tab: '\t',
  NewLine: '\n',
  ccedil: '\u00e7',
  Ccedil: '\u00c7',
  aring: '\u00e5',
  Aring: '\u00c5',
  aelig: '\u00e6',
  oslash: '\u00f8',
};

/**
 * Numeric references are read with or without their semicolon, as browsers do (so `&#106avascript:`
 * is seen as the javascript: it is); named ones only with it, so `?a=1&copy=2` in a URL stays as written.
 */
const REFERENCE = /&(?:(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7});?|([A-Za-z][A-Za-z0-9]{1,31});)/g;

function fromCodePoint(n: number): string {
  // The HTML spec maps NUL, surrogates and out-of-range values to U+FFFD.
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(n);
}

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, numeric: string | undefined, name: string | undefined) => {
    if (numeric) {
      const hex = numeric[1] === 'x' || numeric[1] === 'X';
      return fromCodePoint(parseInt(numeric.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return NAMED[name!] ?? whole;
  });
}

/** A character reference a browser reads as one (named with its semicolon, or numeric). */
const WELL_FORMED_REFERENCE = /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

/**
 * Raw HTML text made safe to emit as it was written: `<` and `>` escaped, an `&` kept when it
 * starts a well-formed reference (so `&nbsp;` stays `&nbsp;`) and escaped otherwise.
 */
export function escapeRawText(raw: string): string {
  return raw.replace(/[<>]|&/g, (ch, at: number) => {
    if (ch === '<') return '&lt;';
    if (ch === '>') return '&gt;';
    return WELL_FORMED_REFERENCE.test(raw.slice(at, at + 40)) ? '&' : '&amp;';
  });
}

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}
