import type { UsState } from '../../domain/vocabulary';
import type { RegistryIdentity, RegistryRowResult } from '../../use-cases/attach-registry-licenses';
import type { ByteCounter } from '../counted-read-stream';

/**
 * A state's licence registry (contract 6b): who publishes it and how to read its file. Adding a
 * state is one of these (a reader and its row mapping); matching, merging and writing are the
 * `attachRegistryLicenses` use case, shared by all.
 */
export interface LicenceRegistry extends RegistryIdentity {
  /** Stored on each licence it states (`registryLicenses[].registry`), e.g. `ca-dhcs`. */
  slug: string;
  /** The `--format` of `npm run import` that reads its file, e.g. `ca-dhcs-licenses`. */
  format: string;
  state: UsState;
  /** `issuer` of every licence it states. */
  issuer: string;
  /** The credit its data licence requires wherever its data is shown or passed on. */
  attribution: string;
  /** The licence the publisher gives its data under, e.g. `CC BY 4.0`. */
  dataLicence: string;
  /** Streams the file's rows, each a licence with its facility, or why it is not one. */
  readRows(filePath: string, counter?: ByteCounter): AsyncIterable<RegistryRowResult>;
}
