// What every script here shares: StackOne's client pointed at Linkyard, and one JSON report of the calls it made.
//
// A script runs named checks (`await check("getAccount", () => client.accounts.getAccount({ id }))`) and ends
// with `finish()`, which prints `{name: {ok, value} | {ok: false, error}}` on stdout for the Python test that
// started it (tests/stackone/ts_client.py). A check never throws: the client's own errors (a zod validation
// failure, a typed HTTP error such as NotFoundResponse) are the outcome the test asserts on.
import { StackOne } from "@stackone/stackone-client-ts";

const outcomes = {};

// What the Python side passed: the platform's URL, the project's API key, and the script's own inputs.
export const input = JSON.parse(process.env.LINKYARD_INPUT ?? "{}");

export function stackone({ apiKey = process.env.LINKYARD_API_KEY } = {}) {
  return new StackOne({
    serverURL: process.env.LINKYARD_URL,
    security: { username: apiKey, password: "" },
    retryConfig: { strategy: "none" },
    timeoutMs: 30_000,
  });
}

function plain(value) {
  // Dates become ISO strings, BigInts strings, Headers a plain object; a Request or Response the client hands
  // back (`rawResponse`, `httpMeta`) is reduced to its status.
  return JSON.parse(
    JSON.stringify(value ?? null, (key, item) => {
      if (item instanceof Response) return { status: item.status };
      if (item instanceof Request) return { method: item.method, url: item.url };
      if (item instanceof Headers) return Object.fromEntries(item.entries());
      if (typeof item === "bigint") return item.toString();
      return item;
    }),
  );
}

function describe(error) {
  const described = {
    name: error?.constructor?.name ?? typeof error,
    message: String(error?.message ?? error),
  };
  if (typeof error?.statusCode === "number") described.statusCode = error.statusCode;
  if (typeof error?.body === "string") described.body = error.body;
  if (typeof error?.pretty === "function") described.pretty = error.pretty();
  if (error?.cause !== undefined) described.cause = String(error.cause?.message ?? error.cause);
  return described;
}

export async function check(name, call) {
  try {
    outcomes[name] = { ok: true, value: plain(await call()) };
  } catch (error) {
    outcomes[name] = { ok: false, error: describe(error) };
  }
}

export function finish() {
  process.stdout.write(JSON.stringify(outcomes));
}
