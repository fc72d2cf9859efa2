/**
 * Preloaded (`node --import`) into every process the benchmark starts. The runner holds the write
 * end of this process's stdin pipe; when the runner dies for any reason — including SIGKILL, which
 * no cleanup handler can catch — the pipe closes and this process exits, so a benchmark never
 * leaves servers behind. Costs one idle pipe read: nothing on the request path.
 */
process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
// The stdin handle must not keep an otherwise finished process alive.
process.stdin.unref?.();
