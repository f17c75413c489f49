import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/**
 * Open a report in headless Chromium the way a reader would, and say what went wrong:
 * console errors, page errors, failed or external requests, and figures that did not
 * draw. Used by test/report-browser.test.ts and scripts/check-report.mjs.
 */

export const DEFAULT_CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export function chromiumAvailable(executablePath = DEFAULT_CHROMIUM): boolean {
  return existsSync(executablePath);
}

export interface FigureCheck {
  id: string;
  width: number;
  height: number;
  /** Drawn data marks: line and symbol paths, rects, rules, areas. */
  marks: number;
  texts: number;
  visible: boolean;
}

export interface BrowserCheckResult {
  consoleErrors: string[];
  failedRequests: string[];
  /** Every request other than the report file itself: a self-contained page makes none. */
  otherRequests: string[];
  figures: FigureCheck[];
  screenshotPath: string | undefined;
  /** What is wrong, one line each; empty when the report is fine. */
  problems: string[];
}

/** Headless Chromium with nothing that reaches out to the network by itself. */
export function launchChromium(executablePath = DEFAULT_CHROMIUM): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Launch, check one report (taking a full-page screenshot), close. */
export async function checkReportInChromium(
  reportPath: string,
  screenshotPath: string | undefined,
  executablePath = DEFAULT_CHROMIUM,
): Promise<BrowserCheckResult> {
  const browser = await launchChromium(executablePath);
  try {
    return await checkReport(browser, reportPath, screenshotPath);
  } finally {
    await browser.close();
  }
}

export async function checkReport(browser: Browser, reportPath: string, screenshotPath?: string): Promise<BrowserCheckResult> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    const reportUrl = pathToFileURL(resolve(reportPath)).href;
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    const otherRequests: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => failedRequests.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`));
    page.on('request', (req) => { if (req.url() !== reportUrl) otherRequests.push(req.url()); });

    await page.goto(reportUrl, { waitUntil: 'load' });
    const figures = await page.$$eval('figure', (nodes) => nodes.map((figure, i) => {
      const svg = figure.querySelector('svg');
      const img = figure.querySelector('img');
      const box = (svg ?? img ?? figure).getBoundingClientRect();
      const style = getComputedStyle(figure);
      const drawn = svg
        ? Array.from(svg.querySelectorAll('.mark-line path, .mark-symbol path, .mark-rect path, .mark-rule line, .mark-area path'))
          .filter((el) => { const b = (el as SVGGraphicsElement).getBBox(); return b.width > 0 || b.height > 0; }).length
        : img && img.complete && img.naturalWidth > 0 ? 1 : 0;
      return {
        id: figure.id || `figure #${i}`,
        width: box.width,
        height: box.height,
        marks: drawn,
        texts: svg ? svg.querySelectorAll('text').length : 0,
        visible: style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0,
      };
    }));
    if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: true });

    const problems = [
      ...consoleErrors.map((e) => `console error: ${e}`),
      ...failedRequests.map((r) => `failed request: ${r}`),
      ...otherRequests.map((r) => `request beyond the report itself: ${r}`),
      ...(figures.length === 0 ? ['no figures in the report'] : []),
      ...figures.filter((f) => !f.visible || f.width <= 0 || f.height <= 0 || f.marks === 0)
        .map((f) => `figure ${f.id} not drawn (${f.width}x${f.height}, ${f.marks} marks)`),
    ];
    return { consoleErrors, failedRequests, otherRequests, figures, screenshotPath, problems };
  } finally {
    await page.close();
  }
}
