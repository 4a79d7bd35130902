/** The queue message that drives one account move to its next step (consumed by worker/events). */
export interface AccountMoveMessage {
  v: 1;
  type: 'account.move';
  move_id: number;
}
