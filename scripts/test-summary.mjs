// Reads the totals that Node's test runner prints at the end of a run ("ℹ tests N", "ℹ pass N", ...)
// and turns them into the one "N passed, N failed" verdict CI reads. Every test that did not pass,
// was not skipped and is not a todo counts as failed: that includes cancelled tests (a failing
// before-hook, a timeout) and a file that fails before its tests start (the runner reports the file).

/** @param {string} output the runner's stdout; @param {number | null} exitCode its exit code */
export function summarize(output, exitCode) {
  const total = (name) => {
    const m = output.match(new RegExp(`^ℹ ${name} (\\d+)`, 'm'));
    return m ? Number(m[1]) : undefined;
  };
  const tests = total('tests');
  const passed = total('pass') ?? 0;
  const notRun = (total('skipped') ?? 0) + (total('todo') ?? 0);
  let failed = (total('fail') ?? 0) + (total('cancelled') ?? 0);
  if (tests !== undefined) failed = Math.max(failed, tests - passed - notRun);
  // No totals at all, or a non-zero exit with nothing failed: the run itself broke.
  if ((tests === undefined || exitCode !== 0) && failed === 0) failed = 1;
  return { passed, failed };
}
