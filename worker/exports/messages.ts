/** The queue message that builds one account export (consumed by worker/events). */
export interface AccountExportMessage {
  v: 1;
  type: 'account.export';
  account_id: number;
  export_id: number;
}
