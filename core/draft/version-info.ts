/** A named version of a draft (its Yjs state stored in R2 by the DraftRoom), as the API lists it. */
export interface VersionInfo {
  id: string;
  name: string;
  created_at: string;
  user_id: number | null;
  bytes: number;
  word_count: number;
}
