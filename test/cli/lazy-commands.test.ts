/**
 * Commands load their modules only when named (src/commands/index.ts): the
 * help and usage errors must read exactly as with every group loaded.
 */
import { describe, expect, it } from 'vitest';
import { Command, CommanderError } from 'commander';
import { buildProgram, main } from '../../src/cli.ts';
import type { CliIo } from '../../src/commands/context.ts';
import { COMMAND_GROUPS, commandNamed, registerCommands } from '../../src/commands/index.ts';

function capture(): { io: CliIo; out(): string } {
  let text = '';
  return { io: { stdout: (s) => { text += s; }, stderr: (s) => { text += s; }, env: {}, cwd: process.cwd() }, out: () => text };
}

/** Output and status of `argv` on a program with every group registered. */
async function eager(argv: readonly string[]): Promise<{ status: number; text: string }> {
  const c = capture();
  const { program, close } = await buildProgram(c.io, []);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { status: 0, text: c.out() };
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { status: e.exitCode, text: c.out() };
  } finally {
    close();
  }
}

async function lazy(argv: readonly string[]): Promise<{ status: number; text: string }> {
  const c = capture();
  const status = await main(argv, c.io);
  return { status, text: c.out() };
}

/** Every command path below `command`, e.g. ['zone'], ['zone', 'add']. */
function paths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...paths(sub, path)];
  });
}

describe('lazily loaded commands', () => {
  it('lists every top-level command, in order, and each group registers only its own', async () => {
    const { program } = await buildProgram(capture().io, []);
    expect(program.commands.map((c) => c.name())).toEqual(COMMAND_GROUPS.map(([name]) => name));
    for (const [name] of COMMAND_GROUPS) {
      const one = new Command('signet');
      await registerCommands(one, () => { throw new Error('not run'); }, [name]);
      expect(one.commands.map((c) => c.name())).toEqual([name]);
    }
  });

  it('prints the same help for the program and for every command and subcommand', async () => {
    expect((await lazy(['--help'])).text).toBe((await eager(['--help'])).text);
    const { program } = await buildProgram(capture().io, []);
    const all = paths(program);
    expect(all.length).toBeGreaterThan(COMMAND_GROUPS.length);
    for (const path of all) {
      const want = await eager([...path, '--help']);
      expect(want.text).toContain(`Usage: signet ${path.join(' ')}`);
      expect(await lazy([...path, '--help'])).toEqual(want);
      expect(await lazy(['--json', '--db', 'x.db', ...path, '--help'])).toEqual(await eager(['--json', '--db', 'x.db', ...path, '--help']));
    }
  });

  it('reports usage errors as before: unknown commands, options and missing arguments', async () => {
    for (const argv of [['sgin'], ['--bogus', 'sign', 'x'], ['sign'], ['sign', 'x', '--bogus'], ['zone', 'frobnicate'], ['help', 'check']]) {
      const want = await eager(argv);
      const got = await lazy(argv);
      expect(got.text, argv.join(' ')).toBe(want.text);
      expect(got.status === 0, argv.join(' ')).toBe(want.status === 0);
    }
  });

  it('finds the command past the global options and their values', () => {
    const program = new Command('signet').option('--db <path>').option('--now <time>').option('--json').option('--level [n]');
    expect(commandNamed(program, ['sign', 'example.com'])).toBe('sign');
    expect(commandNamed(program, ['--db', 'sign', 'zone', 'list'])).toBe('zone');
    expect(commandNamed(program, ['--db=s.db', '--json', 'ds', 'x'])).toBe('ds');
    expect(commandNamed(program, ['--level', 'tick'])).toBe(undefined);
    expect(commandNamed(program, ['--level', '--json', 'tick'])).toBe('tick');
    expect(commandNamed(program, ['--bogus', 'sign'])).toBe(undefined);
    expect(commandNamed(program, ['--', 'sign'])).toBe(undefined);
    expect(commandNamed(program, ['--db'])).toBe(undefined);
    expect(commandNamed(program, [])).toBe(undefined);
  });
});
