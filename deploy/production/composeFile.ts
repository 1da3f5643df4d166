// A compose file rendered from the same service description as the systemd units. Host networking keeps
// every listener on the box's loopback exactly as the units have it; the data directory is the only
// writable mount.
import type { ServiceSpec } from "./serviceDescription.ts";

export function composeFile(projectName: string, services: ServiceSpec[], install: { prefix: string; uid: number }): Record<string, unknown> {
  return {
    name: projectName,
    services: Object.fromEntries(
      services.map((service) => [
        service.name,
        {
          image: service.image,
          // The images carry their own interpreters; the rest of the command line is the same as the unit's.
          entrypoint: [service.kind === "synapse" ? "python" : "node", ...service.command.slice(1)],
          working_dir: service.workingDirectory,
          user: `${install.uid}:${install.uid}`,
          network_mode: "host",
          restart: "on-failure",
          ...(service.environment ? { environment: service.environment } : {}),
          read_only: true,
          tmpfs: ["/tmp"],
          security_opt: ["no-new-privileges:true"],
          cap_drop: ["ALL"],
          volumes: [
            { type: "bind", source: install.prefix, target: install.prefix, read_only: true },
            ...service.writablePaths.map((path) => ({ type: "bind", source: path, target: path })),
          ],
          ...(service.after.length > 0 ? { depends_on: service.after.filter((name) => services.some((s) => s.name === name)) } : {}),
          healthcheck: {
            test: ["CMD-SHELL", `exec 3<>/dev/tcp/127.0.0.1/${service.ports[0]}`],
            interval: "30s",
            timeout: "5s",
            retries: 3,
          },
        },
      ]),
    ),
  };
}
