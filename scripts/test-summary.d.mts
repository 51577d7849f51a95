export function summarize(output: string, exitCode: number | null): { passed: number; failed: number };
