// StackOne's client with one more query parameter on every request: the client itself sends only the parameters
// it declares, so a test of how the platform treats an unknown one adds it through the client's own request hook.
import { StackOne } from "@stackone/stackone-client-ts";
import { HTTPClient } from "@stackone/stackone-client-ts/lib/http.js";

export function stackoneWithQuery(name, value) {
  const httpClient = new HTTPClient();
  httpClient.addHook("beforeRequest", (request) => {
    const url = new URL(request.url);
    url.searchParams.append(name, value);
    return new Request(url, request);
  });
  return new StackOne({
    serverURL: process.env.LINKYARD_URL,
    security: { username: process.env.LINKYARD_API_KEY, password: "" },
    retryConfig: { strategy: "none" },
    timeoutMs: 30_000,
    httpClient,
  });
}
