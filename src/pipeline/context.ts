/**
 * What the pipeline needs of the command that runs it, as an interface: the command layer's
 * context satisfies it, and the pipeline never imports the CLI.
 */
import type { ProjectConfig } from '../config/project.js';
import type { Catalog } from '../pricing/catalog.js';
import type { LoadReport } from '../pricing/load.js';
import type { ProgressSink } from './progress.js';
import type { FileRead } from '../ingest/index.js';
import type { ColumnMapping } from '../ingest/types.js';
import type { UsageRecord } from '../usage/record.js';

export interface PipelineContext extends ProgressSink {
  readonly io: ProgressSink['io'] & { stdin: NodeJS.ReadableStream; now(): number };
  readonly strict: boolean;
  /** The project config (column mapping and attribution for the readers). */
  readonly config: ProjectConfig | undefined;
  loadCatalog(): { catalog: Catalog; report: LoadReport };
  /** A line on stderr with --verbose. */
  debug(line: string): void;
  /** A notice on stderr (not with --quiet). */
  info?(line: string): void;
  /**
   * Reads a file the TypeScript readers have no reader for (Parquet, through the engine), handing each
   * record to `onRecord`; undefined: the TypeScript readers read it.
   */
  readRecordsOf?(path: string, columns: ColumnMapping | undefined, onRecord: (r: UsageRecord) => void): Promise<FileRead | undefined>;
}
