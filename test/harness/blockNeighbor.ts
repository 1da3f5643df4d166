// A neighbor on a block run by the CLI (blockProcess.ts): the operator creates a one-use token, the
// neighbor registers with it the way Element does and starts syncing, with crypto as Element has (the bots'
// DMs are encrypted).
import assert from "node:assert/strict";
import type { BlockProcess } from "./blockProcess.ts";
import { NeighborClient } from "./neighborClient.ts";
import { registerNeighbor } from "./testNeighborhood.ts";

export async function newNeighbor(block: BlockProcess, localpart: string): Promise<NeighborClient> {
  const token = /token: (\S+)/.exec(await block.command("token", "create", "--uses", "1"))?.[1];
  assert.ok(token, "token create prints the token");
  const { user_id, access_token, device_id } = await registerNeighbor(block.clientUrl, localpart, "correct horse battery", token);
  const client = new NeighborClient(block.clientUrl, user_id, access_token, { deviceId: device_id, encrypted: true });
  await client.start();
  return client;
}
