import { loadCursorConfig } from '../../config/cursor-config';

/**
 * The key that seals the cursors of a function that pages, read at module load: a paging function
 * deployed without CURSOR_SIGNING_KEY fails its cold start rather than its first paged request.
 * Imported only by the handlers that hand out or accept cursors.
 */
export const cursorSigningKey = loadCursorConfig(process.env).CURSOR_SIGNING_KEY;
