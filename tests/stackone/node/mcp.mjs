// StackOne's client, `mcp` namespace: `mcpGet`, `mcpDelete` and `mcpPost` against Linkyard's stateless MCP endpoint.
//
// The client always names a session (`mcp-session-id` is required for GET and DELETE); Linkyard gives out none,
// so it answers 404, which the client declares. Its JSON-RPC message schema keeps no id (`id` is an empty
// object schema), so `mcpPost` cannot send a request the transport accepts: those calls show the refusals.
import { check, finish, input, stackone } from "./report.mjs";

const client = stackone();
const key = { basic: { username: process.env.LINKYARD_API_KEY, password: "" } };
const badKey = { basic: { username: "lk_not_a_key", password: "" } };
const session = { mcpSessionId: "session-linkyard-never-gave", xAccountId: input.accountId };
const initialize = {
  jsonrpc: "2.0",
  method: "initialize",
  id: {},
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "ts", version: "1" } },
};

await check("mcpGet", () => client.mcp.mcpGet(key, session));
await check("mcpDelete", () => client.mcp.mcpDelete(key, session));
await check("mcpGetBadKey", () => client.mcp.mcpGet(badKey, session));
await check("mcpDeleteBadKey", () => client.mcp.mcpDelete(badKey, session));
await check("mcpPost", () =>
  client.mcp.mcpPost(key, { xAccountId: input.accountId, jsonRpcMessageDto: initialize }),
);
await check("mcpPostUnknownAccount", () =>
  client.mcp.mcpPost(key, { xAccountId: "acc_unknown", jsonRpcMessageDto: initialize }),
);
await check("mcpPostBadKey", () =>
  client.mcp.mcpPost(badKey, { xAccountId: input.accountId, jsonRpcMessageDto: initialize }),
);
await check("mcpPostNotification", () =>
  client.mcp.mcpPost(key, {
    xAccountId: input.accountId,
    jsonRpcMessageDto: { jsonrpc: "2.0", method: "notifications/initialized" },
  }),
);
finish();
