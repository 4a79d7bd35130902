/**
 * Where an image's files live in R2: one folder per image, one file per generation job, so a
 * regeneration never overwrites the file a draft or a published post may still show.
 */
export function imageFolder(accountId: number, siteId: number, imageId: number): string {
  return `accounts/${accountId}/sites/${siteId}/images/${imageId}/`;
}

/** The folder of a key in that layout (keys from before the folders have none: null). */
export function folderOfImageKey(r2Key: string): string | null {
  return /^\/*(accounts\/\d+\/sites\/\d+\/images\/\d+\/)/.exec(r2Key)?.[1] ?? null;
}

export function imageFileKey(accountId: number, siteId: number, imageId: number, jobId: string, ext: string): string {
  return `${imageFolder(accountId, siteId, imageId)}${jobId}.${ext}`;
}

/** Deletes every file of an image, the current one and those of earlier generations. */
export async function deleteImageFiles(bucket: R2Bucket, folder: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: folder, cursor });
    if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
    deleted += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
