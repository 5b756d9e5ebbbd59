import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../functions/domain/identity';
import { zipDirectory } from '../../functions/gazetteer/zip-table';
import { buildOpenApiDocument } from '../../functions/http/openapi-document';
import { createListing } from '../../functions/use-cases/listings/create-listing';
import { listOwnListings } from '../../functions/use-cases/listings/read-listings';
import { approveListing } from '../../functions/use-cases/listings/review-listing';
import { fakeDirectory } from '../fakes/directory';

/**
 * Issue 11: a listing the server accepted must read back as the document's Listing (and, once
 * published, as its Program). Schemathesis's stateful phase once found GET /v1/listings serving a
 * listing the Listing schema refused: the response schemas carried the request schemas' hints (the
 * canonical time zone names, the usual form of a URL), while the server accepts, derives and
 * serves more (a time zone from the zip table, an older alias, a URL of an unusual form).
 */

const document = JSON.parse(JSON.stringify(buildOpenApiDocument())) as { components: { schemas: Record<string, object> } };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The response schemas refer to each other (a ListingPage holds Listings): one document, as a client reads it.
for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
const documented = (name: string) => ajv.getSchema(`#/components/schemas/${name}`)!;

const provider: Identity = { sub: 'provider-conformance', isReviewer: false };
const reviewer: Identity = { sub: 'reviewer-conformance', isReviewer: true };

const base = {
  name: 'Fictional Harbor IOP',
  address: { street1: '1 Church St', city: 'Burlington', state: 'VT', zip: '05401' },
  levelsOfCare: ['iop'],
  delivery: ['in_person'],
};

/** One zip for each time zone the bundled zip table can give a program whose submission names none. */
function zipPerTimeZone(): { timezone: string; zip: string; state: string }[] {
  const first = new Map<string, { timezone: string; zip: string; state: string }>();
  for (let number = 0; number < 100_000; number++) {
    const zip = String(number).padStart(5, '0');
    const place = zipDirectory.lookup(zip);
    if (place && !first.has(place.timezone)) first.set(place.timezone, { timezone: place.timezone, zip, state: place.state });
  }
  return [...first.values()];
}

/** Submissions the server accepts: the edges of what it reads, within the document's request schema or beyond it. */
const ACCEPTED: [string, Record<string, unknown>][] = [
  ['the minimum', base],
  ...zipPerTimeZone().map(({ timezone, zip, state }): [string, Record<string, unknown>] => [
    `no time zone, derived from zip ${zip} (${timezone})`,
    { ...base, address: { ...base.address, city: 'Anytown', state, zip } },
  ]),
  ...['US/Eastern', 'US/Pacific', 'Asia/Kolkata', 'asia/kolkata', 'America/Indiana/Indianapolis', 'Etc/GMT+5', 'UTC', 'America/Argentina/ComodRivadavia'].map(
    (timezone): [string, Record<string, unknown>] => [`time zone ${timezone}`, { ...base, timezone }],
  ),
  ...[
    'https://example.org',
    'https://example.org?ref=directory',
    'https://example.org#intake',
    'HTTP://EXAMPLE.ORG/IOP',
    'http://192.0.2.10/',
    'https://[2001:db8::1]/',
    'https://münchen.example/',
    'https://example.org/a path/with spaces',
    '  https://example.org/padded  ',
    'https://exa\tmple.org/tab',
    'https://user:secret@example.org',
    'https://example.org.',
    'https://ex_ample.org',
    'https://example.org/x|y^z',
    'https://example.org/é',
    'http://localhost:8080',
  ].map((website): [string, Record<string, unknown>] => [`website ${JSON.stringify(website)}`, { ...base, website }]),
  [
    'unicode, empty optional lists and text, a point at zero',
    {
      ...base,
      name: '  Clínica Río Ñandú — 東京 🌊  ',
      organization: 'Ωmega Ficticia',
      description: '',
      address: { ...base.address, street2: '   ' },
      conditions: [],
      services: [],
      languages: ['sgn', 'es'],
      location: { lat: 1e-12, lon: -0 },
      phone: ' +1 (802) 555-0100 ext. 7 ',
      email: "o'brien+intake@clinic.example.org",
    },
  ],
  [
    'everything a submission may hold',
    {
      ...base,
      delivery: ['in_person', 'virtual'],
      serviceArea: { states: ['VT', 'NH'] },
      sessions: [{ days: ['mon', 'sat'], start: '00:00', end: '23:59' }],
      programLengthWeeks: { min: 1, max: 520 },
      acceptingNewPatients: false,
      gendersAccepted: ['female'],
      ownership: 'tribal',
      intakePhone: '8025550101',
      licenses: [{ state: 'VT', number: ' VT-1 ', expiresOn: '2030-01-31' }],
      accreditations: [{ body: 'carf' }],
      medications: ['buprenorphine'],
      populations: ['veterans'],
      insurance: ['medicaid'],
      ageGroups: ['adults'],
    },
  ],
];

/** What a client receives: the view as JSON, read back. */
const asServed = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function refusals(schema: string, value: unknown): string[] {
  const validate = documented(schema);
  return validate(asServed(value)) ? [] : (validate.errors ?? []).map((error) => `${schema}${error.instancePath} ${error.message}`);
}

describe('OpenAPI document: listings read back as the document describes them', () => {
  it.each(ACCEPTED)('%s: the created, listed, approved and public versions match Listing, ListingPage and Program', async (_what, body) => {
    const { deps, index, deliverStream } = fakeDirectory();
    const created = await createListing(provider, body, undefined, deps);
    const page = await listOwnListings(provider, { limit: 10 }, deps);
    const approved = await approveListing(reviewer, created.listing.id, created.etag, deps);
    await deliverStream();
    const served = await index.get(created.listing.id);
    expect(served).toBeDefined();
    expect([
      ...refusals('Listing', created.listing),
      ...refusals('ListingPage', page),
      ...refusals('Listing', approved.listing),
      ...refusals('Program', served),
    ]).toEqual([]);
  });

  it('still offers clients the canonical time zones and the usual form of a URL to send', () => {
    const submission = documented('ListingSubmission');
    expect(submission({ ...base, timezone: 'America/New_York' })).toBe(true);
    expect(submission({ ...base, timezone: 'US/Eastern' })).toBe(false);
    expect(submission({ ...base, website: 'https://example.org/iop' })).toBe(true);
    expect(submission({ ...base, website: 'HTTP://EXAMPLE.ORG' })).toBe(false);
  });
});
