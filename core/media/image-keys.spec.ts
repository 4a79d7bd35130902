import { describe, expect, it } from 'vitest';
import { folderOfImageKey, imageFileKey, imageFolder, imageIdOfSrc, mediaUrl } from './image-keys';

describe('image keys', () => {
  it('puts every generation of an image in its own folder', () => {
    expect(imageFileKey(1, 2, 42, 'job-a', 'png')).toBe('accounts/1/sites/2/images/42/job-a.png');
    expect(imageFileKey(1, 2, 42, 'job-b', 'webp').startsWith(imageFolder(1, 2, 42))).toBe(true);
    expect(mediaUrl('accounts/1/sites/2/images/42/job-a.png')).toBe('/media/accounts/1/sites/2/images/42/job-a.png');
    expect(mediaUrl(null)).toBeNull();
  });

  it('reads the folder and the image id back from a key or any src that shows one', () => {
    for (const src of [
      'accounts/1/sites/2/images/42/j.png',
      '/media/accounts/1/sites/2/images/42/j.png',
      'https://app.example/media/accounts/1/sites/2/images/42/j.png',
    ]) {
      expect(folderOfImageKey(src)).toBe('accounts/1/sites/2/images/42/');
      expect(imageIdOfSrc(src)).toBe(42);
    }
  });

  it('leaves alone what is not a file of this layout', () => {
    expect(imageIdOfSrc('/media/accounts/1/sites/2/images/42.png')).toBeNull(); // no folder (older keys)
    expect(imageIdOfSrc('https://cdn.example/images/42/photo.png')).toBeNull(); // someone else's /images/<n>/
    expect(imageIdOfSrc('https://cdn.example/x.png')).toBeNull();
    expect(folderOfImageKey('accounts/1/sites/2/images/42.png')).toBeNull();
  });
});
