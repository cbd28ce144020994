import { VigilError } from '../../errors.js';
import type { User } from '../../services/auth/users.js';
import { authService, cliActor } from '../auth.js';
import { ROLES, type Role } from '../../services/auth/roles.js';
import type { RegisterCommand } from '../context.js';

/** All of stdin, without the final newline (for `--password-stdin`). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 4096) throw new VigilError('user.password-too-long', 'the password on stdin is longer than 4 KiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Ask on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: VigilError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003' || character === '\u0004') return finish(new VigilError('user.cancelled', 'cancelled'));
        if (character === '\u007f' || character === '\b') value = [...value].slice(0, -1).join('');
        else value += character;
      }
    };
    stdin.on('data', onData);
  });
}

async function askPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY) {
    throw new VigilError('user.no-password', 'no terminal to ask the password on', { hint: 'pipe it in with --password-stdin' });
  }
  const first = await promptHidden('Mật khẩu / password: ');
  const second = await promptHidden('Nhập lại / again: ');
  if (first !== second) throw new VigilError('user.password-mismatch', 'the two passwords differ');
  return first;
}

function userLine(user: User): string {
  return `${user.name.padEnd(20)} ${user.role.padEnd(8)} ${user.disabled ? 'disabled' : 'active  '} ${user.displayName ?? ''}`;
}

export const register: RegisterCommand = (program, ctx) => {
  const user = program.command('user').description('manage the people who may sign in to the API and the dashboard');

  user
    .command('add')
    .description('create a user (asks for the password, or reads it from --password-stdin)')
    .argument('<name>', 'sign-in name: lowercase letters, digits, . _ @ -')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--display-name <text>', 'full name shown in the dashboard')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, options: { role: string; displayName?: string; passwordStdin?: boolean }, command) => {
      if (!ROLES.includes(options.role as Role)) {
        throw new VigilError('auth.bad-role', `unknown role "${options.role}"`, { hint: `use one of: ${ROLES.join(', ')}` });
      }
      const password = await askPassword(options.passwordStdin);
      const auth = await authService(ctx, command);
      const created = await auth.users.create({ name, role: options.role, password, displayName: options.displayName ?? null }, cliActor());
      ctx.print(command, created, () => `Đã tạo / created ${created.name} (${created.role})`);
    });

  user
    .command('list')
    .description('list users')
    .action(async (_options, command) => {
      const users = await (await authService(ctx, command)).users.list();
      ctx.print(command, { users }, () => (users.length === 0 ? 'Chưa có người dùng / no users yet' : users.map(userLine).join('\n')));
    });

  user
    .command('disable')
    .description('stop a user from signing in (ends their sessions; their tokens stop working)')
    .argument('<name>', 'user name')
    .action(async (name: string, _options, command) => {
      const disabled = await (await authService(ctx, command)).users.disable(name, cliActor());
      ctx.print(command, disabled, () => `Đã khoá / disabled ${disabled.name}`);
    });

  user
    .command('enable')
    .description('let a disabled user sign in again')
    .argument('<name>', 'user name')
    .action(async (name: string, _options, command) => {
      const enabled = await (await authService(ctx, command)).users.update(name, { disabled: false }, cliActor());
      ctx.print(command, enabled, () => `Đã mở khoá / enabled ${enabled.name}`);
    });

  user
    .command('password')
    .description('set a user’s password (asks, or reads --password-stdin); ends their sessions')
    .argument('<name>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, options: { passwordStdin?: boolean }, command) => {
      const password = await askPassword(options.passwordStdin);
      const changed = await (await authService(ctx, command)).users.update(name, { password }, cliActor());
      ctx.print(command, changed, () => `Đã đổi mật khẩu / password changed for ${changed.name}`);
    });

  user
    .command('unlock')
    .description('lift the sign-in lockout of a user after failed passwords, from one address (--address) or from all')
    .argument('<name>', 'user name (as typed at sign-in)')
    .option('--address <ip>', 'only the lockout from this client address (as the audit log shows it)')
    .action(async (name: string, options: { address?: string }, command) => {
      const auth = await authService(ctx, command);
      const pairs = await auth.unlock(name, options.address, cliActor());
      ctx.print(command, { name: name.trim().toLowerCase(), address: options.address ?? null, unlocked: pairs }, () =>
        pairs === 0
          ? `${name} không bị khoá / was not locked out${options.address ? ` from ${options.address}` : ''}`
          : `Đã mở khoá đăng nhập / sign-in unlocked: ${name} (${pairs} ${pairs === 1 ? 'address' : 'addresses'})`,
      );
    });
};
