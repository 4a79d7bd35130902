/** Whether the site's full job list is open: one dialog, opened from the header or a panel. */
export const jobsDialog = $state({ open: false });
