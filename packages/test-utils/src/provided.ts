declare module "vitest" {
  export interface ProvidedContext {
    /** The run's private temp dir (TMPDIR of every test process). */
    macroTempRoot: string;
    /** The run's owner id (see owner.ts). */
    macroOwner: string;
  }
}
export {};
