/**
 * A generator of survey comments with known themes and sentiments, for testing theme discovery
 * and sentiment. Each comment is about one planted theme (a fifth mention a second one) and has a
 * planted sign; the words are drawn from small per-theme vocabularies inside varied frames, with
 * filler that belongs to no theme ("my order", "this time").
 */
import { mulberry32 } from '../../src/stats/random.ts';

export interface PlantedTheme {
  id: string;
  /** Things the theme is about: one or two of them appear in each comment. */
  subjects: string[];
  positive: string[];
  negative: string[];
}

export const PLANTED_THEMES: PlantedTheme[] = [
  {
    id: 'delivery',
    subjects: ['the delivery', 'the courier', 'the parcel delivery', 'my delivery'],
    positive: ['{s} came a day early, brilliant', '{s} was quick and the courier was polite', 'really pleased with {s}, right on time'],
    negative: ['{s} was three days late', '{s} never showed up and nobody told me why', '{s} was late and the tracking was useless'],
  },
  {
    id: 'parking',
    subjects: ['the parking lot', 'parking at the store', 'the car park'],
    positive: ['{s} was easy and free', 'loved that {s} had plenty of space'],
    negative: ['{s} was a nightmare', '{s} was full and I had to leave', 'could not find a space, {s} is awful'],
  },
  {
    id: 'sizing',
    subjects: ['the sizing chart', 'the size guide', 'the sizing'],
    positive: ['{s} was accurate and the fit is perfect', '{s} helped me pick the right fit'],
    negative: [
      '{s} was wrong and the jacket does not fit',
      '{s} is useless, everything runs small',
      'had to return it because {s} was misleading',
    ],
  },
  {
    id: 'app',
    subjects: ['the app', 'the mobile app', 'your app'],
    positive: ['{s} is fast and simple to use', 'love how smooth {s} is now'],
    negative: ['{s} kept crashing at checkout', '{s} froze twice and lost my basket', '{s} is buggy and slow'],
  },
  {
    id: 'staff',
    subjects: ['the staff', 'the store staff', 'the shop assistant'],
    positive: ['{s} were friendly and helpful', '{s} went out of their way to help me', 'great advice from {s}'],
    negative: ['{s} were rude and ignored me', '{s} were unhelpful and impatient', '{s} could not answer a simple question'],
  },
  {
    id: 'price',
    subjects: ['the prices', 'the price', 'the pricing'],
    positive: ['{s} are fair for the quality', 'happy with {s}, good value', '{s} beat every other shop'],
    negative: ['{s} are far too high', '{s} went up again, not worth it', 'disappointed by {s}, overpriced'],
  },
];

const FILLER = ['', '', 'This time ', 'Honestly ', 'For my order, ', 'Again ', 'Overall '];

export interface PlantedComment {
  text: string;
  themes: string[];
  sign: 1 | -1;
  /** A score consistent with the sign, as a survey would carry (NPS 0–10). */
  score: number;
}

export function plantedComments(count: number, seed = 11): PlantedComment[] {
  const u = mulberry32(seed);
  const r = {
    next: u,
    int: (a: number, b: number) => a + Math.floor(u() * (b - a + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(u() * xs.length)]!,
  };
  const out: PlantedComment[] = [];
  for (let i = 0; i < count; i++) {
    const t = PLANTED_THEMES[r.int(0, PLANTED_THEMES.length - 1)]!;
    const sign: 1 | -1 = r.next() < 0.45 ? 1 : -1;
    const frame = r.pick(sign > 0 ? t.positive : t.negative);
    let text = r.pick(FILLER) + frame.replace('{s}', r.pick(t.subjects));
    const themes = [t.id];
    if (r.next() < 0.2) {
      const o = PLANTED_THEMES[r.int(0, PLANTED_THEMES.length - 1)]!;
      if (o.id !== t.id) {
        text += ', and ' + r.pick(sign > 0 ? o.positive : o.negative).replace('{s}', r.pick(o.subjects));
        themes.push(o.id);
      }
    }
    text = text.charAt(0).toUpperCase() + text.slice(1);
    const score = sign > 0 ? r.int(8, 10) : r.int(0, 5);
    out.push({ text, themes, sign, score });
  }
  return out;
}
