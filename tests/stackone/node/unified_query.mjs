// StackOne's query conventions on a unified list through its client: `proxy` key-values, which the client sends
// as `proxy[<name>]=<value>`, passed through to Factorial's list call.
import { check, finish, input, stackone } from "./report.mjs";

const hris = stackone().hris;
const xAccountId = input.accountId;

await check("proxied", () =>
  hris.listEmployees({ xAccountId, proxy: { company_identifier: input.companyIdentifier } }),
);
await check("proxiedOwnParameter", () => hris.listEmployees({ xAccountId, proxy: { limit: "5" } }));
finish();
