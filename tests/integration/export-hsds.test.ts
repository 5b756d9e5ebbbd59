import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoDbConfig, cursorSigningKey } from '../support/engines';
import { DynamoDbListingStore } from '../../functions/adapters/dynamodb/dynamodb-listing-store';
import { DynamoDbProgramStore } from '../../functions/adapters/dynamodb/dynamodb-program-store';
import { scanLiveListings } from '../../functions/adapters/dynamodb/published-listings';
import type { Listing } from '../../functions/domain/listing';
import type { Program } from '../../functions/domain/program';
import { createHsdsDocumentWriter } from '../../functions/adapters/hsds/hsds-document-writer';
import { hsdsIdsFor } from '../../functions/adapters/hsds/hsds-ids';
import { exportPublishedDirectory } from '../../functions/use-cases/export-directory';
import { validateHsdsDocument } from '../../ops/validate-hsds';
import { makeProgram } from '../support/program-fixtures';

const run = promisify(execFile);
const table = dynamoDbConfig.PROGRAMS_TABLE;
const store = new DynamoDbProgramStore(documentClient, table);
const listings = new DynamoDbListingStore(documentClient, table, cursorSigningKey);
const directory = mkdtempSync(path.join(tmpdir(), 'iop-export-'));
// Other test files share the table, so everything here is told apart by this run's own ids.
const SOURCE = `export-test-${process.pid}`;
// The stream indexes these too, and every test file searches its own corner of the map: this is Fargo, ND.
const FARGO = {
  address: { street1: '1 Broadway N', city: 'Fargo', state: 'ND' as const, zip: '58102' },
  location: { lat: 46.877, lon: -96.789 },
  timezone: 'America/Chicago',
};
const inFargo = (source: string, externalId: string, overrides: Partial<Program> = {}) => makeProgram(source, externalId, { ...FARGO, ...overrides });

type Entity = Record<string, unknown> & { id: string };
type HsdsDocument = Record<'organizations' | 'services' | 'locations' | 'service_at_locations' | 'schedules' | 'taxonomies' | 'taxonomy_terms', Entity[]> & {
  hsds_version: string;
};

const evening = inFargo(SOURCE, 'evening', {
  name: 'Harbor Evening IOP',
  organization: 'Harbor Health',
  phone: '307-555-0100',
  website: 'https://harbor.example/iop',
  languages: ['en', 'es'],
  insurance: ['medicaid', 'cigna'],
  licenses: [{ state: 'WY', number: 'BH-77', type: 'Behavioral health' }],
  accreditations: [{ body: 'joint_commission' }],
  sessions: [
    { days: ['mon', 'wed', 'thu'], start: '18:00', end: '21:00' },
    { days: ['sat'], start: '09:00', end: '12:00' },
  ],
});
const morning = inFargo(SOURCE, 'morning', {
  name: 'Harbor Morning PHP',
  organization: 'Harbor Health',
  levelsOfCare: ['php'],
  sessions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:30', end: '14:30' }],
});
const independent = inFargo(SOURCE, 'independent', { name: 'Prairie Counseling', languages: ['en'], insurance: ['self_pay'] });
const archived = inFargo(SOURCE, 'archived', { name: 'Closed Program', status: 'archived' });
/** Every record 1.1 field (contract section 5), as an import would store it. */
const complete = inFargo(SOURCE, 'complete', {
  name: 'Red River Recovery',
  phone: '701-555-0100',
  intakePhone: '701-555-0142',
  delivery: ['in_person', 'virtual'],
  serviceArea: { states: ['ND', 'MN'] },
  services: ['individual_therapy', 'peer_support', 'case_management', 'opioid_treatment_program'],
  insurance: ['medicaid', 'payment_assistance', 'ihs_tribal'],
  languages: ['en', 'sgn'],
  medications: ['methadone', 'naltrexone', 'nicotine_replacement'],
  populations: ['veterans', 'lgbtq', 'criminal_justice'],
  gendersAccepted: ['female', 'male'],
  ownership: 'private_nonprofit',
  dataAsOf: '2025-11-15',
  verifiedAt: '2026-02-10T09:30:00.000Z',
  licenses: [{ state: 'CA', type: 'state_substance_use_agency' }],
  registryLicenses: [{ registry: 'ca-dhcs', state: 'CA', number: '190042AP', type: 'state_substance_use_agency' }],
});

function live(id: string, name: string): Program {
  return {
    ...inFargo('provider', id, { name, sessions: [{ days: ['tue'], start: '17:00', end: '19:00' }], dataAsOf: '2026-01-02', verifiedAt: '2026-01-02T00:00:00.000Z' }),
    id,
    externalId: id,
  };
}

function listing(id: string, fields: Partial<Listing>): Listing {
  return { id, ownerId: `owner-${process.pid}`, status: 'published', revision: 2, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z', history: [], ...fields };
}

const editedId = `lst_export_${process.pid}_edited`;
const neverApprovedId = `lst_export_${process.pid}_pending`;
const archivedListingId = `lst_export_${process.pid}_archived`;
const { id: _liveId, ...pendingVersion } = live(editedId, 'Provider Pending Name');

async function exportTo(file: string): Promise<HsdsDocument> {
  const output = createWriteStream(file);
  await exportPublishedDirectory({ store, liveListings: () => scanLiveListings(documentClient, table) }, await createHsdsDocumentWriter(output));
  output.end();
  await once(output, 'finish');
  return JSON.parse(readFileSync(file, 'utf8')) as HsdsDocument;
}

let first: HsdsDocument;
let second: HsdsDocument;

beforeAll(async () => {
  await store.putMany([evening, morning, independent, archived, complete]);
  // Live version approved, an edit waiting for review: only the live one is public.
  expect(await listings.save(listing(editedId, { status: 'pending_review', live: live(editedId, 'Provider Live Name'), pending: pendingVersion }), 'absent')).toBe(true);
  expect(await listings.save(listing(neverApprovedId, { status: 'pending_review', pending: pendingVersion }), 'absent')).toBe(true);
  expect(await listings.save(listing(archivedListingId, { status: 'archived', live: live(archivedListingId, 'Provider Archived') }), 'absent')).toBe(true);
  first = await exportTo(path.join(directory, 'first.json'));
  second = await exportTo(path.join(directory, 'second.json'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const byId = (entities: Entity[]) => new Map(entities.map((entity) => [entity.id, entity]));

describe('HSDS export', () => {
  it('has every published program exactly once as a service, with its location, link and schedules', () => {
    for (const program of [evening, morning, independent, complete]) {
      const ids = hsdsIdsFor(program);
      expect(first.services.filter((service) => service.id === ids.service)).toHaveLength(1);
      const service = byId(first.services).get(ids.service)!;
      expect(service).toMatchObject({ name: program.name, status: 'active', organization_id: ids.organization });
      expect(first.locations.filter((location) => location.id === ids.location)).toHaveLength(1);
      expect(byId(first.locations).get(ids.location)).toMatchObject({
        latitude: program.location.lat,
        longitude: program.location.lon,
        addresses: [{ address_1: program.address.street1, city: program.address.city, state_province: program.address.state, postal_code: program.address.zip, country: 'US' }],
      });
      expect(first.service_at_locations.filter((link) => link.id === ids.serviceAtLocation)).toEqual([
        { id: ids.serviceAtLocation, service_id: ids.service, location_id: ids.location },
      ]);
      const schedules = first.schedules.filter((schedule) => schedule.service_at_location_id === ids.serviceAtLocation);
      expect(schedules).toHaveLength(program.sessions?.length ?? 0);
      expect(first.organizations.filter((organization) => organization.id === ids.organization)).toHaveLength(1);
    }
    const eveningSchedules = first.schedules.filter((schedule) => schedule.service_id === hsdsIdsFor(evening).service);
    expect(eveningSchedules.map((schedule) => [schedule.byday, schedule.opens_at, schedule.closes_at])).toEqual([
      ['MO,WE,TH', '18:00', '21:00'],
      ['SA', '09:00', '12:00'],
    ]);
    const eveningService = byId(first.services).get(hsdsIdsFor(evening).service)!;
    expect((eveningService.languages as { code: string }[]).map((language) => language.code)).toEqual(['en', 'es']);
    expect((eveningService.attributes as { link_type: string; value: string }[]).filter((a) => a.link_type === 'insurance').map((a) => a.value)).toEqual([
      'medicaid',
      'cigna',
    ]);
    expect(eveningService.licenses).toContain('BH-77');
  });

  it('merges programs of one organization into one organization', () => {
    expect(hsdsIdsFor(evening).organization).toBe(hsdsIdsFor(morning).organization);
    expect(first.organizations.filter((organization) => organization.name === 'Harbor Health')).toHaveLength(1);
    expect(hsdsIdsFor(independent).organization).not.toBe(hsdsIdsFor(evening).organization);
  });

  it('exports the live version of a provider listing and never a pending, never-approved or archived one', () => {
    const names = first.services.map((service) => service.name);
    expect(names.filter((name) => name === 'Provider Live Name')).toHaveLength(1);
    expect(names).not.toContain('Provider Pending Name');
    expect(names).not.toContain('Provider Archived');
    expect(names).not.toContain('Closed Program');
    const serviceIds = new Set(first.services.map((service) => service.id));
    for (const absent of [archived, { id: neverApprovedId }, { id: archivedListingId }]) {
      expect(serviceIds.has(hsdsIdsFor(absent as Program).service)).toBe(false);
    }
  });

  it('gives every entity the same id in a second export', () => {
    const ours = (document: HsdsDocument) =>
      [evening, morning, independent, complete, live(editedId, 'Provider Live Name')].map((program) => {
        const ids = hsdsIdsFor(program);
        return {
          service: byId(document.services).get(ids.service),
          location: byId(document.locations).get(ids.location),
          schedules: document.schedules.filter((schedule) => schedule.service_id === ids.service),
          organization: byId(document.organizations).get(ids.organization),
        };
      });
    expect(ours(second)).toEqual(ours(first));
    expect(second.taxonomy_terms).toEqual(first.taxonomy_terms);
  });

  it('carries every record 1.1 field of a stored program to its HSDS place, schema-valid', () => {
    const ids = hsdsIdsFor(complete);
    const service = byId(first.services).get(ids.service)!;
    expect(service).toBeDefined();
    const attributes = (linkType: string) => (service.attributes as { link_type: string; value: string }[]).filter((a) => a.link_type === linkType).map((a) => a.value);
    expect(attributes('medication')).toEqual(['methadone', 'naltrexone', 'nicotine_replacement']);
    expect(attributes('population')).toEqual(['veterans', 'lgbtq', 'criminal_justice']);
    expect(attributes('gender')).toEqual(['female', 'male']);
    expect(attributes('ownership')).toEqual(['private_nonprofit']);
    expect(attributes('treatment_service')).toEqual(['individual_therapy', 'peer_support', 'case_management', 'opioid_treatment_program']);
    expect(attributes('insurance')).toEqual(['medicaid', 'payment_assistance', 'ihs_tribal']);
    const termIds = new Set(first.taxonomy_terms.map((term) => term.id));
    for (const attribute of service.attributes as { taxonomy_term_id: string }[]) expect(termIds.has(attribute.taxonomy_term_id)).toBe(true);
    expect(service.phones).toEqual([
      expect.objectContaining({ number: '701-555-0100', type: 'voice' }),
      expect.objectContaining({ number: '701-555-0142', type: 'voice', description: 'Intake' }),
    ]);
    expect((service.service_areas as { name: string }[]).map((area) => area.name)).toEqual(['North Dakota', 'Minnesota']);
    expect(service.languages).toEqual([expect.objectContaining({ code: 'en', name: 'English' }), expect.objectContaining({ name: 'Sign language' })]);
    expect((service.languages as Entity[])[1]).not.toHaveProperty('code');
    expect(service.eligibility_description).toBe('Genders accepted: Female, Male.');
    expect(service.assured_date).toBe('2026-02-10');
    expect(service.last_modified).toBe(complete.updatedAt);
    expect(service.metadata).toEqual([
      expect.objectContaining({ resource_id: ids.service, last_action_date: '2025-11-15', field_name: 'source', replacement_value: SOURCE, updated_by: SOURCE }),
    ]);
    expect(service.licenses).toContain('#190042AP');
    expect(byId(first.organizations).get(ids.organization)).toMatchObject({ name: complete.name, legal_status: 'Private non-profit' });
    const { errors } = validateHsdsDocument({ ...first, services: [service], organizations: [byId(first.organizations).get(ids.organization)!] });
    expect(errors).toEqual([]);
  });

  it('says which source every exported service came from, and adds nothing a program did not state', () => {
    for (const service of first.services) {
      const metadata = service.metadata as { resource_id: string; field_name: string; replacement_value: string; last_action_date: string }[];
      expect(metadata, service.name as string).toEqual([expect.objectContaining({ resource_id: service.id, field_name: 'source' })]);
      expect(metadata[0]!.replacement_value).toMatch(/\S/);
      expect(metadata[0]!.last_action_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const provider = byId(first.services).get(hsdsIdsFor(live(editedId, 'Provider Live Name')).service)!;
    expect(provider.metadata).toEqual([expect.objectContaining({ last_action_type: 'provider listing approved', replacement_value: 'provider', last_action_date: '2026-01-02' })]);
    expect(provider.assured_date).toBe('2026-01-02');
    const eveningService = byId(first.services).get(hsdsIdsFor(evening).service)!;
    const linkTypes = new Set((eveningService.attributes as { link_type: string }[]).map((a) => a.link_type));
    for (const absent of ['medication', 'population', 'gender', 'ownership']) expect(linkTypes.has(absent), absent).toBe(false);
    for (const field of ['service_areas', 'assured_date', 'eligibility_description']) expect(eveningService, field).not.toHaveProperty(field);
    expect(eveningService.phones).toEqual([expect.not.objectContaining({ description: 'Intake' })]);
    expect(eveningService.metadata).toEqual([expect.objectContaining({ last_action_date: evening.updatedAt.slice(0, 10), replacement_value: SOURCE })]);
  });

  it('validates against the official HSDS 3.0 schemas, with unique ids per section', () => {
    const { entities, errors } = validateHsdsDocument(first);
    expect(errors).toEqual([]);
    expect(entities).toBeGreaterThan(0);
    expect(first.hsds_version).toBe('3.0');
    for (const section of ['organizations', 'services', 'locations', 'service_at_locations', 'schedules', 'taxonomy_terms'] as const) {
      const ids = first[section].map((entity) => entity.id);
      expect(new Set(ids).size, section).toBe(ids.length);
    }
  });

  it('npm run export writes a file that --validate passes', async () => {
    const out = path.join(directory, 'cli.json');
    const { stderr } = await run(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'ops/export-cli.ts', '--format', 'hsds', '--out', out, '--validate'], {
      env: process.env,
    });
    expect(stderr).toContain('every entity valid');
    const document = JSON.parse(readFileSync(out, 'utf8')) as HsdsDocument;
    expect(document.services.some((service) => service.id === hsdsIdsFor(evening).service)).toBe(true);
    expect(byId(document.services).get(hsdsIdsFor(complete).service)).toMatchObject({ assured_date: '2026-02-10', service_areas: [{ name: 'North Dakota' }, { name: 'Minnesota' }] });
    const usage = await run(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'ops/export-cli.ts', '--format', 'csv'], { env: process.env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(usage).toMatchObject({ code: 2 });
  });
});
