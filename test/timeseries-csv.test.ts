import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { InputError } from '../src/input-error.js';
import { parseDateTime, parseTimeSeriesCsv, streamTimeSeriesCsv, type TimeSeriesCsvOptions } from '../src/io/readers/timeseries-csv.js';

/** `body` throws one InputError line that starts with `source: line N` and matches `pattern`. */
function assertLineError(body: () => unknown, where: string, pattern: RegExp): void {
  assert.throws(body, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    assert.ok(err.message.startsWith(where), `starts with ${where}: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

const NAB_LIKE = 'timestamp,value\n2014-04-01 00:00:00,18.3\n2014-04-01 00:05:00,21.1\n2014-04-01 00:10:00,19.7\n';

test('a NAB-style file: the timestamp column is found by name, one channel', () => {
  const t = parseTimeSeriesCsv(NAB_LIKE, 'a.csv');
  assert.equal(t.timeColumn, 'timestamp');
  assert.deepEqual(t.valueColumns, ['value']);
  assert.deepEqual(t.times, ['2014-04-01 00:00:00', '2014-04-01 00:05:00', '2014-04-01 00:10:00']);
  assert.deepEqual([...t.values], [18.3, 21.1, 19.7]);
  assert.deepEqual([...t.lines], [2, 3, 4]);
  assert.equal(t.labels, undefined);
  assert.equal(t.gaps, 0);
});

test('several channels, a label column by name, the time column found by its dates, quoted cells', () => {
  const text = 'when,"temp, C",pressure,flag\n2020-01-01T00:00Z,1.5,100,0\n2020-01-01T01:00Z,2.5,101,1\n2020-01-01T02:00Z,3.5,99,true\n';
  const t = parseTimeSeriesCsv(text, 'm.csv', { labelColumn: 'flag' });
  assert.equal(t.timeColumn, 'when');
  assert.deepEqual(t.valueColumns, ['temp, C', 'pressure']);
  assert.equal(t.channels, 2);
  assert.deepEqual([...t.values], [1.5, 100, 2.5, 101, 3.5, 99]);
  assert.deepEqual([...(t.labels ?? [])], [0, 1, 1]);
  // a column named label is the label column unless told otherwise
  const auto = parseTimeSeriesCsv('timestamp,v,Label\n2020-01-01,1,0\n2020-01-02,2,1\n', 'l.csv');
  assert.equal(auto.labelColumn, 'Label');
  assert.deepEqual(auto.valueColumns, ['v']);
  assert.deepEqual(parseTimeSeriesCsv('timestamp,v,Label\n2020-01-01,1,0\n', 'l.csv', { labelColumn: false }).valueColumns, ['v', 'Label']);
  // a time column by index, numbers as time stamps
  const n = parseTimeSeriesCsv('step,a\n1,5\n2,6\n', 'n.csv', { timeColumn: 0 });
  assert.deepEqual(n.times, ['1', '2']);
  // no time column at all: rows are numbered
  const none = parseTimeSeriesCsv('a,b\n1,2\n3,4\n', 'x.csv');
  assert.equal(none.timeColumn, undefined);
  assert.deepEqual(none.times, ['0', '1']);
  assert.deepEqual(none.valueColumns, ['a', 'b']);
});

test('date-times: zones, fractions, and what is not a date', () => {
  assert.equal(parseDateTime('2014-04-01 00:05:00'), Date.UTC(2014, 3, 1, 0, 5));
  assert.equal(parseDateTime('2014-04-01T02:05:00+02:00'), Date.UTC(2014, 3, 1, 0, 5));
  assert.equal(parseDateTime('2014-04-01 00:05:00.250000'), Date.UTC(2014, 3, 1, 0, 5) + 250);
  assert.equal(parseDateTime('2014-04-01'), Date.UTC(2014, 3, 1));
  assert.equal(parseDateTime('2014-13-01'), undefined);
  assert.equal(parseDateTime('12.5'), undefined);
});

test('a missing value takes the previous row\'s (forward fill, causal), and is counted', () => {
  const t = parseTimeSeriesCsv('t,a,b\n1,1,10\n2,,11\n3,NaN,\n4,4,13\n', 'f.csv', { timeColumn: 't' });
  assert.deepEqual([...t.values], [1, 10, 1, 11, 1, 11, 4, 13]);
  assert.deepEqual(t.filled, [2, 1]);
  assertLineError(() => parseTimeSeriesCsv('t,a\n1,\n2,3\n', 'f.csv', { timeColumn: 't' }), 'f.csv: line 2: ', /column 'a' is missing on the first row/);
});

test('time stamps: a repeat or a step back is taken in file order and counted with its line, or an error naming the line when strict', () => {
  const repeated = 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,2\n2020-01-01 00:05:00,3\n';
  const strict: TimeSeriesCsvOptions = { timeOrder: 'strict' };
  assertLineError(() => parseTimeSeriesCsv(repeated, 'r.csv', strict), 'r.csv: line 4: ', /'2020-01-01 00:05:00' repeats the previous row's .*--time-order rows/);
  const back = 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:10:00,2\n2020-01-01 00:05:00,3\n2020-01-01 00:06:00,4\n2020-01-01 00:06:00,5\n';
  assertLineError(() => parseTimeSeriesCsv(back, 'b.csv', strict), 'b.csv: line 4: ', /comes before the previous row's '2020-01-01 00:10:00'/);
  const r = parseTimeSeriesCsv(repeated, 'r.csv');
  assert.deepEqual([...r.values], [1, 2, 3]);
  assert.deepEqual(r.disordered, { rows: 1, firstLine: 4 });
  // each row against the one before it: 00:05 after 00:10 is one, 00:06 after 00:05 is in order, 00:06 again is another
  const b = parseTimeSeriesCsv(back, 'b.csv', { timeOrder: 'rows' });
  assert.deepEqual([...b.values], [1, 2, 3, 4, 5]);
  assert.deepEqual(b.disordered, { rows: 2, firstLine: 4 });
  assert.deepEqual(parseTimeSeriesCsv('timestamp,value\n2020-01-01,1\n2020-01-02,2\n', 'ok.csv').disordered, { rows: 0, firstLine: 0 });
});

test('gaps in time are kept as they are and counted: steps longer than 1.5 times the median', () => {
  // steps of 5, 5, 20, 5, 12 minutes: the median is 5, so 20 and 12 are gaps
  const minutes = [0, 5, 10, 30, 35, 47];
  const text = 'timestamp,value\n' + minutes.map((m, i) => `2020-01-01 00:${String(m).padStart(2, '0')}:00,${i}`).join('\n') + '\n';
  const t = parseTimeSeriesCsv(text, 'g.csv');
  assert.equal(t.gaps, 2);
  assert.equal(t.times.length, 6);
});

test('bad cells and rows: one line naming the file, the line and the column', () => {
  assertLineError(() => parseTimeSeriesCsv('timestamp,value\n2020-01-01,1\n2020-01-02,abc\n', 'c.csv'), 'c.csv: line 3: ', /'abc' in column 'value' is not a number/);
  assertLineError(() => parseTimeSeriesCsv('timestamp,value\n2020-01-01,1\nyesterday,2\n', 'c.csv'), 'c.csv: line 3: ', /time stamp 'yesterday' in column 'timestamp' is not a date-time/);
  assertLineError(() => parseTimeSeriesCsv('timestamp,value\n2020-01-01,1,7\n', 'c.csv'), 'c.csv: line 2: ', /3 cells; expected 2/);
  assertLineError(() => parseTimeSeriesCsv('t,v,l\n1,1,0\n2,2,yes\n', 'c.csv', { timeColumn: 't', labelColumn: 'l' }), 'c.csv: line 3: ', /label 'yes' in column 'l'; expected 0 or 1/);
  assertLineError(() => parseTimeSeriesCsv('1,2\n3,4\n', 'h.csv'), 'h.csv: line 1: ', /holds values, not column names/);
  assertLineError(() => parseTimeSeriesCsv('t,v\n', 'e.csv'), 'e.csv: ', /no rows after the header/);
  assertLineError(() => parseTimeSeriesCsv('', 'e.csv'), 'e.csv: ', /empty file/);
  assertLineError(() => parseTimeSeriesCsv('t,v\n1,"2\n', 'q.csv'), 'q.csv: line ', /expected CSV/);
  assertLineError(() => parseTimeSeriesCsv('t,v\n1,2\n', 'o.csv', { labelColumn: 'label' }), "o.csv: line 1: ", /no column named 'label' for the label column; the columns are 't', 'v'/);
  assertLineError(() => parseTimeSeriesCsv('t,v,v\n1,2,3\n', 'd.csv'), 'd.csv: line 1: ', /column 'v' is named twice/);
  assertLineError(() => parseTimeSeriesCsv('timestamp\n2020-01-01\n', 't.csv'), 't.csv: line 1: ', /no value column/);
});

test('a stream gives the same rows as the whole file, CRLF and lone CR line ends and lines included', async () => {
  const text = 'timestamp,a,b,label\r\n2020-01-01 00:00:00,1,4,0\r\n2020-01-01 00:01:00,,5,1\n\n2020-01-01 00:02:00,3,6,0\r\n';
  const whole = parseTimeSeriesCsv(text, 's.csv', { labelColumn: 'label' });
  // as written, and with every line ended by a CR alone (a feed from an old Mac tool): a CR ends a line in a stream as in a file
  for (const fed of [text, text.replace(/\r?\n/g, '\r')]) {
    // arriving in small pieces, split inside lines and between a CR and its LF
    const chunks = fed.match(/[^]{1,7}/g) ?? [];
    const rows = [];
    let header: string[] | undefined;
    for await (const row of streamTimeSeriesCsv(Readable.from(chunks), 's.csv', { timeColumn: 'timestamp', valueColumns: ['a', 'b'], labelColumn: 'label' }, 'strict', (plan) => { header = plan.header; })) rows.push(row);
    assert.deepEqual(header, ['timestamp', 'a', 'b', 'label']);
    assert.deepEqual(rows.map((r) => r.time), whole.times);
    assert.deepEqual(rows.flatMap((r) => [...r.values]), [...whole.values]);
    assert.deepEqual(rows.map((r) => r.label), [...(whole.labels ?? [])]);
    assert.deepEqual(rows.map((r) => r.line), [...whole.lines]);
    assert.deepEqual(rows.map((r) => r.line), [2, 3, 5]);
  }
});

test('a stream is checked as a file is: the error names the line; a header without the columns is refused', async () => {
  const read = async (text: string) => {
    for await (const _ of streamTimeSeriesCsv(Readable.from([text]), 'stdin', { timeColumn: 'timestamp', valueColumns: ['value'] })) void _;
  };
  await assert.rejects(read('timestamp,value\n2020-01-01,1\n2020-01-02,x\n'), /^InputError: stdin: line 3: 'x' in column 'value' is not a number/);
  await assert.rejects(read('time,value\n2020-01-01,1\n'), /stdin: line 1: no column named 'timestamp' for the time column/);
  await assert.rejects(read(''), /stdin: no header/);
});

test('a live stream takes one line per record: a bad row (a stray quote, a bad cell, a line too long) is reported with its line and skipped, and the rows after it come at once', async () => {
  const bad: string[] = [];
  const rows: { line: number; value: number }[] = [];
  const text = [
    'timestamp,value',
    '2020-01-01 00:00:00,1',
    '2020-01-01 00:01:00,"1.0,2.0,0',
    '2020-01-01 00:02:00,2',
    '2020-01-01 00:03:00,x',
    `2020-01-01 00:04:00,${'9'.repeat(300)}`,
    '2020-01-01 00:05:00,3',
  ].join('\n') + '\n';
  // the stream stays open after the last line: every row must come before its end
  async function* open() {
    yield text;
    await new Promise<void>((resolve) => {
      const wait = () => (rows.length === 3 ? resolve() : setTimeout(wait, 5));
      wait();
    });
  }
  for await (const row of streamTimeSeriesCsv(open(), 'stdin', { timeColumn: 'timestamp', valueColumns: ['value'] }, 'rows', undefined, { onBadRow: (e) => bad.push(e.message), maxLine: 200 })) {
    rows.push({ line: row.line, value: row.values[0]! });
  }
  assert.deepEqual(rows, [{ line: 2, value: 1 }, { line: 4, value: 2 }, { line: 7, value: 3 }]);
  assert.equal(bad.length, 3);
  assert.match(bad[0]!, /^stdin: line 3: .*Quote/i);
  assert.match(bad[1]!, /^stdin: line 5: 'x' in column 'value' is not a number/);
  assert.equal(bad[2], 'stdin: line 6: longer than 200 characters; expected one row per line');
  // a line with no end at all is one message, not a string that grows without bound
  const endless: string[] = [];
  async function* flood() {
    yield 'timestamp,value\n2020-01-01 00:00:00,1\n';
    for (let k = 0; k < 100; k++) yield '7'.repeat(1000);
  }
  const got = [];
  for await (const row of streamTimeSeriesCsv(flood(), 'stdin', { timeColumn: 'timestamp', valueColumns: ['value'] }, 'rows', undefined, { onBadRow: (e) => endless.push(e.message), maxLine: 5000 })) got.push(row.line);
  assert.deepEqual(got, [2]);
  assert.deepEqual(endless, ['stdin: line 3: longer than 5000 characters; expected one row per line']);
});
