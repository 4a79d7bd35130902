/** Deleting an image's files from R2 (the layout is core/media/image-keys.ts). */

/** Deletes every file of an image: the current one and those of earlier generations. */
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
