import { describe, expect, it } from 'vitest';
import { toPublicProgram } from '../../functions/domain/public-view';
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
    expect(Object.keys(visible).slice(-4)).toEqual(['locationPrecision', 'dataAsOf', 'createdAt', 'updatedAt']);
  });

  it('publishes only whitelisted fields, dates every program, and states registry licences in place of the claim they replace', () => {
    const stored = makeProgram('test-public', 'registry', {
      address: { street1: '3837 Telegraph Avenue', city: 'Oakland', state: 'CA', zip: '94609' },
      licenses: [
        { state: 'CA', type: 'state_substance_use_agency' },
        { state: 'CA', type: 'state_department_of_health' },
      ],
    });
    const visible = toPublicProgram({
      ...stored,
      locationSource: 'reference',
      registryLicenses: [{ registry: 'ca-dhcs', state: 'CA', number: '010001AN', issuer: 'California Department of Health Care Services', expiresOn: '2027-10-31' }],
    } as never);
    expect(visible).not.toHaveProperty('locationSource');
    expect(visible).not.toHaveProperty('registryLicenses');
    expect(visible.dataAsOf).toBe(stored.updatedAt.slice(0, 10));
    expect(visible.licenses).toEqual([
      { state: 'CA', type: 'state_department_of_health' },
      { state: 'CA', number: '010001AN', issuer: 'California Department of Health Care Services', expiresOn: '2027-10-31' },
    ]);
  });
});
