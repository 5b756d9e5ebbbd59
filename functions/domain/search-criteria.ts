import type { GeoPoint } from './program';
import type { PublicProgram } from './public-view';
import type {
  AccreditationBody,
  AgeGroup,
  Condition,
  DeliveryMode,
  Gender,
  Insurance,
  LevelOfCare,
  Medication,
  Ownership,
  Population,
  Service,
  SessionTime,
  UsState,
  Weekday,
} from './vocabulary';

export const FACET_NAMES = [
  'insurance',
  'accreditation',
  'levelOfCare',
  'sessionTime',
  'delivery',
  'ageGroup',
  'language',
  'condition',
  'medication',
  'population',
] as const;
export type FacetName = (typeof FACET_NAMES)[number];
export type Facets = Record<FacetName, Record<string, number>>;

export type SortOrder = 'distance' | 'name' | 'relevance';

/** Filters of one search; every present filter must match, values within one filter are alternatives. */
export interface SearchFilters {
  levelOfCare?: LevelOfCare[];
  condition?: Condition[];
  service?: Service[];
  ageGroup?: AgeGroup[];
  language?: string[];
  delivery?: DeliveryMode[];
  insurance?: Insurance[];
  accreditation?: AccreditationBody[];
  licensed?: boolean;
  licenseState?: UsState[];
  sessionTime?: SessionTime[];
  /** One session must meet every given part (the one-session rule). Times in minutes of the day. */
  sessionWindow?: { days?: Weekday[]; startAfter?: number; endBefore?: number };
  acceptingNewPatients?: boolean;
  /** `YYYY-MM-DD`: confirmed by a reviewer or the program's owner on that day or later. */
  verifiedSince?: string;
  medication?: Medication[];
  population?: Population[];
  /** Matches `gendersAccepted`; a program that does not say is not matched. */
  gender?: Gender[];
  ownership?: Ownership[];
  /** The state of the program's address. */
  state?: UsState[];
}

/** A map viewport in degrees; `west > east` is a box across the antimeridian. */
export interface BoundingBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface Cluster {
  lat: number;
  lon: number;
  count: number;
}

export type MatchedBy = 'distance' | 'service_area';

/** A search as the domain understands it, after the zip has been resolved to a point. */
export interface SearchCriteria {
  origin?: GeoPoint;
  radiusMiles: number;
  /** Programs inside this box (instead of an origin and radius). */
  bbox?: BoundingBox;
  /** `reach=state`: also match virtual programs whose service area includes this state (the origin's). */
  reachState?: UsState;
  /** Map zoom (0-20): geotile clusters over all matches. */
  clusters?: number;
  /** The box around all matches. */
  bounds?: boolean;
  text?: string;
  filters: SearchFilters;
  sort: SortOrder;
  limit: number;
  cursor?: string;
  /** `YYYY-MM-DD` (UTC): licences and accreditations expiring before it are not current. */
  today: string;
}

export type ProgramHit = PublicProgram & { distanceMiles?: number; matchedBy?: MatchedBy };

export interface SearchPage {
  total: number;
  results: ProgramHit[];
  facets: Facets;
  nextCursor: string | null;
  clusters?: Cluster[];
  bounds?: BoundingBox | null;
}
