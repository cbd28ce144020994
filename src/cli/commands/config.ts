import type { RegisterCommand } from '../context.js';

export const register: RegisterCommand = (program, ctx) => {
  const config = program.command('config').description('inspect vigil.yaml');
  config
    .command('check')
    .description('validate the configuration file and summarise what it describes')
    .action(async (_options, command) => {
      const loaded = await ctx.config(command);
      const c = loaded.config;
      const summary = {
        file: loaded.file ?? null,
        organisation: c.organisation?.name ?? null,
        mailDomains: c.mail?.domains ?? [],
        websites: (c.websites ?? []).map((w) => w.url),
        staffDirectory: c.staff?.directory ?? null,
        channels: (c.notifications?.channels ?? []).map((ch) => `${ch.type}:${ch.name}`),
        monitors: c.monitors?.length ?? 0,
      };
      ctx.print(command, summary, () =>
        [
          `Tệp cấu hình / file: ${summary.file ?? '(none — empty configuration)'}`,
          `Đơn vị / organisation: ${summary.organisation ?? '—'}`,
          `Tên miền thư / mail domains: ${summary.mailDomains.join(', ') || '—'}`,
          `Trang web / websites: ${summary.websites.join(', ') || '—'}`,
          `Danh bạ / staff directory: ${summary.staffDirectory ?? '—'}`,
          `Kênh cảnh báo / channels: ${summary.channels.join(', ') || '—'}`,
          `Giám sát / monitors: ${summary.monitors}`,
          'Hợp lệ / valid ✓',
        ].join('\n'),
      );
    });
};
