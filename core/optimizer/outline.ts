/**
 * Outline coverage: each section of the idea's outline should be a heading of the draft (matched
 * on stems, so "Baking the bread" finds "How to bake bread"), and the text under it should cover
 * the key terms of the section's note. Sections are matched in outline order, each heading once.
 */
import { check, round1 } from './check';
import type { Doc, TextBlock } from './document';
import { phraseStems } from './language';
import { contentTokens } from './match';
import type { Check, ScoreBrief } from './types';

const OUTLINE_POINTS = 20;
/** Share of the section's heading stems a draft heading must hold to count as that section. */
const HEADING_MATCH = 0.6;
/** Share of the note's key terms the section's text must use for full points. */
const NOTE_COVERAGE = 0.5;

const unique = (stems: readonly string[]) => [...new Set(stems)];

function headingSimilarity(section: readonly string[], heading: TextBlock): number {
  if (!section.length) return 0;
  const stems = new Set(contentTokens(heading).map((t) => t.stem));
  return section.filter((s) => stems.has(s)).length / section.length;
}

/** The blocks under a heading, up to the next heading of the same or a higher level. */
function sectionBody(doc: Doc, heading: TextBlock): TextBlock[] {
  const start = doc.blocks.indexOf(heading);
  const out: TextBlock[] = [];
  for (const b of doc.blocks.slice(start + 1)) {
    if (b.kind === 'heading' && b.level <= heading.level) break;
    out.push(b);
  }
  return out;
}

export function scoreOutline(doc: Doc, brief: ScoreBrief): Check[] {
  const sections = brief.outline.filter((s) => s.h2.trim());
  if (!sections.length) return [];
  const max = round1(OUTLINE_POINTS / sections.length);
  const taken = new Set<TextBlock>();
  const candidates = doc.blocks.filter((b) => b.kind === 'heading' && b.level >= 2 && b.level <= 3);
  return sections.map((section) => {
    const name = section.h2.trim();
    const stems = unique(phraseStems(name, doc.lang));
    let best: TextBlock | null = null;
    let bestScore = 0;
    for (const h of candidates) {
      const similarity = taken.has(h) ? 0 : headingSimilarity(stems, h);
      if (similarity > bestScore) [best, bestScore] = [h, similarity];
    }
    if (!best || bestScore < HEADING_MATCH)
      return check({
        id: 'outline.section',
        category: 'outline',
        subject: name,
        max,
        share: 0,
        message: `Add the section “${name}” as a heading`,
      });
    taken.add(best);
    const noteStems = unique(phraseStems(section.coverage, doc.lang)).filter((s) => !stems.includes(s));
    const used = new Set(sectionBody(doc, best).flatMap((b) => contentTokens(b).map((t) => t.stem)));
    const covered = noteStems.length ? noteStems.filter((s) => used.has(s)).length / noteStems.length : 1;
    const share = 0.6 + 0.4 * Math.min(1, covered / NOTE_COVERAGE);
    const where = { block: best.path, from: 0, to: best.text.length };
    return check({
      id: 'outline.section',
      category: 'outline',
      subject: name,
      max,
      share,
      message:
        share >= 1
          ? `“${name}” is covered`
          : `“${name}” is there; say more about what its note asks (${section.coverage.trim()})`,
      places: [where],
    });
  });
}
