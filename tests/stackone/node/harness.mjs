// The harness's own check: the client reaches Linkyard with the project's key, and a wrong key is refused.
import { check, finish, input, stackone } from "./report.mjs";

await check("rpcGetCredentials", () =>
  stackone().actions.rpcAction({
    action: "factorialhr_get_credentials",
    headers: { "x-account-id": input.accountId },
  }),
);
await check("badKey", () =>
  stackone({ apiKey: "lk_not_a_key" }).actions.rpcAction({
    action: "factorialhr_get_credentials",
    headers: { "x-account-id": input.accountId },
  }),
);
finish();
