import type { RegisterCommand } from '../context.js';

/** Why the secret file matters for a backup; printed with every backup (vi, then en). */
const SECRET_NOTE_VI =
  'Khoá bí mật của bản cài đặt KHÔNG nằm trong bản sao lưu: hãy sao lưu riêng tệp này và giữ an toàn; thiếu nó, bản sao lưu khi khôi phục không thể đối chiếu các dấu vân tay mật khẩu lộ lọt cũ và các liên kết đã ký.';
const SECRET_NOTE_EN =
  'The installation secrets are NOT in the backup: back up this file separately and keep it safe; without it a restored backup cannot match earlier leaked-password fingerprints or signed links.';

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('backup')
    .description('write a consistent copy of the SQLite store to FILE (0600), safe while vigil runs; the secret file is kept apart')
    .argument('<file>', 'destination file')
    .action(async (file: string, _options, command) => {
      const store = await ctx.store(command);
      const result = await store.backup(file);
      ctx.print(command, { file, ...result, secretFile: store.secretFile, secretNote: { vi: SECRET_NOTE_VI, en: SECRET_NOTE_EN } }, () =>
        [
          `Đã sao lưu / backed up ${result.pages} pages (${result.bytes} bytes) to ${file}`,
          `Tệp khoá bí mật / secret file: ${store.secretFile}`,
          SECRET_NOTE_VI,
          SECRET_NOTE_EN,
        ].join('\n'),
      );
    });
};
