// The unified HRIS time off operations through StackOne's client. `input.step` picks a part, so that the Python
// side can read Factorial between the writes: "read" (every list walked with the client's paginator, every get),
// then "create", "update" and "cancel" of one request on an employee.
import { check, finish, input, stackone } from "./report.mjs";

const hris = stackone().hris;
const xAccountId = input.accountId;

async function walk(pages) {
  const seen = [];
  for await (const page of await pages) seen.push(page);
  return seen;
}

if (input.step === "read") {
  await check("listTimeOffRequests", () => walk(hris.listTimeOffRequests({ xAccountId, pageSize: "25" })));
  await check("listTimeOffRequestsUpdatedAfter", () =>
    walk(
      hris.listTimeOffRequests({
        xAccountId,
        pageSize: "100",
        filter: { updatedAfter: new Date(input.updatedAfter) },
      }),
    ),
  );
  await check("listTimeOffRequestsByPolicy", () =>
    hris.listTimeOffRequests({ xAccountId, filter: { policyIds: [input.policyId] } }),
  );
  await check("getTimeOffRequest", () => hris.getTimeOffRequest({ xAccountId, id: input.leaveId, raw: true }));
  await check("listEmployeeTimeOffRequests", () =>
    walk(hris.listEmployeeTimeOffRequests({ xAccountId, id: input.employeeId })),
  );
  await check("getEmployeesTimeOffRequest", () =>
    hris.getEmployeesTimeOffRequest({ xAccountId, id: input.employeeId, subResourceId: input.leaveId }),
  );
  await check("getEmployeesTimeOffRequestElsewhere", () =>
    hris.getEmployeesTimeOffRequest({ xAccountId, id: input.otherEmployeeId, subResourceId: input.leaveId }),
  );
  await check("listTimeOffTypes", () => walk(hris.listTimeOffTypes({ xAccountId })));
  await check("getTimeOffType", () => hris.getTimeOffType({ xAccountId, id: input.policyId }));
  await check("listTimeOffPolicies", () => walk(hris.listTimeOffPolicies({ xAccountId })));
  await check("listTimeOffPoliciesSick", () =>
    hris.listTimeOffPolicies({ xAccountId, filter: { type: "sick" } }),
  );
  await check("getTimeOffPolicy", () => hris.getTimeOffPolicy({ xAccountId, id: input.policyId }));
  await check("listEmployeeTimeOffPolicies", () =>
    walk(hris.listEmployeeTimeOffPolicies({ xAccountId, id: input.employeeId })),
  );
  await check("listEmployeeTimeOffBalances", () =>
    walk(hris.listEmployeeTimeOffBalances({ xAccountId, id: input.employeeId })),
  );
  await check("getEmployeeTimeOffBalance", () =>
    hris.getEmployeeTimeOffBalance({ xAccountId, id: input.employeeId, subResourceId: input.balanceId }),
  );
} else if (input.step === "create") {
  await check("createEmployeeTimeOffRequest", () =>
    hris.createEmployeeTimeOffRequest({
      xAccountId,
      id: input.employeeId,
      hrisCreateTimeOffRequestDto: {
        startDate: input.startDate,
        endDate: input.endDate,
        comment: "Moving house",
        timeOffPolicyId: input.policyId,
      },
    }),
  );
  await check("createWithAStatus", () =>
    hris.createEmployeeTimeOffRequest({
      xAccountId,
      id: input.employeeId,
      hrisCreateTimeOffRequestDto: { startDate: input.startDate, status: { value: "approved" } },
    }),
  );
} else if (input.step === "update") {
  await check("updateEmployeeTimeOffRequest", () =>
    hris.updateEmployeeTimeOffRequest({
      xAccountId,
      id: input.employeeId,
      subResourceId: input.leaveId,
      hrisCreateTimeOffRequestDto: { endDate: input.endDate, comment: "Two days" },
    }),
  );
  await check("getAfterUpdate", () =>
    hris.getEmployeesTimeOffRequest({ xAccountId, id: input.employeeId, subResourceId: input.leaveId }),
  );
} else if (input.step === "cancel") {
  await check("cancelEmployeeTimeOffRequest", () =>
    hris.cancelEmployeeTimeOffRequest({ xAccountId, id: input.employeeId, subResourceId: input.leaveId }),
  );
  await check("getAfterCancel", () => hris.getTimeOffRequest({ xAccountId, id: input.leaveId }));
}
finish();
