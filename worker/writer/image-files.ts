/** Deleting a folder of R2 files (the layout is core/media/image-keys.ts). */

/**
 * Deletes every file under `folder`: an image's current file and those of earlier generations, or a
 * deleted article's named versions. Page by page (R2 lists at most 1,000 keys at once).
 */
export async function deleteR2Folder(bucket: R2Bucket, folder: string): Promise<number> {
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
