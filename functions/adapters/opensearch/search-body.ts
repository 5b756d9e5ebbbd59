import { tilesCovering } from '../../domain/map-tiles';
import type { FacetName, SearchCriteria, SearchFilters } from '../../domain/search-criteria';

type Query = Record<string, unknown>;

const FACET_FIELDS: Record<Exclude<FacetName, 'accreditation'>, { field: string; filter: keyof SearchFilters }> = {
  insurance: { field: 'insurance', filter: 'insurance' },
  levelOfCare: { field: 'levelsOfCare', filter: 'levelOfCare' },
  sessionTime: { field: 'sessionTimes', filter: 'sessionTime' },
  delivery: { field: 'delivery', filter: 'delivery' },
  ageGroup: { field: 'ageGroups', filter: 'ageGroup' },
  language: { field: 'languages', filter: 'language' },
  condition: { field: 'conditions', filter: 'condition' },
  medication: { field: 'medications', filter: 'medication' },
  population: { field: 'populations', filter: 'population' },
};

/** Plain "has one of these values" filters: query parameter to indexed field. */
const TERM_FILTERS = {
  levelOfCare: 'levelsOfCare',
  condition: 'conditions',
  service: 'services',
  ageGroup: 'ageGroups',
  language: 'languages',
  delivery: 'delivery',
  insurance: 'insurance',
  sessionTime: 'sessionTimes',
  medication: 'medications',
  population: 'populations',
  // A program whose source does not say which genders it accepts has no value, so matches no gender.
  gender: 'gendersAccepted',
  ownership: 'ownership',
  state: 'state',
} as const satisfies Partial<Record<keyof SearchFilters, string>>;

/** Current on `today`: no expiry, or expiring today or later (program-document.ts writes currentUntil). */
function currentOn(path: string, today: string): Query {
  return { range: { [`${path}.currentUntil`]: { gte: today } } };
}

function currentAccreditationQuery(bodies: readonly string[], today: string): Query {
  return {
    nested: {
      path: 'accreditations',
      query: { bool: { filter: [{ terms: { 'accreditations.body': bodies } }, currentOn('accreditations', today)] } },
    },
  };
}

/** Each filter of the search as one clause, keyed by the parameter it came from. */
export function filterClauses(filters: SearchFilters, today: string): Map<keyof SearchFilters, Query> {
  const clauses = new Map<keyof SearchFilters, Query>();
  for (const [parameter, field] of Object.entries(TERM_FILTERS) as [keyof typeof TERM_FILTERS, string][]) {
    const values = filters[parameter];
    if (values && values.length > 0) clauses.set(parameter, { terms: { [field]: values } });
  }
  if (filters.accreditation?.length) {
    clauses.set('accreditation', currentAccreditationQuery(filters.accreditation, today));
  }
  if (filters.licensed || filters.licenseState?.length) {
    const licence: Query[] = [currentOn('licenses', today)];
    if (filters.licenseState?.length) licence.push({ terms: { 'licenses.state': filters.licenseState } });
    // licenseState already implies a current licence, so one clause serves both parameters.
    clauses.set(filters.licenseState?.length ? 'licenseState' : 'licensed', {
      nested: { path: 'licenses', query: { bool: { filter: licence } } },
    });
  }
  const window = filters.sessionWindow;
  if (window && (window.days?.length || window.startAfter !== undefined || window.endBefore !== undefined)) {
    // All parts inside one nested query: a single session must satisfy every one of them.
    const parts: Query[] = [];
    if (window.days?.length) parts.push({ terms: { 'sessions.days': window.days } });
    if (window.startAfter !== undefined) parts.push({ range: { 'sessions.start': { gte: window.startAfter } } });
    if (window.endBefore !== undefined) parts.push({ range: { 'sessions.end': { lte: window.endBefore } } });
    clauses.set('sessionWindow', { nested: { path: 'sessions', query: { bool: { filter: parts } } } });
  }
  if (filters.acceptingNewPatients) clauses.set('acceptingNewPatients', { term: { acceptingNewPatients: true } });
  if (filters.verifiedSince) clauses.set('verifiedSince', { range: { verifiedAt: { gte: filters.verifiedSince } } });
  return clauses;
}

function allExcept(clauses: Map<keyof SearchFilters, Query>, excluded?: keyof SearchFilters): Query[] {
  return [...clauses].filter(([parameter]) => parameter !== excluded).map(([, clause]) => clause);
}

/** Where an aggregation counts: the matches, or the matches but for one filter (a disjunctive facet's own). */
function scopeName(excluded?: keyof SearchFilters): string {
  return excluded ? `without_${excluded}` : 'matches';
}

/**
 * Facets, clusters and bounds, grouped by the set of filters they count over. Disjunctive facets:
 * each facet counts over every filter of the query except its own, so a front end can show how
 * many programs each alternative value would add. A facet whose filter is not in the query counts
 * over the matches themselves; all of those share one filter aggregation, because the engine
 * evaluates a filter aggregation once per document the query collects, and evaluating the same
 * filters once per facet was most of the cost of a search.
 */
function scopedAggregations(criteria: SearchCriteria, clauses: Map<keyof SearchFilters, Query>): Record<string, Query> {
  const scopes = new Map<string, { excluded?: keyof SearchFilters; aggs: Record<string, Query> }>();
  const scope = (excluded?: keyof SearchFilters) => {
    const name = scopeName(excluded);
    let found = scopes.get(name);
    if (!found) scopes.set(name, (found = { ...(excluded ? { excluded } : {}), aggs: {} }));
    return found.aggs;
  };
  const ownFilterIfApplied = (filter: keyof SearchFilters) => (clauses.has(filter) ? filter : undefined);
  for (const [facet, { field, filter }] of Object.entries(FACET_FIELDS)) {
    scope(ownFilterIfApplied(filter))[facet] = { terms: { field, size: 200 } };
  }
  scope(ownFilterIfApplied('accreditation')).accreditation = {
    nested: { path: 'accreditations' },
    aggs: {
      current: {
        filter: currentOn('accreditations', criteria.today),
        // Count programs, not accreditation entries: one program may list a body twice.
        aggs: { values: { terms: { field: 'accreditations.body', size: 20 }, aggs: { programs: { reverse_nested: {} } } } },
      },
    },
  };
  Object.assign(scope(), mapAggregations(criteria));
  return Object.fromEntries(
    [...scopes].map(([name, { excluded, aggs }]) => [name, { filter: { bool: { filter: allExcept(clauses, excluded) } }, aggs }]),
  );
}

function sortClauses(criteria: SearchCriteria): Query[] {
  const byId = { id: { order: 'asc' } };
  switch (criteria.sort) {
    case 'distance':
      if (!criteria.origin) throw new Error('distance sort needs an origin');
      return [
        {
          _geo_distance: {
            location: { lat: criteria.origin.lat, lon: criteria.origin.lon },
            order: 'asc',
            unit: 'mi',
            distance_type: 'arc',
          },
        },
        byId,
      ];
    case 'name':
      return [{ 'name.sort': { order: 'asc', missing: '_last' } }, byId];
    case 'relevance':
      return [{ _score: { order: 'desc' } }, byId];
  }
}

/** The name of the radius clause: a hit it matched carries it in `matched_queries` (`matchedBy: distance`). */
export const DISTANCE_QUERY_NAME = 'distance';

/** Where a search may match: within the radius (or, with reach=state, serving the origin's state), or inside the bbox. */
function placeClauses(criteria: SearchCriteria): Query[] {
  const clauses: Query[] = [];
  if (criteria.origin) {
    const withinRadius = {
      geo_distance: {
        distance: `${criteria.radiusMiles}mi`,
        distance_type: 'arc',
        location: { lat: criteria.origin.lat, lon: criteria.origin.lon },
        ...(criteria.reachState ? { _name: DISTANCE_QUERY_NAME } : {}),
      },
    };
    clauses.push(
      criteria.reachState
        ? {
            bool: {
              should: [
                withinRadius,
                { bool: { filter: [{ term: { delivery: 'virtual' } }, { term: { serviceStates: criteria.reachState } }] } },
              ],
              minimum_should_match: 1,
            },
          }
        : withinRadius,
    );
  }
  if (criteria.bbox) {
    const { west, south, east, north } = criteria.bbox;
    // west > east crosses the antimeridian, which the engine handles as such. A box without
    // height or width (south = north, west = east) is refused by the engine ("top cannot be the
    // same as bottom"): it is searched a hair larger, far below the 4e-8 degrees to which the
    // engine stores points.
    const [top, bottom] = north !== south ? [north, south] : north < 90 ? [north + HAIR_DEGREES, south] : [north, south - HAIR_DEGREES];
    const [left, right] = west !== east ? [west, east] : east < 180 ? [west, east + HAIR_DEGREES] : [west - HAIR_DEGREES, east];
    clauses.push({ geo_bounding_box: { location: { top_left: { lat: top, lon: left }, bottom_right: { lat: bottom, lon: right } } } });
  }
  return clauses;
}

const HAIR_DEGREES = 1e-9;

/**
 * Clusters and bounds over every match (they sit in the scope of all filters; the query already
 * applies the place), the grid sized so no tile is dropped.
 */
function mapAggregations(criteria: SearchCriteria): Record<string, Query> {
  const aggs: Record<string, Query> = {};
  if (criteria.clusters !== undefined) {
    const size = tilesCovering(criteria, criteria.clusters);
    aggs.clusters = {
      geotile_grid: { field: 'location', precision: criteria.clusters, size, shard_size: size },
      aggs: { centroid: { geo_centroid: { field: 'location' } } },
    };
  }
  if (criteria.bounds) aggs.bounds = { geo_bounds: { field: 'location', wrap_longitude: true } };
  return aggs;
}

export function buildSearchBody(criteria: SearchCriteria, searchAfter?: unknown[]): Query {
  const base: Query[] = [{ term: { published: true } }, ...placeClauses(criteria)];
  const must: Query[] = [];
  if (criteria.text) {
    must.push({
      multi_match: {
        query: criteria.text,
        fields: ['name^3', 'organization^2', 'description'],
        type: 'best_fields',
        operator: 'and',
        // One edit from five letters, two from nine: enough for the typos people make, and far
        // fewer term expansions than the default AUTO (3,6) at 200k programs.
        fuzziness: 'AUTO:5,9',
        prefix_length: 1,
        max_expansions: 20,
      },
    });
  }
  const clauses = filterClauses(criteria.filters, criteria.today);
  return {
    size: criteria.limit,
    track_total_hits: true,
    _source: ['program'],
    query: { bool: { filter: base, must } },
    // Filters go in post_filter so the facet aggregations can each leave their own one out.
    post_filter: { bool: { filter: allExcept(clauses) } },
    aggs: scopedAggregations(criteria, clauses),
    sort: sortClauses(criteria),
    ...(searchAfter ? { search_after: searchAfter } : {}),
  };
}
