/**
 * Tiny real images (made with sharp) for the image-info spec and the asset API tests: their
 * pixel sizes are in the names' comments and in SIZES.
 */
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export const IMAGES = {
  /** 3×2 */
  png: b64(
    'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEElEQVQImWMwTlsFQQxwFgBI' +
      '/geT9og2NgAAAABJRU5ErkJggg==',
  ),
  /** 5×4 */
  jpeg: b64(
    '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBD' +
      'AQcHBwoIChMKC' +
      'hMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAEAAUDASIAAhEBAxEB/' +
      '8QAFQABAQAAAA' +
      'AAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAABv/EABQRAQAAAAAAAAAAAAAAAA' +
      'AAAAD/2gAMAwEA' +
      'AhEDEQA/AJMAxHH/2Q==',
  ),
  /** 7×6, lossy (VP8) */
  webpLossy: b64('UklGRjgAAABXRUJQVlA4ICwAAADQAQCdASoHAAYAAUAmJaACdLoB+AADsAD+73bX/maJjmP2r//Cr43IWFAAAA=='),
  /** 9×8, lossless (VP8L) */
  webpLossless: b64('UklGRh4AAABXRUJQVlA4TBEAAAAvCMABAAdQs85Utf+BiOh/AAA='),
  /** 13×12, extended with alpha (VP8X) */
  webpExtended: b64(
    'UklGRmAAAABXRUJQVlA4WAoAAAAQAAAADAAACwAAQUxQSAoAAAABB1DAiAhERP8DVlA4IDAAAADQAQCdASoNAAwAAUAmJaACdLoB' +
      '+AADsAD+8ut//' +
      'NgVzXPv9//S4P0uD9Lg/9KQAAA=',
  ),
  /** 11×10 */
  gif: b64('R0lGODlhCwAKAIAAAExpcTNmqiH5BAUAAAAALAAAAAALAAoAAAIJjI+py+0Po0wFADs='),
} as const;

/** A 16×16 icon directory holding the PNG above. */
export const ICO = (() => {
  const png = IMAGES.png;
  const head = new Uint8Array(22);
  const view = new DataView(head.buffer);
  view.setUint16(2, 1, true);
  view.setUint16(4, 1, true);
  head.set([16, 16, 0, 0], 6);
  view.setUint16(10, 1, true);
  view.setUint16(12, 32, true);
  view.setUint32(14, png.length, true);
  view.setUint32(18, 22, true);
  const out = new Uint8Array(22 + png.length);
  out.set(head);
  out.set(png, 22);
  return out;
})();

export const SIZES = {
  png: [3, 2],
  jpeg: [5, 4],
  webpLossy: [7, 6],
  webpLossless: [9, 8],
  webpExtended: [13, 12],
  gif: [11, 10],
} as const;
