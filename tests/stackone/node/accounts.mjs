// Every method of `accounts` (list with each filter, get, meta, update, delete) and its refusals.
import { PatchAccountExternalDtoType } from "@stackone/stackone-client-ts/sdk/models/shared/index.js";
import { stackoneWithQuery } from "./extra_query.mjs";
import { check, finish, input, stackone } from "./report.mjs";

const client = stackone();
const { accountId, otherAccountId, ownerId, deleteId } = input;

await check("listAll", () => client.accounts.listLinkedAccounts({}));
await check("listByAccountIds", () => client.accounts.listLinkedAccounts({ accountIds: [accountId] }));
await check("listByTwoAccountIds", () =>
  client.accounts.listLinkedAccounts({ accountIds: [accountId, otherAccountId] }),
);
await check("listByProviders", () =>
  client.accounts.listLinkedAccounts({ providers: ["factorialhr"], accountIds: [accountId] }),
);
await check("listByOtherProvider", () => client.accounts.listLinkedAccounts({ providers: ["personio"] }));
await check("listByProvider", () =>
  client.accounts.listLinkedAccounts({ provider: "factorialhr", accountIds: [otherAccountId] }),
);
await check("listByOriginOwnerIds", () => client.accounts.listLinkedAccounts({ originOwnerIds: [ownerId] }));
await check("listByOriginOwnerId", () => client.accounts.listLinkedAccounts({ originOwnerId: ownerId }));
await check("listByStatus", () =>
  client.accounts.listLinkedAccounts({ status: ["error", "inactive"], accountIds: [accountId] }),
);
await check("listPaged", () =>
  client.accounts.listLinkedAccounts({ accountIds: [accountId, otherAccountId], page: 2, pageSize: 1 }),
);
await check("getAccount", () => client.accounts.getAccount({ id: accountId }));
await check("getAccountMetaInfo", () => client.accounts.getAccountMetaInfo({ id: accountId }));
await check("updateAccount", () =>
  client.accounts.updateAccount({
    id: accountId,
    patchAccountExternalDto: {
      type: PatchAccountExternalDtoType.Test,
      originOwnerName: "Renamed Ltd",
      originUsername: "ops@renamed.example",
      provider: "factorialhr",
      originOwnerId: ownerId,
      environment: "sandbox",
    },
  }),
);
await check("updateAccountClearingLabel", () =>
  client.accounts.updateAccount({
    id: accountId,
    patchAccountExternalDto: { type: PatchAccountExternalDtoType.Test, label: null, metadata: null },
  }),
);
await check("deleteAccount", () => client.accounts.deleteAccount({ id: deleteId }));

// Refusals, each a typed error of the client.
await check("getUnknown", () => client.accounts.getAccount({ id: "acc_unknown" }));
await check("metaUnknown", () => client.accounts.getAccountMetaInfo({ id: "acc_unknown" }));
await check("deleteAgain", () => client.accounts.deleteAccount({ id: deleteId }));
await check("updateWithTheClientsDefaultType", () =>
  // The client sends `type: production` unless told otherwise; a sandbox account is a test one.
  client.accounts.updateAccount({ id: accountId, patchAccountExternalDto: { originOwnerName: "X" } }),
);
await check("updateWithSecrets", () =>
  client.accounts.updateAccount({
    id: accountId,
    patchAccountExternalDto: { type: PatchAccountExternalDtoType.Test, secrets: {} },
  }),
);
await check("unknownQueryParameter", () => stackoneWithQuery("account_idz", "acc_x").accounts.listLinkedAccounts({}));
await check("badKey", () => stackone({ apiKey: "lk_not_a_key" }).accounts.listLinkedAccounts({}));
finish();
