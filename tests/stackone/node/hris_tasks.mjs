// The unified HRIS tasks through StackOne's client: the account's tasks walked with the client's own paginator
// (also narrowed by `filter[updated_after]`), and one got by an id the Python side took from the emulator.
import { check, finish, input, stackone } from "./report.mjs";

const hris = stackone().hris;
const xAccountId = input.accountId;

async function walk(pages) {
  const seen = [];
  for await (const page of await pages) seen.push(page);
  return seen;
}

await check("listTasks", () => walk(hris.listTasks({ xAccountId, pageSize: "25" })));
await check("listTasksUpdatedAfter", () =>
  walk(hris.listTasks({ xAccountId, filter: { updatedAfter: new Date(input.updatedAfter) } })),
);
await check("getTask", () => hris.getTask({ xAccountId, id: input.taskId }));
await check("getTaskRaw", () => hris.getTask({ xAccountId, id: input.taskId, raw: true }));
finish();
