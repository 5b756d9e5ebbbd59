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

/** Current on `today`: no expiry, or expiring today or later. */
function currentOn(path: string, today: string): Query {
  return {
    bool: {
      should: [
        { bool: { must_not: { exists: { field: `${path}.expiresOn` } } } },
        { range: { [`${path}.expiresOn`]: { gte: today } } },
      ],
      minimum_should_match: 1,
    },
  };
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

/**
 * Disjunctive facets: each facet counts over every filter of the query except its own, so a
 * front end can show how many programs each alternative value would add.
 */
function facetAggregations(clauses: Map<keyof SearchFilters, Query>, today: string): Record<string, Query> {
  const aggregations: Record<string, Query> = {};
  for (const [facet, { field, filter }] of Object.entries(FACET_FIELDS)) {
    aggregations[facet] = {
      filter: { bool: { filter: allExcept(clauses, filter) } },
      aggs: { values: { terms: { field, size: 200 } } },
    };
  }
  aggregations.accreditation = {
    filter: { bool: { filter: allExcept(clauses, 'accreditation') } },
    aggs: {
      nested: {
        nested: { path: 'accreditations' },
        aggs: {
          current: {
            filter: currentOn('accreditations', today),
            // Count programs, not accreditation entries: one program may list a body twice.
            aggs: { values: { terms: { field: 'accreditations.body', size: 20 }, aggs: { programs: { reverse_nested: {} } } } },
          },
        },
      },
    },
  };
  return aggregations;
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
    // west > east crosses the antimeridian, which the engine handles as such.
    clauses.push({ geo_bounding_box: { location: { top_left: { lat: north, lon: west }, bottom_right: { lat: south, lon: east } } } });
  }
  return clauses;
}

/**
 * Clusters and bounds over every match: a filter aggregation applying the post_filter clauses
 * (the query already applies the place), around a geotile grid sized so no tile is dropped.
 */
function mapAggregations(criteria: SearchCriteria, clauses: Map<keyof SearchFilters, Query>): Record<string, Query> {
  if (criteria.clusters === undefined && !criteria.bounds) return {};
  const aggs: Record<string, Query> = {};
  if (criteria.clusters !== undefined) {
    const size = tilesCovering(criteria, criteria.clusters);
    aggs.clusters = {
      geotile_grid: { field: 'location', precision: criteria.clusters, size, shard_size: size },
      aggs: { centroid: { geo_centroid: { field: 'location' } } },
    };
  }
  if (criteria.bounds) aggs.bounds = { geo_bounds: { field: 'location', wrap_longitude: true } };
  return { map: { filter: { bool: { filter: allExcept(clauses) } }, aggs } };
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
    aggs: { ...facetAggregations(clauses, criteria.today), ...mapAggregations(criteria, clauses) },
    sort: sortClauses(criteria),
    ...(searchAfter ? { search_after: searchAfter } : {}),
  };
}
