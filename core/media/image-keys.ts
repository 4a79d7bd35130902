/**
 * The one layout of generated images in R2, and how the app addresses them. Each image has its own
 * folder, one file per generation job, so a regeneration never overwrites a file that a draft or a
 * published post may still show:
 *
 *   accounts/<account>/sites/<site>/images/<image id>/<job id>.<ext>
 *
 * The Worker serves a key at `/media/<key>` (with access checks); that is the src the draft room
 * places and the publisher recognises.
 */
export function imageFolder(accountId: number, siteId: number, imageId: number): string {
  return `accounts/${accountId}/sites/${siteId}/images/${imageId}/`;
}

export function imageFileKey(accountId: number, siteId: number, imageId: number, jobId: string, ext: string): string {
  return `${imageFolder(accountId, siteId, imageId)}${jobId}.${ext}`;
}

/** Where the browser loads a file: `/media/<key>` (null while the image has no file). */
export function mediaUrl(r2Key: string | null): string | null {
  return r2Key ? `/media/${r2Key}` : null;
}

const FOLDER = /(?:^|\/)(accounts\/\d+\/sites\/\d+\/images\/(\d{1,15})\/)/;

/** The image folder of a key or of a src that shows one (bare key, `/media/<key>`, absolute URL); else null. */
export function folderOfImageKey(keyOrSrc: string): string | null {
  return FOLDER.exec(keyOrSrc)?.[1] ?? null;
}

/** The image id a src shows, when it is a file of this layout; null for anything else (other sites' images). */
export function imageIdOfSrc(src: string): number | null {
  const id = FOLDER.exec(src)?.[2];
  return id === undefined ? null : Number(id);
}
