/// <reference types="node" />
/**
 * The Node options the collector's threads start with. A thread inherits
 * `process.execArgv`, and a collector started by `node --input-type=module -e '…'` (as a
 * script or benchmark may start it) has `--input-type`, which a thread running a file
 * refuses: it exited at once, every time. Such a process's threads start with no options;
 * any other inherits them as Node passes them (naming them instead is refused for the
 * per-process ones, such as those `node --test` adds).
 */
const MAIN_CODE = new Set(["-e", "--eval", "-p", "--print", "--input-type", "-i", "--interactive", "-c", "--check"]);

/** The `execArgv` of a new thread: `undefined` (inherit) unless the process's options name its main code. */
export function threadExecArgv(execArgv: readonly string[] = process.execArgv): string[] | undefined {
  return execArgv.some((arg) => MAIN_CODE.has(arg.split("=", 1)[0]!)) ? [] : undefined;
}
