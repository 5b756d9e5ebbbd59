import { nameKey, streetKey } from '../../domain/address-key';
import { effectiveLicenses } from '../../domain/effective-licenses';
import type { Program } from '../../domain/program';
import { toPublicProgram, type PublicProgram } from '../../domain/public-view';
import { minutesOfDay } from '../../domain/time-of-day';
import { sessionTimesOf } from '../../domain/session-times';

/**
 * What the index holds for one program: the fields searches filter, sort and aggregate on, and
 * the public record itself (stored, not indexed) so a hit needs no second read.
 */
export interface ProgramDocument {
  id: string;
  published: boolean;
  name?: string;
  organization?: string;
  description?: string;
  location?: { lat: number; lon: number };
  state?: string;
  levelsOfCare?: string[];
  conditions?: string[];
  services?: string[];
  ageGroups?: string[];
  languages?: string[];
  delivery?: string[];
  insurance?: string[];
  licenses?: { state: string; expiresOn?: string; currentUntil: string }[];
  accreditations?: { body: string; expiresOn?: string; currentUntil: string }[];
  sessions?: { days: string[]; start: number; end: number }[];
  sessionTimes?: string[];
  acceptingNewPatients?: boolean;
  medications?: string[];
  populations?: string[];
  gendersAccepted?: string[];
  ownership?: string;
  serviceStates?: string[];
  dataAsOf?: string;
  verifiedAt?: string;
  /** Matching keys (address-key.ts): how a new listing finds the published program it duplicates. */
  streetKey?: string;
  nameKey?: string;
  program?: PublicProgram;
}

/** The last day an entry counts as current: its expiry, or (none stated) the last day a date field holds. */
export const NEVER_EXPIRES = '9999-12-31';
const currentUntil = (expiresOn: string | undefined) => expiresOn ?? NEVER_EXPIRES;

export function toProgramDocument(program: Program): ProgramDocument {
  if (program.status !== 'published') return tombstoneDocument(program.id);
  const publicProgram = toPublicProgram(program);
  return {
    id: program.id,
    published: true,
    name: program.name,
    organization: program.organization,
    description: program.description,
    location: program.location,
    state: program.address.state,
    levelsOfCare: program.levelsOfCare,
    conditions: program.conditions,
    services: program.services,
    ageGroups: program.ageGroups,
    languages: program.languages,
    delivery: program.delivery,
    insurance: program.insurance,
    // The licences the directory states (registry licences in place of the claims they replace),
    // so the licence filters agree with what a result shows.
    licenses: effectiveLicenses(program)?.map(({ state, expiresOn }) => ({ state, expiresOn, currentUntil: currentUntil(expiresOn) })),
    accreditations: program.accreditations?.map(({ body, expiresOn }) => ({ body, expiresOn, currentUntil: currentUntil(expiresOn) })),
    sessions: program.sessions?.map((session) => ({
      days: session.days,
      start: minutesOfDay(session.start),
      end: minutesOfDay(session.end),
    })),
    sessionTimes: sessionTimesOf(program.sessions ?? []),
    acceptingNewPatients: program.acceptingNewPatients,
    medications: program.medications,
    populations: program.populations,
    gendersAccepted: program.gendersAccepted,
    ownership: program.ownership,
    serviceStates: program.serviceArea?.states,
    // As the public sees it: a program stored before dataAsOf existed shows its last write's date.
    dataAsOf: publicProgram.dataAsOf,
    verifiedAt: program.verifiedAt,
    streetKey: streetKey(program.address.street1, program.address.zip),
    nameKey: nameKey(program.name, program.address.zip),
    program: publicProgram,
  };
}

/**
 * A removed or unpublished program stays in the index as a versioned tombstone rather than being
 * deleted: a delete's version is forgotten after a while, and an older change replayed later
 * would bring the program back.
 */
export function tombstoneDocument(id: string): ProgramDocument {
  return { id, published: false };
}
