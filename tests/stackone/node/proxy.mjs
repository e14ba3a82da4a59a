// StackOne's `proxy` namespace against Linkyard: proxyRequest reaches Factorial on a linked account (GET, the
// client's default method, POST) and each refusal comes back as the client's typed error.
import { check, finish, input, stackone } from "./report.mjs";

const client = stackone();
const api = `/api/${input.apiVersion}/resources`;

function proxy(accountId, proxyRequestBody) {
  return client.proxy.proxyRequest({ xAccountId: accountId, proxyRequestBody });
}

await check("getEmployees", () => proxy(input.accountId, { method: "get", path: `${api}/employees/employees?limit=2` }));
await check("defaultMethod", () => proxy(input.accountId, { path: `${api}/api_public/credentials` }));
await check("createCandidate", () =>
  proxy(input.accountId, {
    method: "post",
    path: `${api}/ats/candidates`,
    body: { first_name: "Ada", last_name: "Client", company_id: input.companyId },
  }),
);
await check("providerNotFound", () => proxy(input.accountId, { path: `${api}/employees/employees/999999999` }));
await check("absoluteUrl", () => proxy(input.accountId, { path: "//127.0.0.1:1/api/x" }));
await check("otherHost", () => proxy(input.accountId, { url: "http://127.0.0.1:1", path: `${api}/employees/employees` }));
await check("authorizationHeader", () =>
  proxy(input.accountId, { path: `${api}/employees/employees`, headers: { Authorization: "Bearer stolen" } }),
);
await check("unknownAccount", () => proxy("acc_unknown", { path: `${api}/employees/employees` }));
await check("suspendedAccount", () => proxy(input.suspendedId, { path: `${api}/employees/employees` }));
finish();
