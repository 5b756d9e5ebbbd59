import { NotFoundError } from '../domain/errors';
import type { PublicProgram } from '../domain/public-view';
import type { SearchIndex } from '../ports/search-index';

/** Public reads come from the index, which only ever holds published programs as live documents. */
export async function getPublishedProgram(id: string, index: SearchIndex): Promise<PublicProgram> {
  const program = await index.get(id);
  if (!program) throw new NotFoundError(`No published program with id ${id}`, [{ path: 'id', message: 'not found' }]);
  return program;
}
