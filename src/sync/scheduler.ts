// The cron entry point (every minute). It only decides what is due and enqueues small tasks;
// it never talks to a mall itself. Shops and their schedules arrive with the sync engine.
export async function schedule(_controller: ScheduledController, _env: Env): Promise<{ enqueued: number }> {
  return { enqueued: 0 };
}
