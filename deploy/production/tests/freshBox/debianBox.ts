// A fresh Debian 12 box for the install test: debootstrap's minimal system booted with systemd as PID 1
// under systemd-nspawn, in a network namespace of its own. Its only way out is an HTTP proxy
// (tinyproxy) on the host end of its veth, which the package registries (Debian, npm, PyPI) are reached
// through; everything the test checks happens on the box's own loopback.
//
// The base system is debootstrapped once into CACHE_DIR and copied for each box; apt's, npm's and pip's
// download caches are shared between boxes so a second run does not fetch the same bytes again (what
// gets installed is the same).
//
// { arch: "arm64" } makes a Raspberry Pi's Debian 12 instead: debootstrap --arch arm64, and every arm64
// program in the box (systemd included) runs under qemu-user through binfmt_misc. The host's
// qemu-aarch64 entry must have the F (fix-binary) flag: the kernel then opens the emulator when the
// entry is registered, so it runs inside the container, whose file system has no qemu.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, type WriteStream } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

const CACHE_DIR = "/var/cache/blockshare-freshbox";
const MIRROR = "http://deb.debian.org/debian";
// What a volunteer's box has before our README's first step (apt-get install git): systemd, Python 3
// (every Debian and Raspberry Pi OS install has it), CA certificates. curl is the test's own probe.
const BASE_PACKAGES = ["systemd", "systemd-sysv", "dbus", "python3", "git", "ca-certificates", "iproute2", "procps", "curl"];
const TRUST_FILE = "/etc/ssl/certs/ca-certificates.crt";

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface DebianBox {
  /** The box's root file system, as the host sees it. */
  root: string;
  /** Runs a bash script as root inside the box (with the proxy and the host's CA trust in its environment). */
  run(script: string, options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** `systemctl poweroff`, then boot the same disk again. */
  reboot(): Promise<void>;
  destroy(): Promise<void>;
}

/** A Debian architecture: the host's own, or a Raspberry Pi's under qemu-user emulation. */
export type BoxArch = "amd64" | "arm64";

/** How many times longer than native things take in a box of this architecture (for its timeouts). */
export const slowdown = (arch: BoxArch) => (arch === "amd64" ? 1 : 8);

export async function bootDebianBox(log: (line: string) => void, options: { arch?: BoxArch } = {}): Promise<DebianBox> {
  const arch = options.arch ?? "amd64";
  if (arch === "arm64") ensureArm64Emulation();
  const id = process.pid % 200;
  const name = `bsfb${id}`;
  const subnet = `10.231.${id}`;
  const root = `/var/tmp/blockshare-freshbox-${process.pid}`;
  const logFile = createWriteStream(`${root}.log`);
  const proxyUrl = `http://${subnet}.1:8888`;
  let proxy: ChildProcess | undefined;
  let container: { process: ChildProcess; arch: BoxArch; init: number; exited: Promise<void> } | undefined;

  const destroy = async () => {
    if (container) await stopContainer(container);
    proxy?.kill();
    spawnSync("ip", ["netns", "del", name]);
    rmSync(root, { recursive: true, force: true });
    for (const file of [`${root}.tinyproxy.conf`, `${root}.tinyproxy.pid`]) rmSync(file, { force: true });
    logFile.end();
  };
  try {
    const base = baseSystem(log, arch);
    log(`copying the base system into ${root}`);
    rmSync(root, { recursive: true, force: true });
    cpSync(base, root, { recursive: true, verbatimSymlinks: true });
    prepareDisk(root, proxyUrl, arch);

    spawnSync("ip", ["netns", "del", name]);
    for (const command of [
      ["netns", "add", name],
      ["link", "add", `${name}h`, "type", "veth", "peer", "name", "host0", "netns", name],
      ["addr", "add", `${subnet}.1/30`, "dev", `${name}h`],
      ["link", "set", `${name}h`, "up"],
      ["-n", name, "addr", "add", `${subnet}.2/30`, "dev", "host0"],
      ["-n", name, "link", "set", "host0", "up"],
      ["-n", name, "link", "set", "lo", "up"],
      ["-n", name, "route", "add", "default", "via", `${subnet}.1`],
    ])
      must("ip", command);
    proxy = startProxy(root, subnet, logFile);

    const boot = async () => {
      container = await startContainer(root, name, arch, logFile);
      log(`box booted (systemd is PID ${container.init} on the host)`);
    };
    await boot();
    const box: DebianBox = {
      root,
      run: (script, options = {}) => runInside(container!.init, script, proxyUrl, logFile, options.timeoutMs ?? 600_000 * slowdown(arch)),
      reboot: async () => {
        log("powering the box off");
        spawnSync("nsenter", ["-t", String(container!.init), "-a", "--", "systemctl", "poweroff"]);
        const limit = 120 * slowdown(arch);
        await Promise.race([container!.exited, sleep(limit * 1000).then(() => Promise.reject(new Error(`the box did not power off within ${limit} s`)))]);
        container = undefined;
        await boot();
      },
      destroy,
    };
    // The host's CA trust (this machine reaches the registries through an intercepting proxy).
    const trusted = await box.run("update-ca-certificates >/dev/null && echo ok");
    if (trusted.stdout.trim() !== "ok") throw new Error(`update-ca-certificates failed: ${trusted.stderr}`);
    return box;
  } catch (error) {
    await destroy();
    throw error;
  }
}

function baseSystem(log: (line: string) => void, arch: BoxArch): string {
  // The amd64 root keeps its first name, so caches made before arm64 existed stay valid.
  const base = join(
    CACHE_DIR,
    `bookworm-${arch === "amd64" ? "" : `${arch}-`}${createHash("sha256").update(BASE_PACKAGES.join(" ")).digest("hex").slice(0, 12)}`,
  );
  if (existsSync(join(base, "etc", "debian_version"))) return base;
  log(`debootstrap Debian 12 (${arch}) into ${base} (once; about a minute${arch === "amd64" ? "" : ", ten or more under emulation"})`);
  mkdirSync(CACHE_DIR, { recursive: true });
  rmSync(`${base}.partial`, { recursive: true, force: true });
  must("debootstrap", [`--arch=${arch}`, "--variant=minbase", `--include=${BASE_PACKAGES.join(",")}`, "bookworm", `${base}.partial`, MIRROR]);
  renameSync(`${base}.partial`, base);
  return base;
}

function prepareDisk(root: string, proxyUrl: string, arch: BoxArch): void {
  writeFileSync(join(root, "etc", "apt", "apt.conf.d", "90blockshare-test-proxy"), `Acquire::http::Proxy "${proxyUrl}";\n`);
  writeFileSync(join(root, "etc", "hostname"), "maple\n");
  // What Debian's installer writes (debootstrap writes none): PostgreSQL listens on "localhost".
  writeFileSync(join(root, "etc", "hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\tmaple\n::1\tlocalhost ip6-localhost ip6-loopback\n");
  const hostCas = "/usr/local/share/ca-certificates";
  if (existsSync(hostCas)) {
    for (const file of readdirSync(hostCas)) cpSync(join(hostCas, file), join(root, hostCas, file));
  }
  for (const dir of [`${archCache("apt-archives", arch)}/partial`, "npm", archCache("pip", arch)]) mkdirSync(join(CACHE_DIR, dir), { recursive: true });
}

// pip keeps the wheels it built (psycopg2's) in its cache, and apt locks its archive for one box at a
// time: one of each per architecture, so the arm64 box can run beside the amd64 one. npm's cache is
// content-addressed and safe to share.
const archCache = (name: string, arch: BoxArch) => (arch === "amd64" ? name : `${name}-${arch}`);

/** Checks (and where it can, makes) the host able to run arm64 programs inside a container. */
function ensureArm64Emulation(): void {
  const binfmt = "/proc/sys/fs/binfmt_misc";
  if (!existsSync(join(binfmt, "status"))) spawnSync("mount", ["-t", "binfmt_misc", "binfmt_misc", binfmt]);
  const entry = join(binfmt, "qemu-aarch64");
  if (!existsSync(entry) && existsSync("/usr/sbin/update-binfmts")) spawnSync("update-binfmts", ["--enable", "qemu-aarch64"]);
  if (!existsSync(entry)) throw new Error("arm64 emulation is not registered with the kernel: apt-get install qemu-user-static binfmt-support");
  const registration = readFileSync(entry, "utf8");
  if (!/^enabled$/m.test(registration)) throw new Error(`${entry} is disabled: update-binfmts --enable qemu-aarch64`);
  const flags = /^flags: (\S*)$/m.exec(registration)?.[1] ?? "";
  if (!flags.includes("F"))
    throw new Error(`${entry} lacks the F (fix-binary) flag, so the container cannot find qemu: install Debian's qemu-user-static (it registers with F)`);
}

function startProxy(root: string, subnet: string, logFile: WriteStream): ChildProcess {
  const config = join(`${root}.tinyproxy.conf`);
  writeFileSync(
    config,
    [
      `Port 8888`,
      `Listen ${subnet}.1`,
      `Allow ${subnet}.0/30`,
      "Timeout 600",
      "MaxClients 50",
      "ConnectPort 443",
      "ConnectPort 80",
      "LogLevel Warning",
      `PidFile "${root}.tinyproxy.pid"`,
    ].join("\n"),
  );
  const proxy = spawn("tinyproxy", ["-d", "-c", config], { stdio: ["ignore", "pipe", "pipe"] });
  proxy.stdout!.pipe(logFile, { end: false });
  proxy.stderr!.pipe(logFile, { end: false });
  return proxy;
}

async function startContainer(
  root: string,
  netns: string,
  arch: BoxArch,
  logFile: WriteStream,
): Promise<{ process: ChildProcess; arch: BoxArch; init: number; exited: Promise<void> }> {
  const binds = [
    `${CACHE_DIR}/${archCache("apt-archives", arch)}:/var/cache/apt/archives`,
    `${CACHE_DIR}/npm:/root/.npm`,
    `${CACHE_DIR}/${archCache("pip", arch)}:/root/.cache/pip`,
  ];
  // --register=no --keep-unit: this host has no systemd of its own to register the machine with.
  const command = [
    "systemd-nspawn",
    ...[
      "--register=no",
      "--keep-unit",
      "--quiet",
      "-D",
      root,
      `--network-namespace-path=/run/netns/${netns}`,
      ...binds.map((bind) => `--bind=${bind}`),
      "--boot",
    ],
  ];
  // Under qemu-user the box's systemd would spin forever on a peer's group list (withoutPeerGroups.py says why).
  if (arch !== "amd64") command.unshift("python3", join(import.meta.dirname, "withoutPeerGroups.py"));
  const nspawn = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  nspawn.stdout!.pipe(logFile, { end: false });
  nspawn.stderr!.pipe(logFile, { end: false });
  const exited = new Promise<void>((resolve) => nspawn.once("exit", () => resolve()));
  const deadline = Date.now() + 180_000 * slowdown(arch);
  // nspawn's child is itself nspawn until it executes the box's systemd: wait for that.
  const boxInit = () =>
    spawnSync("pgrep", ["-P", String(nspawn.pid)], { encoding: "utf8" })
      .stdout.trim()
      .split("\n")
      .map(Number)
      .find((pid) => pid > 0 && spawnSync("cat", [`/proc/${pid}/comm`], { encoding: "utf8" }).stdout.trim() === "systemd");
  let init: number | undefined;
  let state = "";
  while (state !== "running" && state !== "degraded") {
    if (nspawn.exitCode !== null || Date.now() > deadline)
      throw new Error(`systemd-nspawn did not boot the box (systemd ${init ? `says "${state}"` : "not started"}; see ${root}.log)`);
    await sleep(500);
    init ??= boxInit();
    if (init) state = spawnSync("nsenter", ["-t", String(init), "-a", "--", "systemctl", "is-system-running"], { encoding: "utf8" }).stdout.trim();
  }
  return { process: nspawn, arch, init: init!, exited };
}

async function stopContainer(container: { process: ChildProcess; arch: BoxArch; init: number; exited: Promise<void> }): Promise<void> {
  if (container.process.exitCode !== null) return;
  // nspawn shuts the box down cleanly on SIGTERM by sending systemd SIGRTMIN+3. qemu-user keeps some
  // real-time signals for itself and shifts the rest, so an emulated systemd reads it as "rescue" and
  // stays up: that box is asked to power off the way `reboot()` does.
  if (container.arch === "amd64") container.process.kill("SIGTERM");
  else spawnSync("nsenter", ["-t", String(container.init), "-a", "--", "systemctl", "poweroff"]);
  await Promise.race([container.exited, sleep(60_000 * slowdown(container.arch))]);
  if (container.process.exitCode !== null || container.process.signalCode !== null) return;
  // nspawn killed alone leaves the box running: killing its PID 1 ends every process in it.
  container.process.kill("SIGKILL");
  try {
    process.kill(container.init, "SIGKILL");
  } catch {
    // already gone
  }
}

function runInside(init: number, script: string, proxyUrl: string, logFile: WriteStream, timeoutMs: number): Promise<CommandResult> {
  logFile.write(`\n$ ${script}\n`);
  // A clean environment: nothing of the host's (its PATH, npm's variables) leaks into the box.
  const env = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/root",
    LANG: "C.UTF-8",
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    // The box's own names (.test is reserved, never a registry) stay on its loopback.
    no_proxy: "localhost,127.0.0.1,::1,.test",
    NODE_EXTRA_CA_CERTS: TRUST_FILE,
    PIP_CERT: TRUST_FILE,
  };
  const child = spawn("nsenter", ["-t", String(init), "-a", "--", "/bin/bash", "-c", script], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => ((stdout += chunk), logFile.write(chunk)));
  child.stderr!.on("data", (chunk: Buffer) => ((stderr += chunk), logFile.write(chunk)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    }),
  );
}

function must(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr || result.error}`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
