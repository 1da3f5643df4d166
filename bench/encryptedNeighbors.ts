// Neighbors for the encryption benchmarks: registered on a block running in a child process (hostInChild.ts)
// with one registration token, each a matrix-js-sdk client with Rust crypto, as Element X is.
import { registrationTokens } from "../deploy/src/homeserverAdmin.ts";
import { NeighborClient } from "../test/harness/neighborClient.ts";
import { registerNeighbor } from "../test/harness/testNeighborhood.ts";

/**
 * Registers `count` neighbors named `<prefix>0`, `<prefix>1`, … and starts their clients. Each goes into `into` as
 * soon as it runs, so that a failure part-way still leaves the caller the ones to stop.
 */
export async function registerEncryptedNeighbors(
  block: { clientUrl: string; operatorToken: string },
  prefix: string,
  count: number,
  into: NeighborClient[],
): Promise<void> {
  const token = await registrationTokens.create(block.clientUrl, block.operatorToken, { usesAllowed: count, expiryTime: null });
  for (let i = 0; i < count; i++) {
    const { user_id, access_token, device_id } = await registerNeighbor(block.clientUrl, `${prefix}${i}`, "correct horse battery", token.token);
    const neighbor = new NeighborClient(block.clientUrl, user_id, access_token, { deviceId: device_id, encrypted: true });
    await neighbor.start();
    into.push(neighbor);
  }
}
