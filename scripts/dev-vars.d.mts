export function ensureDevVars(path?: string): Record<string, string>;
export function connectDevVars(sim: string): Record<string, string>;
