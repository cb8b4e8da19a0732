// The `rtreview serve` flow in Debian's chromium (puppeteer-core): upload → plan sets →
// generated form → live determination → case-file download, for one sample per run.
// Usage: node flow.mjs BASE_URL SAMPLE_DIR OUT_DIR [answer]
// Prints one JSON line: outcomes, technique text, ICD-10 message, console errors.
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [base, sampleDir, outDir, mode] = process.argv.slice(2);
const result = { console_errors: [], steps: [] };
const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  page.on('console', (m) => { if (m.type() === 'error') result.console_errors.push(m.text()); });
  page.on('pageerror', (e) => result.console_errors.push(String(e)));
  const shot = async (name) => { await page.screenshot({ path: path.join(outDir, name), fullPage: false }); result.steps.push(name); };
  const evaluated = () => page.$eval('body', (b) => Number(b.getAttribute('data-evaluated') || 0));
  const waitEvaluation = async (after) => page.waitForFunction(
    (n) => Number(document.body.getAttribute('data-evaluated') || 0) > n && document.querySelector('#determination').getAttribute('aria-busy') === 'false',
    { timeout: 30000 }, after);
  const outcome = (id) => page.$eval(`[data-policy="${id}"] .badge`, (e) => e.textContent).catch(() => '(absent)');

  // 1. upload the sample's files (DICOM and its case file)
  await page.goto(base + '/', { waitUntil: 'load' });
  const files = fs.readdirSync(sampleDir).map((f) => path.join(sampleDir, f));
  const input = await page.$('#files');
  await input.uploadFile(...files);
  await shot('1-upload.png');
  await Promise.all([page.waitForNavigation({ timeout: 60000 }), page.click('#upload-button')]);

  // 2. the plan sets found; continue with the case basics the case file pre-filled
  result.technique = await page.$eval('.technique', (e) => e.textContent);
  await shot('2-plan-sets.png');
  await Promise.all([page.waitForNavigation({ timeout: 60000 }), page.click('#to-form')]);

  // 3. the generated form: the first determination comes by itself
  await waitEvaluation(0);
  result.outcome = await outcome('MC.CP.MP.69');
  result.overall = await page.$eval('#determination .outcome .badge', (e) => e.textContent);
  await shot('3-form.png');

  if (mode === 'answer') {
    // 4. answers change the determination live: withdraw I.A.4, then assert it again
    const q = 'fieldset[data-criterion="MC.CP.MP.69:I.A.4"]';
    let n = await evaluated();
    await page.click(`${q} input[value=""]`);
    await waitEvaluation(n);
    result.outcome_without_answer = await outcome('MC.CP.MP.69');
    n = await evaluated();
    await page.click(`${q} input[value="yes"]`);
    await waitEvaluation(n);
    result.outcome_answered = await outcome('MC.CP.MP.69');
    // an exclusion asserted denies the policy; denied, the policy meets again
    const x = 'fieldset[data-criterion="MC.CP.MP.69:II.B"]';
    n = await evaluated();
    await page.click(`${x} input[value="yes"]`);
    await waitEvaluation(n);
    result.outcome_excluded = await outcome('MC.CP.MP.69');
    n = await evaluated();
    await page.click(`${x} input[value="no"]`);
    await waitEvaluation(n);
    result.outcome_exclusion_denied = await outcome('MC.CP.MP.69');
    // prior radiation: region, dose and date (kept in the downloaded case file)
    const setValue = (sel, v) => page.$eval(sel, (e, v) => { e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); }, v);
    n = await evaluated();
    await page.type('#prior0r', 'left breast');
    await page.type('#prior0g', '50');
    await setValue('#prior0d', '2019-05-02');
    await waitEvaluation(n);
    result.outcome_with_prior = await outcome('MC.CP.MP.69');
    // a deleted procedure code is flagged for the date of service, live as the date changes
    const codeStatus = (want) => page.waitForFunction((w) => document.querySelector('#cpt4').closest('.proc').getAttribute('data-code-status') === w, { timeout: 15000 }, want);
    await page.type('#cpt4', '77014');
    await codeStatus('deleted');
    result.code_flag = await page.$eval('#cpt4s', (e) => e.textContent);
    await page.evaluate(() => { document.querySelector('#dos').scrollIntoView(); window.scrollBy(0, -380); });
    await page.screenshot({ path: path.join(outDir, '3-codes-history.png') });
    await setValue('#dos', '2025-12-31');
    await codeStatus('current');
    result.code_flag_before_deletion = await page.$eval('#cpt4s', (e) => e.textContent);
    await setValue('#dos', '2026-03-23');
    await codeStatus('deleted');
    await setValue('#cpt4', '');
    // ICD-10 live validation of a malformed code
    await page.type('#dx2', '9ZZ');
    await page.waitForFunction(() => /'9ZZ'/.test(document.querySelector('#dx2s').textContent), { timeout: 15000 });
    result.icd10_message = await page.$eval('#dx2s', (e) => e.textContent);
    await page.$eval('#dx2', (e) => { e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true })); });
    const live = await page.$('#live');
    await live.screenshot({ path: path.join(outDir, '4-determination.png') });
    result.steps.push('4-determination.png');

    // 5. download the case file (the same XML the CLI reads)
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: outDir });
    await page.click('#download-case');
    const target = path.join(outDir, 'case.xml');
    for (let i = 0; i < 100 && !fs.existsSync(target); i++) await new Promise((r) => setTimeout(r, 100));
    result.case_file = fs.existsSync(target) ? target : '';
    await page.evaluate(() => document.querySelector('h2:last-of-type').scrollIntoView());
    await shot('5-downloads.png');
  }
} catch (e) {
  result.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
