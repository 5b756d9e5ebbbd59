import { InvalidRequestError, UnknownZipError } from '../domain/errors';
import { MAX_CLUSTER_TILES, tilesCovering } from '../domain/map-tiles';
import type { GeoPoint } from '../domain/program';
import { minutesOfDay } from '../domain/time-of-day';
import { DEFAULT_PAGE_SIZE, DEFAULT_RADIUS_MILES, type SearchQuery } from '../domain/search-request';
import type { SearchCriteria, SearchPage, SortOrder } from '../domain/search-criteria';
import type { SearchIndex } from '../ports/search-index';
import type { ZipDirectory } from '../ports/zip-directory';
import type { PlaceDirectory, PlaceKind } from '../ports/place-directory';
import { AmbiguousPlaceError, UnknownPlaceError } from '../domain/errors';
import type { UsState } from '../domain/vocabulary';

export interface SearchDependencies {
  index: Pick<SearchIndex, 'search'>;
  zips: ZipDirectory;
  /** Resolves `near`; a search with `near` and no directory is refused as an unknown place. */
  places?: PlaceDirectory;
  now?: () => Date;
}

export interface SearchResponse extends SearchPage {
  origin: { zip?: string; kind?: PlaceKind; name?: string; state?: UsState; lat: number; lon: number } | null;
}

function defaultSort(query: SearchQuery, hasOrigin: boolean): SortOrder {
  if (query.sort) return query.sort;
  if (hasOrigin) return 'distance';
  return query.q ? 'relevance' : 'name';
}

export function toCriteria(query: SearchQuery, origin: GeoPoint | undefined, today: string): SearchCriteria {
  const sessionWindow =
    query.day || query.startAfter || query.endBefore
      ? {
          days: query.day,
          startAfter: query.startAfter === undefined ? undefined : minutesOfDay(query.startAfter),
          endBefore: query.endBefore === undefined ? undefined : minutesOfDay(query.endBefore),
        }
      : undefined;
  return {
    origin,
    radiusMiles: query.radius ?? DEFAULT_RADIUS_MILES,
    text: query.q,
    filters: {
      levelOfCare: query.levelOfCare,
      condition: query.condition,
      service: query.service,
      ageGroup: query.ageGroup,
      language: query.language,
      delivery: query.delivery,
      insurance: query.insurance,
      accreditation: query.accreditation,
      licensed: query.licensed,
      licenseState: query.licenseState,
      sessionTime: query.sessionTime,
      sessionWindow,
      acceptingNewPatients: query.acceptingNewPatients,
      verifiedSince: query.verifiedSince,
      medication: query.medication,
      population: query.population,
      gender: query.gender,
      ownership: query.ownership,
      state: query.state,
    },
    bbox: query.bbox,
    clusters: query.clusters,
    bounds: query.bounds,
    sort: defaultSort(query, origin !== undefined),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
    today,
  };
}

/**
 * `clusters=Z` sizes its grid by the tiles the searched area covers at zoom Z, so no cluster is
 * dropped; an area of more tiles than that is refused rather than answered with partial counts.
 */
function checkClusterArea(criteria: SearchCriteria): void {
  if (criteria.clusters === undefined) return;
  const tiles = tilesCovering(criteria, criteria.clusters);
  if (tiles > MAX_CLUSTER_TILES) {
    throw new InvalidRequestError('Too many map tiles for clusters', [
      {
        path: 'clusters',
        message: `the searched area covers ${tiles} tiles at zoom ${criteria.clusters}, more than ${MAX_CLUSTER_TILES}: give a smaller bbox or radius, or a lower zoom`,
      },
    ]);
  }
}

export async function searchPrograms(query: SearchQuery, deps: SearchDependencies): Promise<SearchResponse> {
  let origin: SearchResponse['origin'] = null;
  let originState: UsState | undefined;
  if (query.zip !== undefined) {
    const place = deps.zips.lookup(query.zip);
    if (!place) throw new UnknownZipError(query.zip);
    origin = { zip: query.zip, lat: place.centroid.lat, lon: place.centroid.lon };
    originState = place.state;
  } else if (query.near !== undefined) {
    origin = resolveNear(query.near, deps.places);
    originState = origin.state;
  } else if (query.lat !== undefined && query.lon !== undefined) {
    origin = { lat: query.lat, lon: query.lon };
  }
  const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  const point = origin ? { lat: origin.lat, lon: origin.lon } : undefined;
  const criteria = toCriteria(query, point, today);
  if (query.reach === 'state') {
    // The origin's state is known for a zip or a place; lat/lon name no state.
    if (!originState) {
      throw new InvalidRequestError('reach=state needs a zip or near', [{ path: 'reach', message: 'reach=state needs a zip or near (the origin state comes from it); lat/lon name no state' }]);
    }
    criteria.reachState = originState;
  }
  checkClusterArea(criteria);
  const page = await deps.index.search(criteria);
  return {
    total: page.total,
    origin,
    results: page.results,
    facets: page.facets,
    nextCursor: page.nextCursor,
    ...(page.clusters ? { clusters: page.clusters } : {}),
    ...(page.bounds !== undefined ? { bounds: page.bounds } : {}),
  };
}

function resolveNear(text: string, places: PlaceDirectory | undefined): NonNullable<SearchResponse['origin']> {
  const resolution = places?.resolve(text) ?? { status: 'unknown' as const };
  if (resolution.status === 'unknown') throw new UnknownPlaceError(text);
  if (resolution.status === 'ambiguous') throw new AmbiguousPlaceError(text, resolution.candidates);
  const { kind, name, state, lat, lon } = resolution.place;
  return kind === 'zip' ? { zip: name, kind, name, state, lat, lon } : { kind, name, state, lat, lon };
}
