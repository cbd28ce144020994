import { authService, cliActor } from '../auth.js';
import type { RegisterCommand } from '../context.js';

export const register: RegisterCommand = (program, ctx) => {
  const token = program.command('token').description('API tokens for scripts (Authorization: Bearer vgl_…)');

  token
    .command('create')
    .description('create a token acting as USER; it is printed once and never again')
    .argument('<name>', 'what the token is for, e.g. "nightly report script"')
    .requiredOption('--user <user>', 'the user the token acts as (its role applies)')
    .action(async (name: string, options: { user: string }, command) => {
      const auth = await authService(ctx, command);
      const created = await auth.tokens.create({ name, user: options.user }, cliActor());
      ctx.print(
        command,
        created,
        () =>
          `${created.token}\n(id ${created.info.id}, user ${created.info.userName}) — lưu lại ngay, sẽ không hiện lại / store it now, it is not shown again`,
      );
    });

  token
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async (_options, command) => {
      const tokens = await (await authService(ctx, command)).tokens.list();
      ctx.print(command, { tokens }, () =>
        tokens.length === 0
          ? 'Chưa có token / no tokens'
          : tokens
              .map((t) => `${t.id}  ${t.userName.padEnd(16)} ${(t.revokedAt ? 'revoked' : 'active').padEnd(8)} ${t.lastUsedAt ?? 'never used'}  ${t.name}`)
              .join('\n'),
      );
    });

  token
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>', 'token id from `vigil token list`')
    .action(async (id: string, _options, command) => {
      await (await authService(ctx, command)).tokens.revoke(id, cliActor());
      ctx.print(command, { id, revoked: true }, () => `Đã thu hồi / revoked ${id}`);
    });
};
