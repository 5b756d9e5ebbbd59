import type { GeoPoint } from './program';
import type { BoundingBox } from './search-criteria';

/**
 * `clusters=Z` answers one cluster per Web Mercator tile of zoom Z that holds a match. The grid
 * aggregation is sized by the tiles the searched area covers, an upper bound on its buckets, so no
 * cluster is ever dropped; an area covering more tiles than this is refused (the geotile_grid
 * default size, well inside the engine's 65,535-bucket limit with the facets beside it).
 */
export const MAX_CLUSTER_TILES = 10_000;

/** Web Mercator stops here; the engine clamps latitudes to it too. */
const MAX_MERCATOR_LATITUDE = 85.05112878;
/** Miles per degree of latitude on the contract's mean sphere. */
const MILES_PER_DEGREE = 69.093;

const WORLD: BoundingBox = { west: -180, south: -90, east: 180, north: 90 };

function tileX(lon: number, tiles: number): number {
  return Math.min(tiles - 1, Math.max(0, Math.floor(((lon + 180) / 360) * tiles)));
}

function tileY(lat: number, tiles: number): number {
  const clamped = (Math.max(-MAX_MERCATOR_LATITUDE, Math.min(MAX_MERCATOR_LATITUDE, lat)) * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(clamped) + 1 / Math.cos(clamped)) / Math.PI) / 2) * tiles);
  return Math.min(tiles - 1, Math.max(0, y));
}

/** The box around a circle of `radiusMiles` around `origin` (the whole longitude range near a pole). */
export function boxAround(origin: GeoPoint, radiusMiles: number): BoundingBox {
  const dLat = radiusMiles / MILES_PER_DEGREE;
  const south = Math.max(-90, origin.lat - dLat);
  const north = Math.min(90, origin.lat + dLat);
  const widest = Math.max(Math.abs(south), Math.abs(north));
  const dLon = widest >= 89.9 ? 180 : dLat / Math.cos((widest * Math.PI) / 180);
  if (dLon >= 180) return { west: -180, south, east: 180, north };
  const wrap = (lon: number) => (lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon);
  return { west: wrap(origin.lon - dLon), south, east: wrap(origin.lon + dLon), north };
}

/** The area a search can match in: its bbox, the box around its radius, or (service areas reach anywhere) the world. */
export function searchArea(search: { bbox?: BoundingBox; origin?: GeoPoint; radiusMiles: number; reachState?: string }): BoundingBox {
  if (search.bbox) return search.bbox;
  if (search.origin && !search.reachState) return boxAround(search.origin, search.radiusMiles);
  return WORLD;
}

/**
 * How many zoom-`zoom` tiles the search's area touches, with one tile of margin on every side (a
 * point on a tile edge may be placed in either tile), at most every tile of the zoom.
 */
export function tilesCovering(search: { bbox?: BoundingBox; origin?: GeoPoint; radiusMiles: number; reachState?: string }, zoom: number): number {
  const area = searchArea(search);
  const tiles = 2 ** zoom;
  const west = tileX(area.west, tiles);
  const east = tileX(area.east, tiles);
  const across = area.west <= area.east ? east - west + 1 : tiles - west + east + 1;
  const down = tileY(area.south, tiles) - tileY(area.north, tiles) + 1;
  return Math.min(tiles, across + 2) * Math.min(tiles, down + 2);
}
