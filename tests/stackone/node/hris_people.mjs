// The unified HRIS people operations through StackOne's client: every employee walked with the client's own
// paginator, an employee created, updated and invited, and employments (Factorial's contract versions) listed,
// read, created and updated. The Python side reads Factorial's own API before and after.
import { check, finish, input, stackone } from "./report.mjs";

const hris = stackone().hris;
const xAccountId = input.accountId;

async function walk(pages) {
  const seen = [];
  for await (const page of await pages) seen.push(page);
  return seen;
}

await check("listEmployees", () => walk(hris.listEmployees({ xAccountId, pageSize: "100" })));
await check("listEmployments", () => walk(hris.listEmployments({ xAccountId, pageSize: "100" })));
await check("getEmployment", () => hris.getEmployment({ xAccountId, id: input.employmentId }));
await check("listEmployeeEmployments", () =>
  walk(hris.listEmployeeEmployments({ xAccountId, id: input.employeeId })),
);
await check("getEmployeeEmployment", () =>
  hris.getEmployeeEmployment({ xAccountId, id: input.employeeId, subResourceId: input.employmentId }),
);
await check("getEmployeeEmploymentOfAnother", () =>
  hris.getEmployeeEmployment({ xAccountId, id: input.otherEmployeeId, subResourceId: input.employmentId }),
);
await check("listJobs", () => walk(hris.listJobs({ xAccountId })));
await check("getJob", () => hris.getJob({ xAccountId, id: input.jobId }));
await check("listCostCenterGroups", () => walk(hris.listCostCenterGroups({ xAccountId })));
await check("getCostCenterGroup", () => hris.getCostCenterGroup({ xAccountId, id: input.costCenterId }));
await check("listCompaniesGroups", () => walk(hris.listCompaniesGroups({ xAccountId })));
await check("getCompanyGroup", () => hris.getCompanyGroup({ xAccountId, id: input.companyId }));

let newId;
await check("createEmployee", async () => {
  const answer = await hris.createEmployee({
    xAccountId,
    hrisCreateEmployeeRequestDto: {
      firstName: "Grace",
      lastName: "Hopper",
      workEmail: input.newEmail,
      gender: { value: "female" },
      dateOfBirth: new Date("1986-12-09T00:00:00Z"),
      employeeNumber: "N-1906",
      managerId: input.managerId,
      jobTitle: "Compiler Engineer",
      startDate: new Date("2026-02-02T00:00:00Z"),
    },
  });
  newId = answer.createResult?.data?.id;
  return answer;
});
await check("updateEmployee", () =>
  hris.updateEmployee({
    xAccountId,
    id: newId,
    hrisUpdateEmployeeRequestDto: { lastName: "Murray Hopper", personalEmail: "grace@example.org" },
  }),
);
await check("getCreatedEmployee", () => hris.getEmployee({ xAccountId, id: newId }));
await check("inviteEmployee", () =>
  hris.inviteEmployee({ xAccountId, id: newId, hrisInviteEmployeeRequestDto: {} }),
);
let employmentId;
await check("createEmployeeEmployment", async () => {
  const answer = await hris.createEmployeeEmployment({
    xAccountId,
    id: newId,
    hrisCreateEmploymentRequestDto: {
      jobTitle: "Senior Compiler Engineer",
      effectiveDate: new Date("2026-08-01T00:00:00Z"),
      payPeriod: { value: "month" },
    },
  });
  employmentId = answer.createResult?.data?.id;
  return answer;
});
await check("createEmployeeEmploymentRefused", () =>
  hris.createEmployeeEmployment({
    xAccountId,
    id: newId,
    hrisCreateEmploymentRequestDto: { jobTitle: "No dates", payrollCode: "P-1" },
  }),
);
await check("updateEmployeeEmployment", () =>
  hris.updateEmployeeEmployment({
    xAccountId,
    id: newId,
    subResourceId: employmentId,
    hrisUpdateEmploymentRequestDto: {
      jobTitle: "Principal Compiler Engineer",
      endDate: new Date("2027-07-31T00:00:00Z"),
    },
  }),
);
await check("newEmployeeEmployments", () => walk(hris.listEmployeeEmployments({ xAccountId, id: newId })));
finish();
