/**
 * The `detect --follow` stream fuzzed, for test/fuzz-detect.test.ts (run in its worker): the
 * first rows of a real input with malformed lines put among them (cells that are not numbers,
 * stray quotes, extra and missing cells, NUL bytes, binary junk, over-long lines, lines ended
 * by CR alone, repeated and backward time stamps, empty lines), fed in chunks cut at random
 * (through multi-byte characters and CRLF pairs) to followDetect, as the CLI feeds it stdin.
 * Every good row must be scored exactly as in a clean feed of the good rows alone, each bad
 * line must give one warning line naming its line number, nothing else may be said, and the
 * run must end (the summary counting the same).
 */
import fc from 'fast-check';
import { followDetect, type FollowSummary } from '../src/tasks/detect/job.js';
import { announce, checkAsync, counts, oneLineInputError } from './fuzz-support.js';

export interface FollowRuns {
  follow: number;
}

/** How many of the input's rows each feed carries (the detector's window is 8: the last ones are scored). */
const ROWS = 24;

type Kind = 'good' | 'bad' | 'empty' | 'repeat';
/** One line of a feed: its text (without its end), its end, and what followDetect must make of it. */
interface Line {
  text: string;
  end: '\n' | '\r\n' | '\r';
  kind: Kind;
}

/** The malformed lines a feed can carry, each made from the good row it stands next to. */
const BAD: Array<(row: string, rnd: number) => string> = [
  (row) => row.replace(/,[^,]*,/, ',abc,'), // a value that is not a number
  (row) => row.replace(/,[^,]*,/, ',1.2.3,'),
  (row) => row.replace(/,/, ',"'), // a stray quote
  (row) => `${row.split(',')[0]},"1.0,2.0,0`,
  (row) => `${row},5`, // an extra cell
  (row) => row.split(',').slice(0, 2).join(','), // missing cells
  (row) => row.replace(/,([^,]*),/, ',$1\u0000,'), // a NUL byte in a number
  (row) => row.replace(/,[^,]*,/, `,${'9'.repeat(400)},`), // a number out of range
  (row) => `${row.split(',')[0]},1e999,0,0`,
  (row, rnd) => `${'x'.repeat(200 + (rnd % 1000))}`, // one cell, no number
  (row) => row.replace(/,[^,]*,/, ',NaN junk,'),
  (row) => `\u0000\u0001\u00ff${row}`.replace(/,/g, ';'),
  (row) => row.replace(/,[^,]*,/, ',Infinity,'),
];
/** A line longer than the stream's limit (MAX_STREAM_LINE is 1 MiB): one warning, the rest dropped. */
const HUGE = (row: string) => row + '0'.repeat((1 << 20) + 10);

/**
 * `rows`: the input's header and rows (CSV lines, as a detect run read them); `detector`:
 * that run's detector.json. Counts each feed under 'follow stream' (accepted: ran to the end
 * with the right output; rejected: never, a feed with a good header is always followed).
 */
export async function fuzzFollowStream(seed: number, detector: string, rows: readonly string[], runs: FollowRuns): Promise<void> {
  const header = rows[0]!;
  const good = rows.slice(1, 1 + ROWS);
  const follow = async (text: string, cuts: number[]) => {
    const bytes = Buffer.from(text);
    const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const chunks = [0, ...at].map((start, k) => bytes.subarray(start, k < at.length ? at[k] : bytes.length));
    const out: string[] = [];
    const warnings: string[] = [];
    const summary: FollowSummary = await followDetect(detector, (async function* () { yield* chunks; })(), (line) => { out.push(line); }, false, 'stdin', (w) => { warnings.push(w); });
    return { out, warnings, summary };
  };
  // what a clean feed of the good rows gives: every good row of a fuzzed feed must be scored the same
  announce('follow clean');
  const clean = await follow([header, ...good].join('\n') + '\n', []);
  if (clean.out.length !== 1 + ROWS || clean.warnings.length !== 0) throw new Error(`a clean feed gave ${clean.out.length} lines and ${clean.warnings.length} warnings`);
  if (!clean.out.slice(1 + 8).every((l) => /,\d/.test(l))) throw new Error('a clean feed scored no rows');

  const line: fc.Arbitrary<{ kind: Kind; make: number; rnd: number; end: Line['end'] }> = fc.record({
    kind: fc.constantFrom<Kind>('bad', 'bad', 'bad', 'empty', 'repeat'),
    make: fc.nat({ max: BAD.length }), // BAD.length: the huge line
    rnd: fc.nat(),
    end: fc.constantFrom<Line['end']>('\n', '\n', '\r\n', '\r'),
  });
  const feed = fc.record({
    inserts: fc.array(fc.tuple(fc.nat({ max: ROWS }), line), { minLength: 1, maxLength: 8 }),
    ends: fc.array(fc.constantFrom<Line['end']>('\n', '\n', '\n', '\r\n', '\r'), { minLength: ROWS + 1, maxLength: ROWS + 1 }),
    cuts: fc.array(fc.nat(), { maxLength: 12 }),
    lastEnd: fc.boolean(),
  });

  await checkAsync(
    fc.asyncProperty(feed, async ({ inserts, ends, cuts, lastEnd }) => {
      announce('follow fuzzed');
      // the feed: the header, then the good rows with the inserted lines before the row they name
      const lines: Line[] = [{ text: header, end: ends[0]!, kind: 'good' }];
      let hugeUsed = false;
      for (let r = 0; r <= ROWS; r++) {
        for (const [before, l] of inserts) {
          if (before !== r) continue;
          const next = good[Math.min(r, ROWS - 1)]!;
          const previous = r > 0 ? good[r - 1]! : undefined;
          if (l.kind === 'repeat' && previous === undefined) continue;
          if (l.kind === 'repeat') lines.push({ text: previous!, end: l.end, kind: 'repeat' });
          // an empty line ends in CR or CRLF: after a line ended by CR alone, a bare LF would make the pair one end
          else if (l.kind === 'empty') lines.push({ text: '', end: l.end === '\n' ? '\r\n' : l.end, kind: 'empty' });
          else if (l.make === BAD.length && !hugeUsed) {
            hugeUsed = true; // one per feed keeps a run short
            lines.push({ text: HUGE(next), end: l.end, kind: 'bad' });
          } else lines.push({ text: BAD[l.make % BAD.length]!(next, l.rnd), end: l.end, kind: 'bad' });
        }
        if (r < ROWS) lines.push({ text: good[r]!, end: ends[r + 1]!, kind: 'good' });
      }
      const text = lines.map((l, k) => l.text + (k < lines.length - 1 || lastEnd ? l.end : '')).join('');
      const c = (counts['follow stream'] ??= { tried: 0, accepted: 0, rejected: 0 });
      c.tried++;
      let followed: Awaited<ReturnType<typeof follow>>;
      try {
        followed = await follow(text, cuts);
      } catch (error) {
        oneLineInputError(error);
        throw new Error(`a feed with a good header ended in an error: ${(error as Error).message.slice(0, 300)}`);
      }
      const { out, warnings, summary } = followed;
      // the line numbers followDetect must name: each end (LF, CRLF or a CR alone) ends a line
      const badLines = lines.flatMap((l, k) => (l.kind === 'bad' ? [k + 1] : []));
      const repeatLines = lines.flatMap((l, k) => (l.kind === 'repeat' ? [k + 1] : []));
      const expectedWarnings = [...badLines, ...repeatLines].sort((a, b) => a - b);
      const named = warnings.map((w) => Number(/^stdin: line (\d+): /.exec(w)?.[1]));
      if (warnings.some((w) => /[\n\r\u2028\u2029]/.test(w))) throw new Error(`a warning of more than one line: ${JSON.stringify(warnings).slice(0, 300)}`);
      if (JSON.stringify(named) !== JSON.stringify(expectedWarnings)) throw new Error(`warnings name lines ${JSON.stringify(named)}, expected ${JSON.stringify(expectedWarnings)}: ${JSON.stringify(warnings.map((w) => w.slice(0, 120))).slice(0, 600)}`);
      if (summary.skipped !== badLines.length || summary.disordered !== repeatLines.length || summary.rows !== ROWS + repeatLines.length) {
        throw new Error(`summary ${JSON.stringify(summary)}, expected ${badLines.length} skipped, ${repeatLines.length} disordered, ${ROWS + repeatLines.length} rows`);
      }
      // the good rows before the first repeat (which adds a row to the scorer's state) scored as in the clean feed, then one line per row taken
      const firstRepeat = lines.findIndex((l) => l.kind === 'repeat');
      const goodBefore = firstRepeat < 0 ? ROWS : lines.slice(0, firstRepeat).filter((l) => l.kind === 'good').length - 1;
      if (out.length !== 1 + ROWS + repeatLines.length) throw new Error(`${out.length} lines out, expected ${1 + ROWS + repeatLines.length}`);
      for (let k = 0; k < 1 + goodBefore; k++) {
        if (out[k] !== clean.out[k]) throw new Error(`line ${k} out is ${JSON.stringify(out[k]).slice(0, 200)}, the clean feed's ${JSON.stringify(clean.out[k]).slice(0, 200)}`);
      }
      c.accepted++;
    }),
    { seed, numRuns: runs.follow, endOnFailure: true },
  );
}
