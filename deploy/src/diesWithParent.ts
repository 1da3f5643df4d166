// Every process BlockShare starts ends with the process that started it, whatever kills that one.
//
// Why Linux's parent-death signal (util-linux `setpriv --pdeathsig KILL` as the exec wrapper):
// - it holds for SIGKILL of the parent, which no handler, process group or exit hook survives: the
//   kernel itself sends the child SIGKILL when its parent goes;
// - it works for every program we start (Python's Synapse and its workers, nginx, Redis, Node) without
//   their cooperation: setpriv sets it, then execs the program, and the setting survives that exec;
// - util-linux is essential on Debian and Raspberry Pi OS, so it is always there.
// The signal is tied to the thread that forked the child; Node spawns on its main thread, which lives as
// long as the process. A process's own children do not inherit it: programs that fork (nginx) run in
// their single-process mode. Where setpriv is missing (not Linux), Node children still stop when their
// IPC channel to the parent closes (serviceCommands.ts).
import { spawnSync } from "node:child_process";

let setprivPresent: boolean | undefined;

function hasSetpriv(): boolean {
  setprivPresent ??= spawnSync("setpriv", ["--version"], { stdio: "ignore" }).status === 0;
  return setprivPresent;
}

/** The command line that runs `command args` so that it gets SIGKILL when this process ends. */
export function diesWithParent(command: string, args: readonly string[]): [string, string[]] {
  return hasSetpriv() ? ["setpriv", ["--pdeathsig", "KILL", "--", command, ...args]] : [command, [...args]];
}
