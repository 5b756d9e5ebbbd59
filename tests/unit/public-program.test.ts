import { describe, expect, it } from 'vitest';
import { toPublicProgram } from '../../functions/domain/program';
import { makeProgram } from '../support/program-fixtures';

describe('toPublicProgram', () => {
  it('drops what the directory tracks internally and orders fields as the contract lists them', () => {
    const stored = makeProgram('test-order', 'ordered', {
      sessions: [{ end: '21:00', start: '18:00', days: ['mon'] } as never],
      address: { zip: '82001', state: 'WY', city: 'Cheyenne', street1: '1 Main St' },
    });
    const shuffled = Object.fromEntries(Object.entries(stored).reverse()) as typeof stored;
    const visible = toPublicProgram(shuffled);
    expect(visible).not.toHaveProperty('status');
    expect(visible).not.toHaveProperty('version');
    expect(visible).not.toHaveProperty('contentHash');
    expect(Object.keys(visible).slice(0, 4)).toEqual(['id', 'source', 'externalId', 'name']);
    expect(Object.keys(visible.address)).toEqual(['street1', 'city', 'state', 'zip']);
    expect(Object.keys(visible.sessions![0]!)).toEqual(['days', 'start', 'end']);
    expect(Object.keys(visible).slice(-3)).toEqual(['locationPrecision', 'createdAt', 'updatedAt']);
  });
});
