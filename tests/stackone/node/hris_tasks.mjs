// The unified HRIS tasks through StackOne's client: the account's tasks walked with the client's own paginator
// (also narrowed by `filter[updated_after]`), one got by an id the Python side took from the emulator, and an
// employee's tasks: listed, got, one's status changed; another's task under that employee is not found.
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
const employee = { xAccountId, id: input.employeeId };
await check("listEmployeeTasks", () => walk(hris.listEmployeeTasks({ ...employee, pageSize: "1" })));
await check("getEmployeeTask", () => hris.getEmployeeTask({ ...employee, subResourceId: input.ownTaskId }));
await check("getEmployeeTaskRaw", () =>
  hris.getEmployeeTask({ ...employee, subResourceId: input.ownTaskId, raw: true }),
);
await check("getEmployeeTaskOfAnother", () =>
  hris.getEmployeeTask({ ...employee, subResourceId: input.otherTaskId }),
);
await check("listTasksOfEmployeeWithout", () =>
  walk(hris.listEmployeeTasks({ xAccountId, id: input.employeeWithoutTasksId })),
);
await check("updateEmployeeTask", () =>
  hris.updateEmployeeTask({
    ...employee,
    subResourceId: input.ownTaskId,
    updateTaskRequestDto: { status: { value: "completed" } },
  }),
);
await check("updateEmployeeTaskOfAnother", () =>
  hris.updateEmployeeTask({
    ...employee,
    subResourceId: input.otherTaskId,
    updateTaskRequestDto: { status: { value: "cancelled" } },
  }),
);
await check("updateEmployeeTaskRefused", () =>
  hris.updateEmployeeTask({
    ...employee,
    subResourceId: input.ownTaskId,
    updateTaskRequestDto: { status: { value: "blocked" }, comment: "Waiting for the scan" },
  }),
);
await check("getUpdatedEmployeeTask", () => hris.getEmployeeTask({ ...employee, subResourceId: input.ownTaskId }));
finish();
