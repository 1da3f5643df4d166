// Who an incident's message is for. Alerts from a simulated mesh (label simulated="true", as the mesh
// monitor's demo mesh sends them) are not news for the neighbors: they go to the operator's private
// chat, unless the sender says the operator asked for them in the room (annotation
// simulation_audience="room", from mesh_monitor.simulated_alerts). Pure.

export type Audience = "room" | "operator";

export function isSimulated(labels: Readonly<Record<string, string>>): boolean {
  return labels.simulated === "true";
}

export function audienceOf(alert: { labels: Readonly<Record<string, string>>; annotations: Readonly<Record<string, string>> }): Audience {
  if (!isSimulated(alert.labels)) return "room";
  return alert.annotations.simulation_audience === "room" ? "room" : "operator";
}
