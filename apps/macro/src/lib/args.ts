/** The options most commands share, defined once so their names, defaults and help agree. */
export const ssotArg = { type: "string", description: "The SSOT file", valueHint: "FILE", default: "macro.yaml" } as const;
export const jsonArg = { type: "boolean", description: "Print the machine-readable result on stdout", default: false } as const;
