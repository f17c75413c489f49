import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildReportHtml, escapeHtml, writeReport, type ReportData } from '../src/report/html-report.js';
import { embeddableSvg } from '../src/report/svg-embed.js';
import { sampleReportData } from './report-sample.js';

let sample: ReportData;
let html: string;
before(async () => {
  sample = await sampleReportData();
  html = buildReportHtml(sample);
});

const figureCount = () => html.split('<figure ').length - 1;

test('every figure is in the page, inline, with its title and caption', () => {
  const figures = [sample.loss, ...sample.figures];
  assert.equal(figureCount(), figures.length);
  assert.equal(html.split('<svg ').length - 1, figures.length);
  for (const f of figures) {
    assert.ok(html.includes(`<strong>${escapeHtml(f.title)}.</strong> ${escapeHtml(f.caption)}`), f.title);
  }
  // the loss curve comes before the other figures, in its own section
  assert.ok(html.indexOf('<h2>Training</h2>') < html.indexOf('id="figure-0"'));
  assert.ok(html.indexOf('id="figure-0"') < html.indexOf('<h2>Figures</h2>'));
});

test('the metrics, settings and timings are shown', () => {
  assert.match(html, /id="test-accuracy">1\.0000</);
  assert.match(html, /id="train-mse">0\.02135</);
  assert.match(html, /0\.0213456/);
  assert.match(html, /id="feature-check-diff">3\.100e-7</);
  assert.match(html, /id="feature-check-verdict"><span class="pass">pass</);
  assert.match(html, /<th scope="row">batch_size<\/th><td>500<\/td>/);
  assert.match(html, /<th scope="row">shuffle<\/th><td>true<\/td>/);
  assert.match(html, /<th scope="row">training<\/th><td>1 min 23\.4 s<\/td>/);
  assert.match(html, /<th scope="row">data<\/th><td>0\.12 s<\/td>/);
});

test('the feature check fails above the tolerance, and on NaN', () => {
  const verdict = (featureCheckMaxAbsDiff: number, featureCheckTolerance?: number) =>
    /id="feature-check-verdict"><span class="(\w+)">/.exec(
      buildReportHtml({ ...sample, metrics: { ...sample.metrics, featureCheckMaxAbsDiff, featureCheckTolerance } }))?.[1];
  assert.equal(verdict(1e-5), 'pass');
  assert.equal(verdict(1.01e-5), 'fail');
  assert.equal(verdict(Number.NaN), 'fail');
  assert.equal(verdict(1e-4, 1e-3), 'pass');
});

test('confusion matrix: rows are the true class; per-class counts follow from it', () => {
  const page = buildReportHtml({ ...sample, confusion: { classes: ['class 0', 'class 1'], matrix: [[48, 2], [5, 245]] } });
  const table = (id: string) => {
    const m = new RegExp(`<table class="grid" id="${id}">([^]*?)</table>`).exec(page);
    assert.ok(m, id);
    return Array.from(m[1]!.matchAll(/<tr>(.*?)<\/tr>/g), (r) => Array.from(r[1]!.matchAll(/<t[hd][^>]*>([^<]*)</g), (c) => c[1]));
  };
  assert.deepEqual(table('confusion-matrix'), [
    ['true \\ predicted', 'class 0', 'class 1'],
    ['class 0', '48', '2'],
    ['class 1', '5', '245'],
  ]);
  assert.deepEqual(table('class-counts').slice(1), [
    ['class 0', '50', '53', '48', '0.9600'],
    ['class 1', '250', '247', '245', '0.9800'],
  ]);
  assert.match(page, /293 of 300 test windows correct/);
  assert.throws(() => buildReportHtml({ ...sample, confusion: { classes: ['a', 'b'], matrix: [[1, 2]] } }), /confusion matrix must be 2x2 counts/);
  assert.throws(() => buildReportHtml({ ...sample, confusion: { classes: ['a'], matrix: [[-1]] } }), /confusion matrix must be 1x1 counts/);
});

test('every inserted string is escaped', () => {
  assert.ok(!html.includes('<b>not bold'), 'a setting cannot inject markup');
  assert.ok(html.includes('&lt;b&gt;not bold&lt;/b&gt;'));
  assert.ok(html.includes('<title>lstm-ae demo &lt;synthetic&gt; &amp; &quot;fake&quot;</title>'));
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const page = buildReportHtml({ ...sample, figures: [{ title: '<i>t</i>', caption: '</figcaption><script>', svg: sample.loss.svg }] });
  assert.ok(!page.includes('<script') && !page.includes('<i>t</i>'));
  const noted = buildReportHtml({ ...sample, accuracyNote: 'one run, <seed 0> & `demo --seeds`' });
  assert.ok(noted.includes('<p id="accuracy-note">one run, &lt;seed 0&gt; &amp; `demo --seeds`</p>'));
  assert.ok(!html.includes('accuracy-note'), 'no note unless given');
});

test('self-contained: no scripts, no external stylesheets, images or links', () => {
  assert.doesNotMatch(html, /\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(\s*["']?https?:/i);
  assert.match(html, /^<!DOCTYPE html>/);
});

test('ids stay unique when charts from different runs share clip ids', () => {
  const svg = sample.figures[1]!.svg; // reconstructions: clipped panels
  assert.match(svg, /\sid="clip\d+"/);
  const page = buildReportHtml({ ...sample, figures: [sample.figures[1]!, sample.figures[1]!] });
  const ids = Array.from(page.matchAll(/\sid="([^"]+)"/g), (m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length, 'no id is defined twice');
  const refs = Array.from(page.matchAll(/url\(#([^)]+)\)/g), (m) => m[1]!);
  assert.ok(refs.length >= 2, 'the clipped panels refer to their clip paths');
  for (const ref of refs) assert.ok(ids.includes(ref), `url(#${ref}) points at a defined id`);
});

test('embeddableSvg refuses anything that could run in the page', () => {
  assert.throws(() => embeddableSvg('<svg><script>alert(1)</script></svg>', 'x'), /SVG contains script/);
  assert.throws(() => embeddableSvg('<svg><rect onload="alert(1)"/></svg>', 'x'), /SVG contains script/);
  assert.throws(() => embeddableSvg('<p>not svg</p>', 'x'), /not an SVG document/);
  assert.equal(embeddableSvg('<?xml version="1.0"?><svg><text>on x = 1</text></svg>', 'x'), '<svg><text>on x = 1</text></svg>');
});

test('writeReport writes the page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-report-'));
  try {
    const path = join(dir, 'nested', 'report.html');
    writeReport(path, sample);
    assert.equal(readFileSync(path, 'utf8'), html);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
