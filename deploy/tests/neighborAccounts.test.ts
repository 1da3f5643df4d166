// status's neighbor count: the bots' accounts (the registration's namespace) and the operator's admin
// account are not neighbors unless the neighborhood file says operator_is_neighbor: true.
import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { buildRegistration } from "../../appservices/src/registration.ts";
import { validateNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { countNeighbors, describeNeighborCount, serviceAccountsOf } from "../src/neighborAccounts.ts";

const server = "maple.mesh:8448";
const registration = stringify(
  buildRegistration({
    id: "blockshare",
    serverName: server,
    url: "http://127.0.0.1:9009",
    asToken: "a",
    hsToken: "h",
    senderLocalpart: "blockshare",
    botLocalparts: ["porch", "share", "polls", "mesh"],
  }),
);
const isServiceAccount = serviceAccountsOf(registration);
const operatorUserId = `@admin:${server}`;
const accounts = ["blockshare", "porch", "share", "polls", "mesh", "admin", "ann", "bob", "cy"].map((localpart) => `@${localpart}:${server}`);

test("the bots' accounts are recognized from the registration Synapse reads, not by name", () => {
  for (const bot of ["@porch:maple.mesh:8448", "@blockshare:maple.mesh:8448"]) assert.equal(isServiceAccount(bot), true, bot);
  for (const person of ["@porchlight:maple.mesh:8448", "@porch:elm.mesh:8448", "@porch:maple.mesh", "@ann:maple.mesh:8448"])
    assert.equal(isServiceAccount(person), false, person);
});

test("three neighbors beside five bot accounts and the operator's admin account are three neighbors", () => {
  const count = countNeighbors(accounts, { isServiceAccount, operatorUserId, operatorIsNeighbor: false });
  assert.deepEqual(count, { neighbors: 3, serviceAccounts: 5, operatorLeftOut: true });
  assert.equal(describeNeighborCount(count, operatorUserId), `3 accounts (not counted: 5 bot accounts, the operator's ${operatorUserId})`);
});

test("with operator_is_neighbor: true the operator's account counts", () => {
  const count = countNeighbors(accounts, { isServiceAccount, operatorUserId, operatorIsNeighbor: true });
  assert.deepEqual(count, { neighbors: 4, serviceAccounts: 5, operatorLeftOut: false });
  assert.equal(describeNeighborCount(count, operatorUserId), "4 accounts (not counted: 5 bot accounts)");
  assert.equal(describeNeighborCount({ neighbors: 1, serviceAccounts: 0, operatorLeftOut: false }, operatorUserId), "1 account");
});

test("operator_is_neighbor defaults to false, and anything but true or false is refused with what it accepts", () => {
  const file = { name: "Maple", server_name: "maple.mesh", public_url: "http://10.0.0.5:8008" };
  assert.equal(validateNeighborhood("n.yaml", file).operator_is_neighbor, false);
  assert.equal(validateNeighborhood("n.yaml", { ...file, operator_is_neighbor: true }).operator_is_neighbor, true);
  assert.throws(
    () => validateNeighborhood("n.yaml", { ...file, operator_is_neighbor: "yes" }),
    (error: Error) => {
      assert.match(error.message, /"operator_is_neighbor" must be whether the operator's admin account counts as a neighbor .*true or false.* \(got "yes"\)/);
      return true;
    },
  );
});
