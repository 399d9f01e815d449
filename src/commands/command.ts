import type { App } from '../app.ts';

/** A CLI command: gets the wired app and its own arguments, returns the process exit code. */
export type Command = (app: App, args: string[]) => Promise<number>;
