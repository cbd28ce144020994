import type { RegisterCommand } from '../context.js';

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('backup')
    .description('write a consistent copy of the SQLite store to FILE, safe while vigil runs')
    .argument('<file>', 'destination file')
    .action(async (file: string, _options, command) => {
      const store = await ctx.store(command);
      const result = await store.backup(file);
      ctx.print(command, { file, ...result }, () => `Đã sao lưu / backed up ${result.pages} pages (${result.bytes} bytes) to ${file}`);
    });
};
