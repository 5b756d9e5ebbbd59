import type { Program } from '../../domain/program';
import { programKey } from './programs-table';

/** Programs are stored flat beside their keys, so a stream image unmarshalls straight into one. */
export type ProgramItem = Program & { pk: string; sk: string; kind: 'program' };

export function toProgramItem(program: Program): ProgramItem {
  return { ...programKey(program.id), kind: 'program', ...program };
}

export function isProgramItem(item: Record<string, unknown>): boolean {
  return item.kind === 'program';
}

export function fromProgramItem(item: Record<string, unknown>): Program {
  const { pk: _pk, sk: _sk, kind: _kind, ...program } = item;
  return program as unknown as Program;
}
