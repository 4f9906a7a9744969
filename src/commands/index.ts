/** Every command group, registered on the program in the SPEC's order. */
import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import { registerZoneCommands } from './zone.ts';
import { registerPolicyCommands } from './policy.ts';
import { registerKeyCommands } from './key.ts';
import { registerDsCommand } from './ds.ts';
import { registerSignCommand } from './sign.ts';
import { registerEventsCommand } from './events.ts';
import { registerVerifyCommand } from './verify.ts';
import { registerCheckCommand } from './check.ts';
import { registerRolloverCommands } from './rollover.ts';
import { registerTickCommand } from './tick.ts';
import { registerRunCommand } from './run.ts';

export function registerCommands(program: Command, context: () => CommandContext): void {
  registerZoneCommands(program, context);
  registerPolicyCommands(program, context);
  registerKeyCommands(program, context);
  registerDsCommand(program, context);
  registerSignCommand(program, context);
  registerEventsCommand(program, context);
  registerVerifyCommand(program, context);
  registerCheckCommand(program, context);
  registerRolloverCommands(program, context);
  registerTickCommand(program, context);
  registerRunCommand(program, context);
}
