// Every method of `connectSessions` (create, authenticate) and their refusals.
import { stackoneWithQuery } from "./extra_query.mjs";
import { check, finish, input, stackone } from "./report.mjs";

const client = stackone();
let token = null;

await check("createConnectSession", async () => {
  const created = await client.connectSessions.createConnectSession({
    originOwnerId: input.ownerId,
    originOwnerName: "Acme Ltd",
    originUsername: "admin@acme.example",
    provider: "factorialhr",
    label: "Payroll",
  });
  token = created.connectSessionTokenAuthLink?.token ?? null;
  return created;
});
await check("createSecondConnectSession", () =>
  client.connectSessions.createConnectSession({ originOwnerId: `${input.ownerId}-2`, originOwnerName: "Beta" }),
);
await check("authenticateConnectSession", () =>
  client.connectSessions.authenticateConnectSession({ token }),
);

// Every field of the client's ConnectSessionCreate at once (re-linking a linked account).
await check("createWithEveryField", () =>
  client.connectSessions.createConnectSession({
    originOwnerId: input.relinkOwnerId,
    originOwnerName: "Acme Ltd",
    originUsername: "admin@acme.example",
    provider: "factorialhr",
    accountId: input.relinkAccountId,
    categories: ["hris"],
    expiresIn: 3600,
    label: "Re-link",
    metadata: {},
    multiple: false,
    providerVersion: "1.0.0",
    type: "test",
  }),
);

await check("authenticateUnknown", () =>
  client.connectSessions.authenticateConnectSession({ token: "lkcs_not_a_session" }),
);
await check("createForUnknownProvider", () =>
  client.connectSessions.createConnectSession({ originOwnerId: "o", originOwnerName: "O", provider: "workday" }),
);
await check("createTooShort", () =>
  client.connectSessions.createConnectSession({ originOwnerId: "o", originOwnerName: "O", expiresIn: 1 }),
);
await check("unknownQueryParameter", () =>
  stackoneWithQuery("dry_run", "1").connectSessions.createConnectSession({ originOwnerId: "o", originOwnerName: "O" }),
);
await check("badKey", () =>
  stackone({ apiKey: "lk_not_a_key" }).connectSessions.authenticateConnectSession({ token }),
);
finish();
