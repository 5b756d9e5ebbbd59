import { describe, expect, it } from 'vitest';
import { strongEtag } from '../../functions/http/http-caching';
import { SerializedPageMemo } from '../../functions/http/serialized-page-memo';

describe('serialized page memo', () => {
  it('serialises a page once per variant, with the ETag of exactly that text', () => {
    const memo = new SerializedPageMemo();
    const results = [{ id: 'p1' }];
    let serialisations = 0;
    const answer = (origin: string) => ({
      origin,
      results,
      toJSON() {
        serialisations++;
        return { origin, results };
      },
    });

    const first = memo.serialize(results, 'burlington', answer('burlington'));
    const again = memo.serialize(results, 'burlington', answer('burlington'));
    const other = memo.serialize(results, 'winooski', answer('winooski'));

    expect(again).toBe(first);
    expect(serialisations).toBe(2);
    expect(first.body).toBe(JSON.stringify({ origin: 'burlington', results }));
    expect(first.etag).toBe(strongEtag(first.body));
    expect(other.body).not.toBe(first.body);
  });

  it('never answers a new page with an old body, and keeps only a few variants of one page', () => {
    const memo = new SerializedPageMemo(2);
    const oldPage = [{ id: 'p1' }];
    const newPage = [{ id: 'p1' }];
    const old = memo.serialize(oldPage, 'v', { results: oldPage, total: 1 });
    expect(memo.serialize(newPage, 'v', { results: newPage, total: 2 }).body).not.toBe(old.body);

    memo.serialize(oldPage, 'a', { a: 1 });
    memo.serialize(oldPage, 'b', { b: 1 });
    // 'v' was the oldest of three variants on a memo that keeps two: serialised afresh.
    expect(memo.serialize(oldPage, 'v', { results: oldPage, total: 3 }).body).toContain('"total":3');
  });
});
