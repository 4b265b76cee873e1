/**
 * What the pipeline needs of the command that runs it, as an interface: the command layer's
 * context satisfies it, and the pipeline never imports the CLI.
 */
import type { ProjectConfig } from '../config/project.js';
import type { Catalog } from '../pricing/catalog.js';
import type { LoadReport } from '../pricing/load.js';
import type { ProgressSink } from './progress.js';

export interface PipelineContext extends ProgressSink {
  readonly io: ProgressSink['io'] & { stdin: NodeJS.ReadableStream; now(): number };
  readonly strict: boolean;
  /** The project config (column mapping and attribution for the readers). */
  readonly config: ProjectConfig | undefined;
  loadCatalog(): { catalog: Catalog; report: LoadReport };
  /** A line on stderr with --verbose. */
  debug(line: string): void;
}
