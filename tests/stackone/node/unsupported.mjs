// Every unified operation Linkyard does not serve, through StackOne's client: the Python side names them (the
// client's operations less those the running app's routes serve), and each call must end in the client's
// `NotImplementedResponse`. Arguments are the least the client's own zod schemas accept: the account, "1" for
// each id, and a body holding only its required fields.
import { readdirSync } from "node:fs";
import * as operations from "@stackone/stackone-client-ts/sdk/models/operations/index.js";
import { check, finish, input, stackone } from "./report.mjs";

const FUNCS = "node_modules/@stackone/stackone-client-ts/src/funcs";
const client = stackone();

function inner(schema) {
  let found = schema;
  while (found?._def?.innerType || found?._def?.schema) found = found._def.innerType ?? found._def.schema;
  return found;
}

function least(schema) {
  // The smallest value of a required field that the schema accepts.
  const bare = inner(schema);
  switch (bare?._def?.typeName) {
    case "ZodObject":
      return Object.fromEntries(
        Object.entries(bare.shape)
          .filter(([, field]) => !field.isOptional())
          .map(([name, field]) => [name, least(field)]),
      );
    case "ZodArray":
      return [];
    case "ZodNumber":
      return 1;
    case "ZodBoolean":
      return false;
    default:
      return "1";
  }
}

function request(method) {
  const type = `${method[0].toUpperCase()}${method.slice(1)}Request`;
  const shape = inner(operations[`${type}$outboundSchema`]).shape;
  const made = { xAccountId: input.accountId };
  for (const [name, field] of Object.entries(shape)) {
    if (name !== "xAccountId" && !field.isOptional()) made[name] = least(field);
  }
  return made;
}

const camel = (name) => name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());

await check("clientOperations", async () =>
  readdirSync(FUNCS).filter((file) => /^(hris|ats)[A-Z].*\.ts$/.test(file)).length,
);
for (const name of input.operations) {
  const method = camel(name);
  const category = name.split("_")[0];
  const call = method.slice(category.length);
  const sdkMethod = `${call[0].toLowerCase()}${call.slice(1)}`;
  await check(name, () => client[category][sdkMethod](request(method)));
}
finish();
