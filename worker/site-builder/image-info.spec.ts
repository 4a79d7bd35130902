import { describe, expect, it } from 'vitest';
import { ICO, IMAGES, SIZES } from './image-info.fixtures';
import { readImageInfo, sniffImageType } from './image-info';

describe('readImageInfo', () => {
  it('reads type and pixel size from PNG, JPEG, WebP (lossy, lossless, extended), GIF and ICO headers', () => {
    const types = {
      png: 'image/png',
      jpeg: 'image/jpeg',
      webpLossy: 'image/webp',
      webpLossless: 'image/webp',
      webpExtended: 'image/webp',
      gif: 'image/gif',
    } as const;
    for (const [name, bytes] of Object.entries(IMAGES) as [keyof typeof IMAGES, Uint8Array][]) {
      const [width, height] = SIZES[name];
      expect(readImageInfo(bytes), name).toEqual({ contentType: types[name], width, height });
    }
    expect(readImageInfo(ICO)).toEqual({ contentType: 'image/x-icon', width: 16, height: 16 });
  });

  it('refuses what is not an image of an allowed type, whatever it is called', () => {
    const text = new TextEncoder();
    expect(sniffImageType(text.encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageType(text.encode('<html><script>alert(1)</script>'))).toBeNull();
    expect(readImageInfo(new Uint8Array(0))).toBeNull();
  });

  it('refuses an image whose header is cut short (no size to record)', () => {
    expect(readImageInfo(IMAGES.png.slice(0, 12))).toBeNull();
    expect(readImageInfo(IMAGES.jpeg.slice(0, 40))).toBeNull();
    expect(readImageInfo(IMAGES.webpLossy.slice(0, 24))).toBeNull();
  });
});
