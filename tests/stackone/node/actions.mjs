// Every method of `actions` (the catalogue per connector, an RPC call) and their refusals.
import { Include } from "@stackone/stackone-client-ts/sdk/models/operations/index.js";
import { stackoneWithQuery } from "./extra_query.mjs";
import { check, finish, input, stackone } from "./report.mjs";

const client = stackone();
const { accountId } = input;

await check("listActionsMeta", () => client.actions.listActionsMeta({}));
await check("listActionsMetaFiltered", () =>
  client.actions.listActionsMeta({
    filter: { accountIds: accountId, connectors: "factorialhr", actionKey: "factorialhr_list_employees" },
    include: [Include.OperationDetails],
    pageSize: "25",
  }),
);
await check("listActionsMetaPastTheEnd", () => client.actions.listActionsMeta({ next: "1", pageSize: "1" }));
await check("listActionsMetaByPage", () => client.actions.listActionsMeta({ page: "1", pageSize: "1" }));
await check("rpcGetCredentials", () =>
  client.actions.rpcAction({ action: "factorialhr_get_credentials", headers: { "x-account-id": accountId } }),
);
await check("rpcListEmployees", () =>
  client.actions.rpcAction({
    action: "factorialhr_list_employees",
    query: { page_size: "2" },
    headers: { "x-account-id": accountId },
  }),
);

await check("listForUnknownAccount", () => client.actions.listActionsMeta({ filter: { accountIds: "acc_unknown" } }));
await check("rpcUnknownAccount", () =>
  client.actions.rpcAction({ action: "factorialhr_get_credentials", headers: { "x-account-id": "acc_unknown" } }),
);
await check("rpcBadArgument", () =>
  client.actions.rpcAction({
    action: "factorialhr_list_employees",
    query: { page_size: "lots" },
    headers: { "x-account-id": accountId },
  }),
);
await check("listGroupedOtherwise", () => client.actions.listActionsMeta({ groupBy: "category" }));
await check("unknownQueryParameter", () => stackoneWithQuery("sort", "name").actions.listActionsMeta({}));
await check("rpcUnknownQueryParameter", () =>
  stackoneWithQuery("dry_run", "1").actions.rpcAction({
    action: "factorialhr_get_credentials",
    headers: { "x-account-id": accountId },
  }),
);
await check("badKey", () => stackone({ apiKey: "lk_not_a_key" }).actions.listActionsMeta({}));
finish();
