// A little mesh for federation tests: one network namespace per block, each joined to a bridge by a
// veth "mesh link" that a test can cut and restore, and a per-namespace hosts file (/etc/netns/NAME/hosts)
// so each block has its own host name without any DNS. Needs root and iproute2.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";

export interface MeshHost {
  namespace: string;
  /** Its address on the mesh (the bridge): what other blocks reach it at. */
  address: string;
  /** Its address on a separate point-to-point link from this machine, for the test's clients: cutting the mesh link leaves it up. */
  clientAddress: string;
  /** The bridge-side end of this host's link. */
  linkDevice: string;
  hostsFile: string;
}

export interface MeshNetwork {
  bridgeAddress: string;
  hosts: MeshHost[];
  cut(host: MeshHost): void;
  restore(host: MeshHost): void;
  destroy(): void;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

/** Why namespaces cannot be made here, or undefined when they can. */
export function namespacesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to create network namespaces";
  if (spawnSync("ip", ["-V"]).status !== 0) return "needs iproute2 (the ip command)";
  return undefined;
}

export function createMeshNetwork(prefix: string, subnet: string, clientSubnet: string, count: number): MeshNetwork {
  const bridge = `${prefix}-br`;
  const hosts: MeshHost[] = Array.from({ length: count }, (_, index) => ({
    namespace: `${prefix}-${index}`,
    address: `${subnet}.${index + 1}`,
    linkDevice: `${prefix}${index}h`,
    clientAddress: `${clientSubnet}.${4 * index + 2}`,
    hostsFile: `/etc/netns/${prefix}-${index}/hosts`,
  }));
  const destroy = () => {
    for (const host of hosts) {
      // A process still inside a namespace keeps it (and its veth) alive: remove the links explicitly.
      spawnSync("ip", ["link", "del", host.linkDevice]);
      spawnSync("ip", ["link", "del", `${host.linkDevice}c`]);
      spawnSync("ip", ["netns", "del", host.namespace]);
      rmSync(`/etc/netns/${host.namespace}`, { recursive: true, force: true });
    }
    spawnSync("ip", ["link", "del", bridge]);
  };
  destroy(); // leftovers of an interrupted run
  try {
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", `${subnet}.254/24`, "dev", bridge);
    ip("link", "set", bridge, "up");
    for (const host of hosts) {
      ip("netns", "add", host.namespace);
      ip("link", "add", host.linkDevice, "type", "veth", "peer", "name", `${prefix}-eth`, "netns", host.namespace);
      ip("link", "set", host.linkDevice, "master", bridge);
      ip("link", "set", host.linkDevice, "up");
      ip("-n", host.namespace, "link", "set", "lo", "up");
      ip("-n", host.namespace, "addr", "add", `${host.address}/24`, "dev", `${prefix}-eth`);
      ip("-n", host.namespace, "link", "set", `${prefix}-eth`, "up");
      // The clients' own link: a /30 per block, this machine at .1, the block at .2.
      ip("link", "add", `${host.linkDevice}c`, "type", "veth", "peer", "name", `${prefix}-cli`, "netns", host.namespace);
      ip("addr", "add", `${clientSubnet}.${4 * hosts.indexOf(host) + 1}/30`, "dev", `${host.linkDevice}c`);
      ip("link", "set", `${host.linkDevice}c`, "up");
      ip("-n", host.namespace, "addr", "add", `${host.clientAddress}/30`, "dev", `${prefix}-cli`);
      ip("-n", host.namespace, "link", "set", `${prefix}-cli`, "up");
      mkdirSync(`/etc/netns/${host.namespace}`, { recursive: true });
      writeFileSync(host.hostsFile, "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
    }
  } catch (error) {
    destroy();
    throw error;
  }
  return {
    bridgeAddress: `${subnet}.254`,
    hosts,
    cut: (host) => ip("link", "set", host.linkDevice, "down"),
    restore: (host) => ip("link", "set", host.linkDevice, "up"),
    destroy,
  };
}
