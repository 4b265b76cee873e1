/**
 * The command's JSON document (its keys are the machine contract), with the report model added
 * under `report` so a saved file renders again in any format (`tokenomics render`).
 */
import { documentJson } from '../data.js';
import { reportToDocument } from '../document.js';
import { toJson } from '../format.js';
import type { Report } from '../model.js';
import type { Formatter } from './index.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonDocument(report: Report): unknown {
  const doc = documentJson(report.data);
  if (!isPlainObject(doc) || 'report' in doc) return doc;
  return { ...doc, report: reportToDocument(report) };
}

export const jsonFormatter: Formatter = {
  name: 'json',
  description: 'the machine-readable document',
  render: (report) => toJson(jsonDocument(report)) + '\n',
};
