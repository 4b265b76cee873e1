/**
 * Synthetic prose for the tokenizer and chat workloads: sentences of Zipf-distributed words over a
 * vocabulary of common English words plus generated words (syllable compounds), with punctuation,
 * numbers, identifiers, some non-ASCII words and the occasional emoji. Deterministic given the Rng.
 */
import { Rng, Zipf } from './prng.mjs';

const COMMON = (
  'the of and to a in is you that it he was for on are as with his they I at be this have from or one had by ' +
  'word but not what all were we when your can said there use an each which she do how their if will up other ' +
  'about out many then them these so some her would make like him into time has look two more write go see number ' +
  'no way could people my than first water been call who oil its now find long down day did get come made may part ' +
  'account billing invoice refund customer ticket agent support plan seat user team export report api token request ' +
  'error timeout limit rate page search answer question reply draft summary policy update release version feature ' +
  'workspace integration webhook channel email chat queue priority escalation dashboard setting permission role ' +
  'password login session browser mobile desktop server database cache latency region storage upload download file ' +
  'should would because however therefore although before after during between through without within across ' +
  'quickly carefully usually often never always sometimes recently currently already still again also only just'
).split(' ');

const SYLLABLES = (
  'ka lo mi ne ru sa ti vo pre con dis ex in un re de per trans sub inter ment tion able ness ful less ive ous ' +
  'ing ed er est ly al ic ist ize ate ent ant ard ward stor graph phon log bio geo micro macro meta proto ' +
  'syn chron cyc struct form port duct spect vert tract scrib mit pos fer ject'
).split(' ');

const NON_ASCII = [
  'café',
  'naïve',
  'Zürich',
  'façade',
  'São Paulo',
  'Kraków',
  'smörgåsbord',
  'jalapeño',
  'crème brûlée',
  'Ærø',
  '東京',
  'データ',
  'サポート',
  '北京',
  '서울',
  'Москва',
  'привет',
  'Ελλάδα',
  'مرحبا',
  'שלום',
  'हिन्दी',
  '—',
  '…',
  '“quoted”',
  '€12,50',
];
const EMOJI = ['🙂', '👍', '🚀', '✅', '⚠️', '📎', '🔥', '👩‍💻'];
const NAMES = ['Priya', 'Mei', 'Jonas', 'Amara', 'Lucas', 'Sofia', 'Kenji', 'Fatima', 'Oliver', 'Chen', 'Ana', 'Tomás'];

export class Prose {
  /** `vocabSize` words in all; the first ones are common English words. */
  constructor(seed, vocabSize = 40000) {
    const rng = new Rng(seed ^ 0x5eed);
    const words = COMMON.slice();
    const seen = new Set(words);
    while (words.length < vocabSize) {
      const n = rng.int(1, 3);
      let w = '';
      for (let i = 0; i < n; i++) w += rng.pick(SYLLABLES);
      if (!seen.has(w)) {
        seen.add(w);
        words.push(w);
      }
    }
    this.words = words;
    this.zipf = new Zipf(words.length, 1.1);
  }

  word(rng) {
    const r = rng.next();
    if (r < 0.012) return rng.pick(NON_ASCII);
    if (r < 0.02) return String(rng.int(0, r < 0.016 ? 99 : 99999));
    if (r < 0.024) return rng.pick(NAMES);
    if (r < 0.027) return `${rng.pick(this.words)}_${rng.pick(this.words)}`;
    if (r < 0.029) return `https://example.com/${rng.pick(this.words)}/${rng.int(100, 9999)}`;
    return this.words[this.zipf.sample(rng)];
  }

  sentence(rng) {
    const n = rng.int(6, 24);
    let s = '';
    for (let i = 0; i < n; i++) {
      let w = this.word(rng);
      if (i === 0) w = w.charAt(0).toUpperCase() + w.slice(1);
      s += (i === 0 ? '' : ' ') + w;
      if (i < n - 1 && rng.chance(0.07)) s += rng.chance(0.8) ? ',' : ';';
    }
    const end = rng.next();
    s += end < 0.82 ? '.' : end < 0.92 ? '?' : end < 0.97 ? '!' : ':';
    if (rng.chance(0.01)) s += ' ' + rng.pick(EMOJI);
    return s;
  }

  paragraph(rng, sentences = rng.int(2, 7)) {
    let p = '';
    for (let i = 0; i < sentences; i++) p += (i ? ' ' : '') + this.sentence(rng);
    return p;
  }

  /** About `chars` characters of paragraphs (stops at the first paragraph end past the length). */
  text(rng, chars) {
    let t = '';
    while (t.length < chars) {
      if (t) t += rng.chance(0.85) ? '\n\n' : '\n- ';
      t += this.paragraph(rng);
    }
    return t;
  }
}
