import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { VigilError } from '../../errors.js';
import type { RegisterCommand } from '../context.js';

export const register: RegisterCommand = (program, ctx) => {
  program
    .command('init')
    .description('write a commented example vigil.yaml (Vietnamese and English)')
    .option('--force', 'overwrite an existing file')
    .action(async (options: { force?: boolean }, command) => {
      const path = resolve(ctx.globals(command).config ?? 'vigil.yaml');
      if (existsSync(path) && !options.force) {
        throw new VigilError('init.exists', `${path} already exists`, { hint: 'pass --force to overwrite it, or --config OTHER.yaml' });
      }
      // The template (a long bilingual text) loads only when init runs.
      const { CONFIG_TEMPLATE } = await import('../../config/template.js');
      await writeFile(path, CONFIG_TEMPLATE, 'utf8');
      ctx.print(command, { file: path }, () => `Đã tạo / wrote ${path}`);
    });
};
