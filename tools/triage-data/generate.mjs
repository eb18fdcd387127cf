// Generates src/Kefu/Routing/Data/triage-train.tsv, the starter training set of the triage classifier.
// Reproducible: a fixed seed, no clock, no network. Run: npm install && node generate.mjs
// Sources: the hand-written lines and template parts in leaves.mjs; traditional variants via OpenCC (opencc-js).
import * as OpenCC from 'opencc-js';
import { writeFileSync } from 'node:fs';
import { leaves, openers, closers, enOpeners, enClosers } from './leaves.mjs';
import { extra, extraUrgent, pinyin, emailOpeners, emailFillers, emailClosers, enEmailOpeners, enEmailClosers } from './extra.mjs';
import { third } from './third.mjs';
import { fourth } from './fourth.mjs';

let seed = 20261123;
const rnd = () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = a => a[Math.floor(rnd() * a.length)];
const chance = p => rnd() < p;
const toTw = OpenCC.Converter({ from: 'cn', to: 'twp' });
const toHk = OpenCC.Converter({ from: 'cn', to: 'hk' });

const cities = ['上海市浦东新区', '北京朝阳区', '广州天河区', '深圳南山区', '成都高新区', '杭州西湖区', '武汉洪山区', '南京鼓楼区'];
const sizes = ['XL', 'L码', '42码', '大一号', '小一号', '黑色', '白色', '256G'];
const fill = s => s
  .replaceAll('{code}', () => String(100 + Math.floor(rnd() * 9900)))
  .replaceAll('{n}', () => String(2 + Math.floor(rnd() * 13)))
  .replaceAll('{num}', () => String(10000000 + Math.floor(rnd() * 89999999)))
  .replaceAll('{d4}', () => String(1000 + Math.floor(rnd() * 8999)))
  .replaceAll('{city}', () => pick(cities))
  .replaceAll('{size}', () => pick(sizes))
  .replaceAll('{ver}', () => `${4 + Math.floor(rnd() * 3)}.${Math.floor(rnd() * 10)}.${Math.floor(rnd() * 10)}`);

// Colloquial spellings and common typos customers really type.
const zhTypos = [['登录', '登陆'], ['账号', '帐号'], ['怎么', '咋'], ['什么', '啥'], ['怎么办', '咋办'], ['一直', '一致'], ['已经', '以经'],
  ['快递', '快第'], ['客服', 'kf'], ['没有', '木有'], ['这样', '酱紫'], ['知道', '造'], ['真的', '真滴'], ['发货', '发或'], ['退款', '退钱'],
  ['密码', '秘码'], ['闪退', '闪推'], ['验证码', '验证吗'], ['收货', '收获'], ['在', '再'], ['的', '得'], ['吗', '么'], ['订单', '定单']];
function zhNoise(s) {
  if (chance(0.35)) { const [a, b] = pick(zhTypos); if (s.includes(a)) s = s.replace(a, b); }
  if (chance(0.15)) s = s.replace(/[，。！？]/g, ' ');
  if (chance(0.1)) s = s.replace(/[，。]/g, '');
  if (chance(0.08)) s = s + pick(['？？？', '!!!', '。。。', '~~']);
  if (chance(0.12)) { // pinyin typed instead of the characters (IME off), for one key word present in the line
    const present = pinyin.filter(([a]) => s.includes(a));
    if (present.length) { const [a, b] = pick(present); s = s.replace(a, b); }
  }
  return s;
}
// A long formal message: the key fact buried between a greeting, neutral sentences and a sign-off.
const email = s => pick(emailOpeners) + pick(emailFillers) + s + (/[。！？!?]$/.test(s) ? '' : '。') + pick(emailFillers).replace(/，$/, '。') + pick(emailClosers);
const enEmail = s => pick(enEmailOpeners) + s + (/[.!?]$/.test(s) ? '' : '.') + pick(enEmailClosers);
function enNoise(s) {
  if (chance(0.3)) { // swap two adjacent letters in one word
    const words = s.split(' '); const i = Math.floor(rnd() * words.length); const w = words[i];
    if (w.length > 4) { const j = 1 + Math.floor(rnd() * (w.length - 3)); words[i] = w.slice(0, j) + w[j + 1] + w[j] + w.slice(j + 2); }
    s = words.join(' ');
  }
  if (chance(0.25)) s = s.toLowerCase();
  if (chance(0.1)) s = s.toUpperCase();
  if (chance(0.15)) s = s.replace(/[.,!?']/g, '');
  return s;
}
const trad = s => chance(0.7) ? toTw(s) : toHk(s);

const rows = new Map(); // text → [leaf, priority]
const add = (leaf, priority, text) => { text = text.replace(/\s+/g, ' ').trim(); if (text.length > 1 && !rows.has(text)) rows.set(text, [leaf, priority]); };

for (const L of leaves) {
  const zh = (base, priority, variants) => {
    add(L.leaf, priority, fill(base));
    for (let i = 0; i < variants; i++) {
      let s = fill(pick(openers) + base + pick(closers));
      s = zhNoise(s);
      if (chance(0.25)) s = trad(s);
      add(L.leaf, priority, s);
    }
  };
  const more = extra[L.leaf] ?? { hand: [], en: [] };
  for (const h of L.hand) zh(h, '-', 3);
  for (const h of more.hand) zh(h, '-', 4);
  for (const h of [...L.hand, ...more.hand]) if (chance(0.3)) { let s = zhNoise(email(fill(h))); if (chance(0.25)) s = trad(s); add(L.leaf, '-', s); }
  for (const h of [...L.en, ...more.en]) if (chance(0.3)) add(L.leaf, '-', enNoise(enEmail(fill(h))));
  for (const h of [...L.en, ...more.en]) {
    add(L.leaf, '-', fill(h));
    for (let i = 0; i < 3; i++) add(L.leaf, '-', enNoise(fill(pick(enOpeners) + h + pick(enClosers))));
  }
  for (const u of [...L.urgent, ...(extraUrgent[L.leaf] ?? [])]) {
    add(L.leaf, 'urgent', u);
    for (let i = 0; i < 4; i++) {
      const isEn = /^[\x00-\x7f]+$/.test(u);
      let s = isEn ? enNoise(pick(enOpeners) + u + pick(enClosers)) : zhNoise(pick(openers) + u + pick(closers));
      if (!isEn && chance(0.3)) s = trad(s);
      add(L.leaf, 'urgent', s);
    }
  }
  const target = 260;
  for (let i = 0, made = 0; made < target && i < target * 5; i++) {
    const before = rows.size;
    let s = fill(pick(L.t.ctx) + pick(L.t.core) + pick(L.t.tail));
    if (chance(0.5)) s = pick(openers) + s + pick(closers);
    s = zhNoise(fill(s));
    if (chance(0.22)) s = trad(s);
    add(L.leaf, '-', s);
    if (rows.size > before) made++;
  }
}

// Third round (third.mjs): leaf boundaries taught by the complaint's object. A separate pass after the first two, so the
// lines those rounds generate stay exactly as they were.
for (const [leaf, T] of Object.entries(third)) {
  for (const h of T.hand) {
    add(leaf, '-', fill(h));
    for (let i = 0; i < 4; i++) {
      let s = zhNoise(fill(pick(openers) + h + pick(closers)));
      if (chance(0.25)) s = trad(s);
      add(leaf, '-', s);
    }
    if (chance(0.3)) { let s = zhNoise(email(fill(h))); if (chance(0.25)) s = trad(s); add(leaf, '-', s); }
  }
  for (const h of T.en) {
    add(leaf, '-', fill(h));
    for (let i = 0; i < 3; i++) add(leaf, '-', enNoise(fill(pick(enOpeners) + h + pick(enClosers))));
    if (chance(0.3)) add(leaf, '-', enNoise(enEmail(fill(h))));
  }
  for (const t of [T.t ?? []].flat()) for (let i = 0, made = 0; made < 80 && i < 400; i++) {
    const before = rows.size;
    let s = fill(pick(t.ctx) + pick(t.core) + pick(t.tail));
    if (chance(0.5)) s = pick(openers) + s + pick(closers);
    s = zhNoise(s);
    if (chance(0.22)) s = trad(s);
    add(leaf, '-', s);
    if (rows.size > before) made++;
  }
}

// Fourth round (fourth.mjs): cross-cue lines, another separate pass so the earlier rounds' lines stay as they were.
for (const [leaf, T] of Object.entries(fourth)) {
  for (const h of T.hand) {
    add(leaf, '-', fill(h));
    for (let i = 0; i < 4; i++) {
      let s = zhNoise(fill(pick(openers) + h + pick(closers)));
      if (chance(0.25)) s = trad(s);
      add(leaf, '-', s);
    }
    if (chance(0.3)) { let s = zhNoise(email(fill(h))); if (chance(0.25)) s = trad(s); add(leaf, '-', s); }
  }
  for (const h of T.en) {
    add(leaf, '-', fill(h));
    for (let i = 0; i < 3; i++) add(leaf, '-', enNoise(fill(pick(enOpeners) + h + pick(enClosers))));
  }
}

const out = ['# expected_leaf_path\texpected_priority(-=any)\ttext  — generated by tools/triage-data/generate.mjs; do not edit by hand'];
for (const [text, [leaf, priority]] of rows) out.push(`${leaf}\t${priority}\t${text.replaceAll('\t', ' ')}`);
writeFileSync(new URL('../../src/Kefu/Routing/Data/triage-train.tsv', import.meta.url), out.join('\n') + '\n');
const counts = {};
for (const [, [leaf]] of rows) counts[leaf] = (counts[leaf] ?? 0) + 1;
console.log(rows.size, 'lines'); console.log(counts);
