import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderJson } from './report-json.js';
import { renderMarkdown } from './report-markdown.js';
import { renderSvg } from './report-svg.js';
import type { SuiteResult } from './results.js';

/**
 * Writes latest.json, latest.md and latest.svg to `resultsDir`, and the JSON to `jsonPath` too if
 * given. With `keepHistory` (runs that do not update the committed results), a copy of the JSON
 * also goes to `history/`, named by date, so that runs can be compared later.
 */
export async function writeResults(
  suite: SuiteResult,
  resultsDir: string,
  jsonPath: string | null,
  keepHistory: boolean,
): Promise<string[]> {
  await mkdir(resultsDir, { recursive: true });
  const json = renderJson(suite);
  const written = [
    join(resultsDir, 'latest.json'),
    join(resultsDir, 'latest.md'),
    join(resultsDir, 'latest.svg'),
  ];
  await writeFile(written[0]!, json);
  await writeFile(written[1]!, renderMarkdown(suite));
  await writeFile(written[2]!, renderSvg(suite));
  if (keepHistory) {
    const historyDir = join(resultsDir, 'history');
    await mkdir(historyDir, { recursive: true });
    const name = `${suite.date.replace(/[:.]/g, '-')}${suite.quick ? '-quick' : ''}.json`;
    await writeFile(join(historyDir, name), json);
    written.push(join(historyDir, name));
  }
  if (jsonPath !== null) {
    await mkdir(dirname(jsonPath), { recursive: true });
    await writeFile(jsonPath, json);
    written.push(jsonPath);
  }
  return written;
}
