/** The lever registry: implementation, parameter schema and extra checks per lever kind. */
import type { Field, ValidationError } from '../../core/validate.js';
import type { Lever, LeverKind } from '../types.js';
import { batch, batchFields } from './batch.js';
import { budgetCap, budgetCapFields } from './budget-cap.js';
import { compress, compressFields } from './compress.js';
import { imagesFields, imagesLever } from './images.js';
import { checkOutputCap, outputCap, outputCapFields } from './output-cap.js';
import { prefixCache, prefixCacheFields } from './prefix-cache.js';
import { route, routeFields } from './route.js';
import { checkSemantic, semanticCache, semanticCacheFields } from './semantic-cache.js';
import { checkSummarize, summarize, summarizeFields } from './summarize.js';
import { checkVolume, volume, volumeFields } from './volume.js';

export interface LeverDef {
  // biome-ignore lint/suspicious/noExplicitAny: each lever has its own parameter type; the registry holds them all
  lever: Lever<any>;
  fields: Record<string, Field>;
  check?: (raw: Record<string, unknown>) => ValidationError[];
}

export const LEVERS: Record<LeverKind, LeverDef> = {
  prefixCache: { lever: prefixCache, fields: prefixCacheFields },
  semanticCache: { lever: semanticCache, fields: semanticCacheFields, check: checkSemantic },
  summarize: { lever: summarize, fields: summarizeFields, check: checkSummarize },
  route: { lever: route, fields: routeFields },
  batch: { lever: batch, fields: batchFields },
  outputCap: { lever: outputCap, fields: outputCapFields, check: checkOutputCap },
  compress: { lever: compress, fields: compressFields },
  volume: { lever: volume, fields: volumeFields, check: checkVolume },
  images: { lever: imagesLever, fields: imagesFields },
  budgetCap: { lever: budgetCap, fields: budgetCapFields },
};
