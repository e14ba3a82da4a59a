// Every method of `connectors` (the catalogue's meta, all and one) and their refusals.
import { stackoneWithQuery } from "./extra_query.mjs";
import { check, finish, stackone } from "./report.mjs";

const client = stackone();

await check("listConnectorsMeta", () => client.connectors.listConnectorsMeta({}));
await check("listConnectorsMetaIncluding", () => client.connectors.listConnectorsMeta({ include: "actions,scopes" }));
await check("getConnectorMeta", () => client.connectors.getConnectorMeta({ provider: "factorialhr" }));
await check("getConnectorMetaIncluding", () =>
  client.connectors.getConnectorMeta({ provider: "factorialhr", include: "scopes" }),
);

await check("getUnknown", () => client.connectors.getConnectorMeta({ provider: "workday" }));
await check("includeUnknown", () => client.connectors.listConnectorsMeta({ include: "field_path" }));
await check("unknownQueryParameter", () => stackoneWithQuery("category", "hris").connectors.listConnectorsMeta({}));
await check("badKey", () => stackone({ apiKey: "lk_not_a_key" }).connectors.listConnectorsMeta({}));
finish();
