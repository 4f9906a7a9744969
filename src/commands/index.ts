/**
 * Every command group, registered on the program in the SPEC's order. A
 * group's module (and all it imports) loads only when the command line names
 * that group: `signet sign` does not load the rollover planner, the DNS
 * checks or the cron package. When the group is not plain from the command
 * line (help, a typo, an option the program does not know), every group is
 * loaded, so commander's help, errors and suggestions are what they were.
 */
import type { Command } from 'commander';
import type { CommandContext } from './context.ts';

type Register = (program: Command, context: () => CommandContext) => void;

/** Each group's top-level command name (the one its module registers) and its loader. */
export const COMMAND_GROUPS: readonly (readonly [name: string, load: () => Promise<Register>])[] = [
  ['zone', async () => (await import('./zone.ts')).registerZoneCommands],
  ['policy', async () => (await import('./policy.ts')).registerPolicyCommands],
  ['key', async () => (await import('./key.ts')).registerKeyCommands],
  ['ds', async () => (await import('./ds.ts')).registerDsCommand],
  ['sign', async () => (await import('./sign.ts')).registerSignCommand],
  ['events', async () => (await import('./events.ts')).registerEventsCommand],
  ['verify', async () => (await import('./verify.ts')).registerVerifyCommand],
  ['check', async () => (await import('./check.ts')).registerCheckCommand],
  ['rollover', async () => (await import('./rollover.ts')).registerRolloverCommands],
  ['tick', async () => (await import('./tick.ts')).registerTickCommand],
  ['run', async () => (await import('./run.ts')).registerRunCommand],
];

/**
 * The first operand of `argv` (user arguments), read as commander will: past
 * the program's own options and their values. Undefined when an option the
 * program does not declare, or `--`, comes first (commander might then read
 * the arguments otherwise).
 */
export function commandNamed(program: Command, argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) return arg;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    if (option === undefined) return undefined;
    if (eq !== -1) continue;
    if (option.required) i++;
    else if (option.optional && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) i++;
  }
  return undefined;
}

/** Registers the group that `argv` names, or every group when it names none. */
export async function registerCommands(program: Command, context: () => CommandContext, argv: readonly string[]): Promise<void> {
  const named = commandNamed(program, argv);
  const only = COMMAND_GROUPS.filter(([name]) => name === named);
  const groups = only.length > 0 ? only : COMMAND_GROUPS;
  const registers = await Promise.all(groups.map(([, load]) => load()));
  for (const register of registers) register(program, context);
}
