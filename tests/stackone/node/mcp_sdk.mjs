// The MCP TypeScript SDK's client, unchanged, against `POST /mcp`: the tools of a named account, and what the
// developer is told when the key is refused, the account is unknown or no account is named.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { check, finish, input } from "./report.mjs";

function basic(key) {
  return `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
}

async function listTools(headers) {
  const client = new Client({ name: "linkyard-tests", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${process.env.LINKYARD_URL}/mcp`), {
    requestInit: { headers },
  });
  try {
    await client.connect(transport);
    const listed = await client.listTools();
    return listed.tools.map((tool) => tool.name);
  } finally {
    await client.close().catch(() => {});
  }
}

const key = basic(process.env.LINKYARD_API_KEY);
await check("listTools", () => listTools({ Authorization: key, "x-account-id": input.accountId }));
await check("unknownAccount", () => listTools({ Authorization: key, "x-account-id": "acc_unknown" }));
await check("missingAccount", () => listTools({ Authorization: key }));
await check("badKey", () =>
  listTools({ Authorization: basic("lk_not_a_key"), "x-account-id": input.accountId }),
);
finish();
