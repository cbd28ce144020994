import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import type { Store } from '../store/store.js';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  config?: string;
  data?: string;
  json?: boolean;
}

/**
 * What a command adapter needs from the outside world: the configuration, the store and a way
 * to print. Commands stay thin: validate → call a service → present.
 */
export class CliContext {
  private storePromise: Promise<Store> | undefined;
  private configPromise: Promise<LoadedConfig> | undefined;

  constructor(private readonly program: Command) {}

  globals(command?: Command): GlobalOptions {
    const opts = (command ?? this.program).optsWithGlobals() as GlobalOptions;
    return opts;
  }

  /** The configuration file (`--config`, default ./vigil.yaml). A missing default file is an empty config. */
  config(command?: Command): Promise<LoadedConfig> {
    // Loaded on first use: the schema and the store's drivers are start-up time a command may not need.
    this.configPromise ??= import('../config/load.js').then((m) => m.loadConfig(this.globals(command).config));
    return this.configPromise;
  }

  dataDir(command?: Command): string {
    return this.globals(command).data ?? process.env.VIGIL_DATA ?? './vigil-data';
  }

  /** The store, migrated; opened once per process and closed by main() at exit. */
  store(command?: Command): Promise<Store> {
    this.storePromise ??= import('../store/store.js').then((m) =>
      m.openStore({ dataDir: this.dataDir(command), databaseUrl: process.env.VIGIL_DATABASE_URL, secretFile: process.env.VIGIL_SECRET_FILE || undefined }),
    );
    return this.storePromise;
  }

  async close(): Promise<void> {
    if (this.storePromise) {
      const store = await this.storePromise.catch(() => undefined);
      await store?.close();
    }
  }

  /** Print `value` as one JSON document with --json, else the human rendering. */
  print(command: Command, value: unknown, human: () => string): void {
    if (this.globals(command).json) process.stdout.write(`${JSON.stringify(value)}\n`);
    else process.stdout.write(`${human()}\n`);
  }
}

export type RegisterCommand = (program: Command, ctx: CliContext) => void;
