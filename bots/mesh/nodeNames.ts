// Node names as neighbors type them and as the monitor labels them: compared without case, so
// "Rooftop-3" and "rooftop-3" are one node, but shown as first written.

export function nodeKey(name: string): string {
  return encodeURIComponent(name.trim().toLowerCase());
}

export function sameNode(a: string, b: string): boolean {
  return nodeKey(a) === nodeKey(b);
}
