// What an install changed: versions (BlockShare, Synapse, Node, Element) against the last install's
// record, and each generated file as new, changed or unchanged. Pure, so it is easy to trust.

export interface InstalledVersions {
  blockshare: string;
  synapse: string;
  node: string;
  element: string;
}

export type FileChange = "new" | "changed" | "unchanged";

export function versionChanges(previous: InstalledVersions | undefined, current: InstalledVersions): string[] {
  if (previous === undefined)
    return [`first install: BlockShare ${current.blockshare}, Synapse ${current.synapse}, Node ${current.node}, Element Web ${current.element}`];
  const names: Record<keyof InstalledVersions, string> = { blockshare: "BlockShare", synapse: "Synapse", node: "Node", element: "Element Web" };
  const changed = (Object.keys(names) as Array<keyof InstalledVersions>)
    .filter((key) => previous[key] !== current[key])
    .map((key) => `${names[key]} ${previous[key]} → ${current[key]}`);
  return changed.length > 0 ? changed : ["versions unchanged"];
}

export function fileChange(before: string | undefined, after: string): FileChange {
  if (before === undefined) return "new";
  return before === after ? "unchanged" : "changed";
}
