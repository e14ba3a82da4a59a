// The unified HRIS operations of the first slice, through StackOne's client: every list walked with the
// client's own paginator (`for await`), every get by an id the Python side took from the emulator.
import { check, finish, input, stackone } from "./report.mjs";

const hris = stackone().hris;
const xAccountId = input.accountId;

async function walk(pages) {
  const seen = [];
  for await (const page of await pages) seen.push(page);
  return seen;
}

await check("listEmployees", () => walk(hris.listEmployees({ xAccountId, pageSize: "30" })));
await check("listEmployeesSparse", () =>
  hris.listEmployees({ xAccountId, pageSize: "3", fields: "id,work_email,gender" }),
);
await check("listEmployeesUpdatedAfter", () =>
  walk(
    hris.listEmployees({
      xAccountId,
      pageSize: "100",
      filter: { updatedAfter: new Date(input.updatedAfter) },
    }),
  ),
);
await check("listEmployeesByEmail", () =>
  hris.listEmployees({ xAccountId, filter: { email: input.employeeEmail } }),
);
await check("getEmployee", () => hris.getEmployee({ xAccountId, id: input.employeeId, raw: true }));
await check("getEmployeeMissing", () => hris.getEmployee({ xAccountId, id: "999999999" }));
await check("listCompanies", () => walk(hris.listCompanies({ xAccountId })));
await check("getCompany", () => hris.getCompany({ xAccountId, id: input.companyId }));
await check("listLocations", () => walk(hris.listLocations({ xAccountId })));
await check("getLocation", () => hris.getLocation({ xAccountId, id: input.locationId }));
await check("listGroups", () => walk(hris.listGroups({ xAccountId })));
await check("getGroup", () => hris.getGroup({ xAccountId, id: input.teamId }));
await check("listTeamGroups", () => walk(hris.listTeamGroups({ xAccountId })));
await check("getTeamGroup", () => hris.getTeamGroup({ xAccountId, id: input.teamId }));
finish();
