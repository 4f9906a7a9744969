/** `signet rollover status | start | plan | confirm`. */
import type { Command } from 'commander';
import { SignetError } from '../core/errors.ts';
import { formatIso, parseTime } from '../core/time.ts';
import type { Observation } from '../rollover/actions.ts';
import { planRollovers } from '../rollover/plan.ts';
import type { KeyRole } from '../rollover/state.ts';
import { loadZoneInput } from '../manager/rollover-input.ts';
import { zoneStatusReport } from '../manager/rollover-status.ts';
import { loadZoneState } from '../manager/rollover-store.ts';
import { runTick, tickJson } from '../manager/tick-run.ts';
import { effectivePolicy, requireZone } from '../manager/zone-config.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';
import { lockWaitMs } from './tick.ts';

const YEAR = 365 * 86400;

/** Runs one pass over the zone with the operator's observation; an error of the zone fails the command. */
async function act(ctx: CommandContext, zoneName: string, observation: Observation, lockWait: string): Promise<void> {
  const db = openDb(ctx);
  const zone = requireZone(db, zoneName);
  const report = await runTick(db, {
    now: ctx.now, passphrase: ctx.passphrase(), lockWaitMs: lockWaitMs(lockWait), zone: zone.name, observations: [observation], strict: true,
  });
  const z = report.zones[0]!;
  if (z.error) throw new SignetError(z.error.code, `${z.zone}: ${z.error.action}: ${z.error.message}`);
  for (const w of z.warnings) ctx.warn(`${z.zone}: ${w}`);
  if (ctx.json) return ctx.outJson(tickJson(report).zones);
  for (const d of z.did) ctx.out(d);
  if (z.summary) ctx.out(z.summary);
}

export function registerRolloverCommands(program: Command, context: () => CommandContext): void {
  const rollover = program.command('rollover').description('key rollovers: status, start, plan, confirm');

  rollover.command('status').argument('[name]', 'zone (default: every zone)')
    .description('the rollover in progress, its step, what it waits for and what comes next')
    .action((name: string | undefined) => {
      const ctx = context();
      const db = openDb(ctx);
      const zones = name === undefined ? db.listZones() : [requireZone(db, name)];
      const reports = zones.map((z) => zoneStatusReport(db, z, ctx.now));
      if (ctx.json) return ctx.outJson(name === undefined ? reports.map((r) => r.json) : reports[0]!.json);
      if (reports.length === 0) return ctx.out('no zones (add one with: signet zone add NAME --input FILE)');
      ctx.out(reports.map((r) => r.text).join('\n\n'));
    });

  rollover.command('start').argument('<name>', 'zone').argument('<role>', 'zsk, ksk or csk')
    .option('--lock-wait <duration>', 'how long to wait for a running tick', '10s')
    .description('begin a rollover of the zone\'s ZSK, KSK or CSK now instead of at the key\'s lifetime')
    .action(async (name: string, roleText: string, opts: { lockWait: string }) => {
      const role = roleText.toLowerCase();
      if (role !== 'zsk' && role !== 'ksk' && role !== 'csk') {
        throw new SignetError('ERR_ROLLOVER_BAD_ROLE', `bad role "${roleText}" (zsk, ksk or csk)`, { exitCode: 2 });
      }
      await act(context(), name, { kind: 'start-rollover', role: role as KeyRole }, opts.lockWait);
    });

  rollover.command('confirm').argument('<name>', 'zone').argument('<what>', 'ds-published or ds-withdrawn')
    .option('--lock-wait <duration>', 'how long to wait for a running tick', '10s')
    .description('the operator\'s word that the parent now serves the new DS (ds-published) or no longer serves the old one (ds-withdrawn)')
    .action(async (name: string, what: string, opts: { lockWait: string }) => {
      if (what !== 'ds-published' && what !== 'ds-withdrawn') {
        throw new SignetError('ERR_ROLLOVER_BAD_CONFIRM', `bad confirmation "${what}" (ds-published or ds-withdrawn)`, { exitCode: 2 });
      }
      await act(context(), name, { kind: 'confirm', what }, opts.lockWait);
    });

  rollover.command('plan').argument('<name>', 'zone')
    .option('--until <time>', 'plan up to this time (default: one year from now)')
    .description('every rollover step to come with its earliest date, assuming the parent acts at once')
    .action(async (name: string, opts: { until?: string }) => {
      const ctx = context();
      const db = openDb(ctx);
      const zone = requireZone(db, name);
      const policy = effectivePolicy(db, zone);
      const until = opts.until === undefined ? ctx.now + YEAR : parseTime(opts.until);
      if (until <= ctx.now) throw new SignetError('ERR_ROLLOVER_BAD_UNTIL', `--until ${formatIso(until)} is not after ${formatIso(ctx.now)}`, { exitCode: 2 });
      const { state } = loadZoneState(db, zone, policy);
      const input = await loadZoneInput(zone);
      const plan = planRollovers(state, policy, ctx.now, until, { maxZoneTtl: input.maxTtl });
      if (ctx.json) {
        return ctx.outJson({
          zone: zone.name, from: formatIso(ctx.now), until: formatIso(until),
          entries: plan.entries.map((e) => ({ ...e, at: formatIso(e.at) })),
          violations: plan.violations,
        });
      }
      ctx.out(`${zone.name}: plan from ${formatIso(ctx.now)} to ${formatIso(until)} (assuming the parent acts at once)`);
      if (plan.entries.length === 0) ctx.out('  nothing happens in this period');
      for (const e of plan.entries) {
        const where = e.step === null ? '' : `, step ${e.step} of ${e.steps}: ${e.name}`;
        ctx.out(`  ${formatIso(e.at)}  ${e.title}${where}: ${e.description}`);
        if (e.operatorAction) ctx.out(`      operator: ${e.operatorAction}`);
      }
      if (plan.violations.length > 0) {
        ctx.out(`  WARNING: the resolver cache model finds ${plan.violations.length} moment(s) where validation could fail:`);
        for (const v of plan.violations.slice(0, 5)) ctx.out(`    ${formatIso(v.at)}: ${v.reason}`);
      }
    });
}
