/** `signet policy list | show NAME | set NAME KEY=VALUE…`. */
import type { Command } from 'commander';
import { SignetError } from '../core/errors.ts';
import {
  describePolicyChange, parsePolicyAssignments, policyToJson, validatePolicy, DEFAULT_POLICY,
} from '../rollover/policy.ts';
import { loadPolicy } from '../manager/zone-config.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';

export function registerPolicyCommands(program: Command, context: () => CommandContext): void {
  const policy = program.command('policy').description('named signing and rollover policies');

  policy.command('list').description('list the policies').action(() => {
    const ctx = context();
    const db = openDb(ctx);
    const names = new Set(['default', ...db.listPolicies().map((p) => p.name)]);
    const rows = [...names].sort().map((name) => ({
      name,
      zones: db.listZones().filter((z) => z.policy === name).map((z) => z.name),
    }));
    if (ctx.json) return ctx.outJson(rows);
    for (const r of rows) ctx.out(`${r.name}${r.zones.length ? `\t(${r.zones.join(', ')})` : ''}`);
  });

  policy.command('show').argument('<name>').description('show every parameter of a policy').action((name: string) => {
    const ctx = context();
    const json = policyToJson(loadPolicy(openDb(ctx), name));
    if (ctx.json) return ctx.outJson({ name, parameters: json });
    ctx.out(`policy ${name}`);
    for (const [k, v] of Object.entries(json)) ctx.out(`  ${k.padEnd(26)}${String(v)}`);
  });

  policy.command('set')
    .argument('<name>')
    .argument('<assignments...>', 'KEY=VALUE pairs')
    .option('--accept', 'accept a change that starts a rollover (new algorithm, CSK/KSK+ZSK switch)')
    .option('--force', 'accept settings RFC 9276 advises against (nsec3-iterations > 0)')
    .description('change a policy; a new name starts from `default`')
    .action((name: string, assignments: string[], opts: { accept?: boolean; force?: boolean }) => {
      const ctx = context();
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
        throw new SignetError('ERR_POLICY_BAD_NAME', `bad policy name "${name}" (letters, digits, . _ -)`, { exitCode: 2 });
      }
      const db = openDb(ctx);
      const exists = name === 'default' || db.getPolicy(name) !== null;
      const before = exists ? loadPolicy(db, name) : { ...DEFAULT_POLICY };
      const after = parsePolicyAssignments(assignments, before);
      validatePolicy(after, { force: opts.force === true });
      const change = describePolicyChange(before, after);
      const users = db.listZones().filter((z) => z.policy === name);
      if (change.rollover && users.length > 0 && opts.accept !== true) {
        throw new SignetError('ERR_POLICY_NEEDS_ACCEPT',
          `${change.rollover.description} for ${users.map((z) => z.name).join(', ')}; run again with --accept to go ahead`);
      }
      db.transaction(() => {
        db.setPolicy(name, policyToJson(after), ctx.now);
        db.addEvent({
          zone: null, time: ctx.now, kind: 'policy-changed',
          message: `policy ${name}: ${change.changes.map((c) => `${c.key} ${c.from} → ${c.to}`).join(', ') || 'no change'}`,
          details: { policy: name, changes: change.changes },
        });
      });
      if (ctx.json) return ctx.outJson({ name, created: !exists, changes: change.changes, rollover: change.rollover });
      if (!exists) ctx.out(`created policy ${name} from default`);
      for (const c of change.changes) ctx.out(`${c.key}: ${String(c.from)} → ${String(c.to)} (${c.effect})`);
    });
}
