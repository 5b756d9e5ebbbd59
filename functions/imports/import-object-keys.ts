import { IMPORTS_PREFIX } from './import-bucket-keys';
import { isProgramFormat, PROGRAM_FORMATS, type ProgramFormat } from './import-formats';

/**
 * Only extensions that can mean one format. A `.csv` could be a native CSV, a National Directory
 * sheet or a FindTreatment.gov download (and was once read as the locator list, which states no
 * level of care), so a CSV must name its format in its key.
 */
const FORMAT_BY_EXTENSION: Readonly<Record<string, ProgramFormat>> = {
  '.ndjson': 'native',
  '.jsonl': 'native',
  '.xlsx': 'samhsa-directory',
};

/** What an operator is told when a key names no format. */
export const KEY_FORMAT_HELP =
  `use ${IMPORTS_PREFIX}<format>/<name> with a format of ${PROGRAM_FORMATS.join(', ')}, ` + 'or a .ndjson/.jsonl (native) or .xlsx (samhsa-directory) name';

/**
 * `imports/<format>/<name>` names the format outright (any program format the CLI knows, so new
 * formats need no change here); otherwise the extension decides. Undefined when neither does.
 */
export function importFormatForKey(key: string): ProgramFormat | undefined {
  if (!key.startsWith(IMPORTS_PREFIX)) return undefined;
  const segments = key.slice(IMPORTS_PREFIX.length).split('/');
  const [first] = segments;
  if (segments.length > 1 && first !== undefined && isProgramFormat(first)) return first;
  const extension = /\.[^./]+$/.exec(key)?.[0]?.toLowerCase();
  return extension === undefined ? undefined : FORMAT_BY_EXTENSION[extension];
}
