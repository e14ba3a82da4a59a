// StackOne's `expand`, `include` and `raw` through its client: an employee's nested objects, a time off request's
// policy, a job's interview stages, and the other documented names, each answer passing the client's zod schemas;
// an unknown name refused. The Python side compares the values with Factorial's own data.
import { check, finish, input, stackone } from "./report.mjs";

const client = stackone();
const { hris, ats } = client;
const xAccountId = input.accountId;
const everything = "company,employments,work_location,home_location,groups,skills";
const included = "avatar_url,avatar,custom_fields,job_description,benefits";

await check("listEmployees", () =>
  hris.listEmployees({ xAccountId, pageSize: "25", expand: everything, include: included, raw: true }),
);
await check("getEmployee", () =>
  hris.getEmployee({ xAccountId, id: input.employeeId, expand: everything, include: "custom_fields", raw: true }),
);
await check("getEmployeeJobTitle", () =>
  hris.getEmployee({ xAccountId, id: input.employeeId, fields: "id,job_title,company_name" }),
);
await check("listTimeOffRequests", () => hris.listTimeOffRequests({ xAccountId, pageSize: "25", expand: "policy" }));
await check("getTimeOffRequest", () => hris.getTimeOffRequest({ xAccountId, id: input.timeOffId, expand: "policy" }));
await check("listEmployeeTimeOffRequests", () =>
  hris.listEmployeeTimeOffRequests({ xAccountId, id: input.timeOffEmployeeId, expand: "policy" }),
);
await check("getEmployeesTimeOffRequest", () =>
  hris.getEmployeesTimeOffRequest({
    xAccountId,
    id: input.timeOffEmployeeId,
    subResourceId: input.timeOffId,
    expand: "policy",
  }),
);
await check("listEmployments", () => hris.listEmployments({ xAccountId, pageSize: "5", expand: "groups" }));
await check("listEmployeeTimeOffBalances", () =>
  hris.listEmployeeTimeOffBalances({ xAccountId, id: input.employeeId, expand: "policy" }),
);
await check("listJobs", () =>
  ats.listJobs({ xAccountId, expand: "job_postings,interview_stages", include: "custom_fields" }),
);
await check("getJob", () => ats.getJob({ xAccountId, id: input.jobId, expand: "job_postings,interview_stages" }));
await check("listApplications", () =>
  ats.listApplications({ xAccountId, pageSize: "5", expand: "documents", include: "attachments,custom_fields" }),
);
await check("listCandidates", () => ats.listCandidates({ xAccountId, pageSize: "5", include: "custom_fields" }));
await check("listJobPostings", () => ats.listJobPostings({ xAccountId, pageSize: "5", include: "questionnaires" }));
await check("unknownExpansion", () => hris.listEmployees({ xAccountId, expand: "company,shoe_box" }));
finish();
