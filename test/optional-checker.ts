/**
 * The `skip` option for a cross-check that needs a program from outside npm (Debian's
 * chromium, a Python with numpy): the reason to skip where the program is missing, so
 * that `npm test` passes on a bare machine and says what it left out. Where
 * LSTM_AE_REQUIRE_CHECKERS=1 (`.ci/run` sets it after installing them) nothing is
 * skipped: a missing program then fails the test instead of hiding behind a green run.
 */
export function skipWhenMissing(reason: string | false | undefined): string | undefined {
  if (!reason || process.env['LSTM_AE_REQUIRE_CHECKERS'] === '1') return undefined;
  return reason;
}
