import type { Client } from '@opensearch-project/opensearch';
import { publicProgramView, type PublicProgram } from '../../domain/public-view';
import type { ExpiringPage, ExpiringPageRequest, ExpiryIndex, ExpiryWindow } from '../../ports/search-index';
import { buildExpiringBody, decodeExpiringCursor, encodeExpiringCursor } from './expiring-query';
import { requireCursorKey } from '../cursor/signed-cursor';
import { guarded } from './opensearch-search-index';

interface Hit {
  _id: string;
  _source?: { program?: PublicProgram };
  sort?: unknown[];
}

/**
 * The expiry watch on the programs index (the alias searches use). A class of its own rather than
 * a method of OpenSearchSearchIndex, so the search functions' bundles do not carry it.
 */
export class OpenSearchExpiryIndex implements ExpiryIndex {
  constructor(
    private readonly client: Client,
    private readonly alias: string,
    /** Seals the pages' cursors; only a caller that pages needs it (signed-cursor.ts `requireCursorKey`). */
    private readonly cursorKey?: string,
  ) {}

  /** Published programs with a licence or accreditation expiring in the window, soonest first (expiring-query.ts). */
  async expiring(window: ExpiryWindow, page: ExpiringPageRequest): Promise<ExpiringPage> {
    const searchAfter = page.cursor ? decodeExpiringCursor(page.cursor, window, requireCursorKey(this.cursorKey)) : undefined;
    const body = buildExpiringBody(window, page.limit, searchAfter);
    const response = await guarded(() => this.client.search({ index: this.alias, body: body as never }));
    const hits = response.body.hits.hits as unknown as Hit[];
    const total = response.body.hits.total;
    const last = hits.at(-1);
    return {
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      programs: hits.map((hit) => {
        if (!hit._source?.program) throw new Error(`Indexed program ${hit._id} has no stored record`);
        // The engine re-serialises sources in its own key order.
        return publicProgramView(hit._source.program);
      }),
      nextCursor: !page.firstPageOnly && hits.length === page.limit && last?.sort ? encodeExpiringCursor(last.sort, window, requireCursorKey(this.cursorKey)) : null,
    };
  }
}
