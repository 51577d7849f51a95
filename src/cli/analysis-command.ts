/**
 * CLI commands of registered analyses. A hand-written adapter (nicer flags, a table) calls
 * `runRegisteredAnalysis`; every analysis without one gets a command derived from its input
 * schema: each field becomes `--kebab-name <value>` (numbers parsed, booleans as flags, lists
 * comma-separated, objects as JSON), plus the shared scope options.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { AnyAnalysis } from '../registry/define.ts';
import { ANALYSES } from '../registry/analyses.ts';
import { addScopeOptions, optionalScopeFields, type ScopeOptions } from './options.ts';
import { CliError, globalOptions, runRegisteredAnalysis } from './target.ts';

export { runRegisteredAnalysis };

type FieldKind = 'string' | 'number' | 'boolean' | 'list' | 'json';

function fieldKind(schema: z.ZodType): FieldKind {
  let s = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType } };
  while (['optional', 'default', 'nullable', 'prefault', 'catch', 'readonly'].includes(s.def.type) && s.def.innerType)
    s = s.def.innerType as typeof s;
  switch (s.def.type) {
    case 'string':
    case 'enum':
    case 'literal':
    case 'date':
      return 'string';
    case 'number':
    case 'int':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const element = fieldKind(s.def.element as z.ZodType);
      return element === 'string' || element === 'number' ? 'list' : 'json';
    }
    case 'pipe':
      return s.def.in ? fieldKind(s.def.in) : 'json';
    default:
      return 'json';
  }
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const SCOPE_FIELDS = new Set(['from', 'to', 'channels', 'segment', 'persona']);

function parseField(kind: FieldKind, flag: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (kind === 'boolean') return Boolean(value);
  const text = String(value);
  if (kind === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n)) throw new CliError(`--${flag}: a number, not "${text}"`);
    return n;
  }
  if (kind === 'list')
    return text
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch {
      throw new CliError(`--${flag}: JSON, e.g. '{"key": "value"}'`);
    }
  }
  return text;
}

/** Finds or creates the (sub)command for a name like "predict clv". */
function commandFor(program: Command, name: string): Command | undefined {
  const words = name.split(' ');
  let parent = program;
  for (const [i, word] of words.entries()) {
    const existing = parent.commands.find((c) => c.name() === word);
    if (i === words.length - 1) return existing ? undefined : parent.command(word);
    parent = existing ?? parent.command(word).description(`${word} commands`);
  }
  return undefined;
}

/** Adds a derived command for each registered analysis that has no hand-written one. */
export function registerDerivedAnalysisCommands(program: Command): void {
  for (const analysis of ANALYSES) {
    const command = commandFor(program, analysis.command ?? analysis.id);
    if (!command) continue; // a hand-written adapter already owns the name
    const fields = Object.entries(analysis.input.shape as Record<string, z.ZodType>)
      .filter(([name]) => !SCOPE_FIELDS.has(name))
      .map(([name, schema]) => ({ name, flag: kebab(name), kind: fieldKind(schema), description: schema.description }));
    command.description(analysis.summary);
    for (const f of fields) {
      const hint = { string: '<value>', number: '<n>', list: '<a,b,…>', json: '<json>', boolean: '' }[f.kind];
      command.option(`--${f.flag}${hint ? ` ${hint}` : ''}`, f.description ?? f.kind);
    }
    if (analysis.scoped !== false) addScopeOptions(command);
    command.action(async (o: ScopeOptions & Record<string, unknown>, cmd: Command) => {
      const body: Record<string, unknown> = analysis.scoped === false ? {} : { ...optionalScopeFields(o) };
      for (const f of fields) {
        const key = f.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
        const value = parseField(f.kind, f.flag, o[key]);
        if (value !== undefined) body[f.name] = value;
      }
      await runRegisteredAnalysis(globalOptions(cmd), analysis, body);
    });
  }
}
