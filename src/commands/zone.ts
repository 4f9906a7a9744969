/** `signet zone add | list | show | set | remove`. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SignetError } from '../core/errors.ts';
import { formatIso } from '../core/time.ts';
import { Name } from '../zone/name.ts';
import { loadZone } from '../zone/load.ts';
import { describePolicyChange, findPolicyParameter, policyFromJson, policyToJson, validatePolicy } from '../rollover/policy.ts';
import type { JsonObject, ZoneRow } from '../keystore/types.ts';
import {
  effectivePolicy, loadPolicy, normalizeZoneName, policyOverrides, requireZone, ZONE_SETTING_KEYS,
} from '../manager/zone-config.ts';
import { generateInitialKeys } from '../manager/zone-keys.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';

function zoneJson(zone: ZoneRow): JsonObject {
  return {
    name: zone.name, input: zone.input, output: zone.output, policy: zone.policy, settings: zone.settings,
    createdAt: formatIso(zone.createdAt),
    lastSerial: zone.lastSerial,
    lastSignedAt: zone.lastSignedAt === null ? null : formatIso(zone.lastSignedAt),
    earliestExpiration: zone.earliestExpiration === null ? null : formatIso(zone.earliestExpiration),
  };
}

export function registerZoneCommands(program: Command, context: () => CommandContext): void {
  const zone = program.command('zone').description('register and configure zones');

  zone.command('add')
    .argument('<name>', 'zone name, e.g. example.com')
    .requiredOption('--input <file>', 'the unsigned zone file')
    .option('--output <file>', 'where the signed zone goes (default FILE.signed)')
    .option('--policy <name>', 'policy name', 'default')
    .option('--no-keys', 'generate no keys (import them with `signet key import`)')
    .description('register a zone and generate its first keys per the policy')
    .action(async (nameArg: string, opts: { input: string; output?: string; policy: string; keys: boolean }) => {
      const ctx = context();
      const name = normalizeZoneName(nameArg);
      const db = openDb(ctx);
      if (db.getZone(name)) throw new SignetError('ERR_ZONE_EXISTS', `zone ${name} is already registered (see: signet zone show ${name})`);
      const policy = loadPolicy(db, opts.policy);
      const input = resolve(ctx.io.cwd, opts.input);
      const output = resolve(ctx.io.cwd, opts.output ?? `${opts.input}.signed`);
      // Parse the input now, so that a broken file is reported before anything is stored.
      await loadZone(input, Name.parse(name));
      const passphrase = ctx.passphrase();
      const keys = db.transaction(() => {
        db.addZone({ name, input, output, policy: opts.policy, settings: {}, createdAt: ctx.now });
        const made = opts.keys ? generateInitialKeys(db, name, policy, ctx.now, passphrase) : [];
        db.addEvent({
          zone: name, time: ctx.now, kind: 'zone-added',
          message: `zone ${name} added with policy ${opts.policy}; keys ${made.map((k) => `${k.role.toUpperCase()} ${k.keyTag}`).join(', ')}`,
          details: { input, output, policy: opts.policy, keys: made.map((k) => ({ role: k.role, tag: k.keyTag, algorithm: k.algorithm })) },
        });
        return made;
      });
      if (ctx.json) return ctx.outJson({ ...zoneJson(requireZone(db, name)), keys: keys.map((k) => ({ role: k.role, tag: k.keyTag, algorithm: k.algorithm })) });
      ctx.out(`added zone ${name} (policy ${opts.policy})`);
      for (const k of keys) ctx.out(`  ${k.role.toUpperCase()} ${k.keyTag} algorithm ${k.algorithm}`);
      ctx.out(`next: signet sign ${name.replace(/\.$/, '')}`);
    });

  zone.command('list').description('list the zones').action(() => {
    const ctx = context();
    const zones = openDb(ctx).listZones();
    if (ctx.json) return ctx.outJson(zones.map(zoneJson));
    if (zones.length === 0) return ctx.out('no zones (add one with: signet zone add NAME --input FILE)');
    for (const z of zones) {
      ctx.out(`${z.name}\tpolicy ${z.policy}\t${z.lastSerial === null ? 'never signed' : `serial ${z.lastSerial}, signed ${formatIso(z.lastSignedAt ?? 0)}`}`);
    }
  });

  zone.command('show').argument('<name>').description('show a zone, its settings and effective policy').action((nameArg: string) => {
    const ctx = context();
    const db = openDb(ctx);
    const z = requireZone(db, nameArg);
    const policy = policyToJson(effectivePolicy(db, z));
    if (ctx.json) return ctx.outJson({ ...zoneJson(z), effectivePolicy: policy });
    ctx.out(`zone ${z.name}`);
    ctx.out(`  input    ${z.input}`);
    ctx.out(`  output   ${z.output}`);
    ctx.out(`  policy   ${z.policy}`);
    for (const [k, v] of Object.entries(z.settings)) ctx.out(`  ${k.padEnd(8)} ${String(v)}`);
    ctx.out(`  serial   ${z.lastSerial ?? 'never signed'}`);
    if (z.earliestExpiration !== null) ctx.out(`  earliest signature expiration ${formatIso(z.earliestExpiration)}`);
    ctx.out('  effective policy:');
    for (const [k, v] of Object.entries(policy)) ctx.out(`    ${k.padEnd(26)}${String(v)}`);
  });

  zone.command('set')
    .argument('<name>')
    .argument('<assignments...>', 'KEY=VALUE pairs (zone settings or policy parameters)')
    .option('--accept', 'accept a change that starts a rollover')
    .option('--force', 'accept settings RFC 9276 advises against')
    .description('change zone settings or per-zone policy overrides')
    .action((nameArg: string, assignments: string[], opts: { accept?: boolean; force?: boolean }) => {
      const ctx = context();
      const db = openDb(ctx);
      const z = requireZone(db, nameArg);
      const settings: JsonObject = { ...z.settings };
      const patch: { policy?: string; input?: string; output?: string } = {};
      for (const a of assignments) {
        const eq = a.indexOf('=');
        if (eq <= 0) throw new SignetError('ERR_ZONE_BAD_ASSIGNMENT', `expected KEY=VALUE, got "${a}"`, { exitCode: 2 });
        const key = a.slice(0, eq).trim().toLowerCase();
        const value = a.slice(eq + 1);
        const parameter = findPolicyParameter(key);
        if (key === 'policy') { loadPolicy(db, value); patch.policy = value; }
        else if (key === 'input' || key === 'output') patch[key] = resolve(ctx.io.cwd, value);
        else if ((ZONE_SETTING_KEYS as readonly string[]).includes(key)) {
          if (value === '') delete settings[key]; else settings[key] = value;
        } else if (parameter) {
          // A per-zone policy override, kept in the same text form `policy show` prints.
          if (value === '') delete settings[key]; else settings[key] = parameter.format(parameter.parse(value));
        } else {
          throw new SignetError('ERR_ZONE_UNKNOWN_SETTING', `unknown zone setting "${key}" (settings: ${ZONE_SETTING_KEYS.join(', ')}, or any policy parameter)`, { exitCode: 2 });
        }
      }
      const before = effectivePolicy(db, z);
      const after = policyFromJson(policyOverrides(settings), loadPolicy(db, patch.policy ?? z.policy));
      validatePolicy(after, { force: opts.force === true });
      const change = describePolicyChange(before, after);
      if (change.rollover && opts.accept !== true) {
        throw new SignetError('ERR_POLICY_NEEDS_ACCEPT', `${change.rollover.description}; run again with --accept to go ahead`);
      }
      db.transaction(() => {
        db.updateZone(z.name, { ...patch, settings });
        db.addEvent({ zone: z.name, time: ctx.now, kind: 'zone-changed', message: `zone ${z.name}: ${assignments.join(' ')}`, details: { assignments } });
      });
      if (ctx.json) return ctx.outJson({ ...zoneJson(requireZone(db, z.name)), changes: change.changes });
      ctx.out(`updated zone ${z.name}`);
      for (const c of change.changes) ctx.out(`  ${c.key}: ${String(c.from)} → ${String(c.to)} (${c.effect})`);
    });

  zone.command('remove').argument('<name>').description('forget a zone and its keys (files are left in place)').action((nameArg: string) => {
    const ctx = context();
    const db = openDb(ctx);
    const z = requireZone(db, nameArg);
    db.transaction(() => {
      db.removeZone(z.name);
      db.addEvent({ zone: z.name, time: ctx.now, kind: 'zone-removed', message: `zone ${z.name} removed; its files were left in place` });
    });
    if (ctx.json) return ctx.outJson({ removed: z.name });
    ctx.out(`removed zone ${z.name} (the files ${z.input} and ${z.output} are left in place)`);
  });
}
