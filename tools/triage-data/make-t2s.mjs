// Writes the traditional→simplified character table the classifier uses to normalise text.
// Data derived from OpenCC (Apache-2.0) through opencc-js; one "T S" pair per line.
import * as OpenCC from 'opencc-js';
import { writeFileSync } from 'node:fs';

const converters = [OpenCC.Converter({ from: 't', to: 'cn' }), OpenCC.Converter({ from: 'tw', to: 'cn' }), OpenCC.Converter({ from: 'hk', to: 'cn' })];
const pairs = new Map();
for (let cp = 0x3400; cp <= 0x9fff; cp++) {
  const ch = String.fromCodePoint(cp);
  for (const c of converters) {
    const s = c(ch);
    if (s !== ch && [...s].length === 1 && s.codePointAt(0) <= 0xffff && !pairs.has(ch)) pairs.set(ch, s);
  }
}
const lines = ['# traditional→simplified characters, from OpenCC (Apache-2.0) via opencc-js 1.4.2; regenerate with tools/triage-data/make-t2s.mjs'];
for (const [t, s] of pairs) lines.push(`${t} ${s}`);
writeFileSync(new URL('../../src/Kefu/Routing/Data/t2s.txt', import.meta.url), lines.join('\n') + '\n');
console.log(`${pairs.size} pairs`);
