// Scheduler fan-out (issue 13): 1,000 due schedule rules across the 4 shards, dispatched by one cron
// tick (the `automation.tick` consumer's work: one indexed query per shard, the scheduled tasks and
// runs in one D1 batch per shard, the run messages, the rules moved on), against the same number of
// plain D1 inserts on the same shards in the same run. Routes: worker/bench/routes.ts.
import { api, fmt, freshAccount, median } from '../lib.mjs';

/** One account on each shard (accounts are placed by a hash of their slug: sign up until all four are hit). */
async function accountPerShard(base) {
  const byShard = new Map();
  for (let i = 0; byShard.size < 4 && i < 40; i++) {
    const acc = await freshAccount(base, `sched${i}`);
    const probe = await api(base, 'POST', '/api/v1/_bench/automation_fixture/', {
      token: acc.token,
      // Not due (year 2100): accounts on a shard already taken stay out of the ticks.
      body: { site_id: acc.siteId, rules: 1, due_at: 4_102_444_800_000 },
    });
    if (!byShard.has(probe.shard)) byShard.set(probe.shard, acc);
  }
  if (byShard.size < 4) throw new Error(`accounts landed on ${byShard.size} shards only`);
  return [...byShard.values()];
}

export async function schedulerFanOut(base, { rules = 1000, rounds = 3 } = {}) {
  const accounts = await accountPerShard(base);
  const perShard = Math.ceil(rules / accounts.length);
  const times = { tick: [], raw: [] };
  let last = null;
  for (let round = 0; round < rounds + 1; round++) {
    const tick = Date.now();
    // Fresh due rules on every shard (the previous round's starts removed).
    await Promise.all(
      accounts.map((acc) =>
        api(base, 'POST', '/api/v1/_bench/automation_fixture/', {
          token: acc.token,
          body: { site_id: acc.siteId, rules: perShard, due_at: tick - 60_000 },
        }),
      ),
    );
    let t = performance.now();
    const report = await api(base, 'POST', '/api/v1/_bench/automation_tick/', {
      token: accounts[0].token,
      body: { scheduled_time: tick },
    });
    const tickMs = performance.now() - t;
    if (report.due !== perShard * accounts.length || report.sent !== report.due)
      throw new Error(`tick dispatched ${report.due} rules and sent ${report.sent} messages`);
    t = performance.now();
    await api(base, 'POST', '/api/v1/_bench/raw_task_insert/', {
      token: accounts[0].token,
      body: { per_shard: perShard, tag: `r${round}` },
    });
    const rawMs = performance.now() - t;
    if (round > 0) {
      // the first round warms both paths and is discarded
      times.tick.push(tickMs);
      times.raw.push(rawMs);
      last = report;
    }
  }
  const mt = median(times.tick);
  const mr = median(times.raw);
  console.log(`\nScheduler fan-out: ${last.due} due rules across 4 shards, one tick (median of ${rounds} rounds)`);
  console.log(
    `  tick dispatch (query, tasks + runs batch, messages, rules moved)  ${fmt(mt, 0).padStart(6)} ms   ` +
      `${last.sent} queue messages in ${last.send_calls} sendBatch calls`,
  );
  console.log(`  raw INSERT of ${last.due} scheduled_tasks rows (4 shards in parallel)   ${fmt(mr, 0).padStart(6)} ms`);
  console.log(`  ratio (tick / raw insert time): ${fmt(mt / mr, 2)}`);
  return { rules: last.due, messages: last.sent, sendCalls: last.send_calls, tickMs: mt, rawMs: mr, ratio: mt / mr };
}
