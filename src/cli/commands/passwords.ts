import type { Command } from 'commander';
import type { RegisterCommand } from '../context.js';

// The corpus code loads only when a command runs, so other commands start fast.
const pwned = () => import('../../leaks/passwords/pwned.js');

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // Only the line end is removed: spaces may belong to the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const register: RegisterCommand = (program, ctx) => {
  const passwords = program.command('passwords').description('kiểm tra mật khẩu đã lộ / self-check against a local Pwned Passwords corpus');
  passwords
    .command('load')
    .description('load HIBP range files (PREFIX.txt with SUFFIX:COUNT) or a HASH:COUNT file into the data folder')
    .argument('<dir>', 'folder of range files, or one file')
    .action(async (dir: string, _options, command: Command) => {
      const result = await (await pwned()).loadPwned(ctx.dataDir(command), dir);
      ctx.print(command, result, () => `Đã nạp / loaded ${result.hashes} hashes in ${result.ranges} ranges`);
    });
  passwords
    .command('check')
    .description('read a password on stdin; print how often it appears in the corpus (exit 1 if it does)')
    .action(async (_options, command: Command) => {
      const password = await readStdin();
      const result = (await pwned()).checkPassword(ctx.dataDir(command), password);
      ctx.print(command, { pwned: result.count > 0, count: result.count }, () =>
        result.count > 0
          ? `Mật khẩu này đã lộ ${result.count} lần — hãy đổi ngay / this password appeared ${result.count} times in breaches: change it`
          : 'Không tìm thấy trong dữ liệu đã nạp / not found in the loaded corpus',
      );
      if (result.count > 0) process.exitCode = 1;
    });
};
