/**
 * Load-bearing text: few-shot examples, evaluation criteria and output-format specs change what
 * the model does, so tokenomics never proposes cutting them. A part is load-bearing by its name
 * (`examples`, `system.criteria`, `system.outputFormat`...); inside any part, a section under a
 * heading such as "Output format", "Examples" or "Criteria" is load-bearing up to the next heading
 * (Markdown `#` headings of the same or a higher level, a `Title:` line, or a closing `</tag>`).
 */

const LOAD_BEARING_WORDS =
  /\b(examples?|few[-_ ]?shot|criteria|rubric|evaluation|grading|output[-_ ]?format|response[-_ ]?format|format|schema)\b/i;
const CAMEL_SPLIT = /([a-z])([A-Z])/g;

export function isLoadBearingName(name: string): boolean {
  return LOAD_BEARING_WORDS.test(name.replace(CAMEL_SPLIT, '$1 $2').replace(/[._]/g, ' '));
}

export interface Segment {
  text: string;
  loadBearing: boolean;
  /** The heading that opened a load-bearing section. */
  heading?: string;
}

type Open =
  | { until: 'md'; level: number; heading: string }
  | { until: 'colon'; heading: string }
  | { until: 'xml'; tag: string; heading: string };

const MD_HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const COLON_HEADING = /^([A-Z][A-Za-z0-9 /&()-]{1,58}):\s*$/;
const XML_OPEN = /^<([A-Za-z][\w-]*)>\s*$/;

interface Heading {
  kind: 'md' | 'colon' | 'xml';
  level: number;
  title: string;
}

function headingOf(line: string): Heading | undefined {
  const md = MD_HEADING.exec(line);
  if (md) return { kind: 'md', level: md[1].length, title: md[2] };
  const colon = COLON_HEADING.exec(line);
  if (colon) return { kind: 'colon', level: 7, title: colon[1] };
  const xml = XML_OPEN.exec(line);
  if (xml) return { kind: 'xml', level: 7, title: xml[1] };
  return undefined;
}

/** Whether `line` closes the open load-bearing section (the line itself stays in the section for xml). */
function closes(open: Open, h: Heading | undefined, line: string): boolean {
  if (open.until === 'xml') return line.trim() === `</${open.tag}>`;
  if (!h) return false;
  if (open.until === 'md') return h.kind !== 'md' || h.level <= open.level;
  return true;
}

/** Split text into consecutive segments, each load-bearing or not. Joining them gives the text back. */
export function segmentText(text: string): Segment[] {
  const lines = text.split(/(?<=\n)/);
  const segments: Segment[] = [];
  let open: Open | undefined;
  const push = (line: string, lb: boolean, heading?: string) => {
    const last = segments[segments.length - 1];
    if (last && last.loadBearing === lb && last.heading === heading) last.text += line;
    else segments.push({ text: line, loadBearing: lb, ...(heading ? { heading } : {}) });
  };
  for (const line of lines) {
    const bare = line.replace(/\r?\n$/, '');
    const h = headingOf(bare);
    if (open && open.until === 'xml' && closes(open, h, bare)) {
      push(line, true, open.heading);
      open = undefined;
      continue;
    }
    if (open && closes(open, h, bare)) open = undefined;
    if (!open && h && isLoadBearingName(h.title)) {
      open =
        h.kind === 'md'
          ? { until: 'md', level: h.level, heading: h.title }
          : h.kind === 'xml'
            ? { until: 'xml', tag: h.title, heading: h.title }
            : { until: 'colon', heading: h.title };
    }
    push(line, !!open, open?.heading);
  }
  return segments;
}
