// The unified ATS operations Factorial backs, through StackOne's client: every list walked with the client's own
// paginator (`for await`), every get by an id the Python side took from the emulator, and the writes chained
// (a candidate created and changed, applied to a job, moved to another stage, rejected, updated; a job created and
// changed).
import { check, finish, input, stackone } from "./report.mjs";

const ats = stackone().ats;
const xAccountId = input.accountId;

async function walk(pages) {
  const seen = [];
  for await (const page of await pages) seen.push(page);
  return seen;
}

await check("listJobs", () => walk(ats.listJobs({ xAccountId, pageSize: "2" })));
await check("getJob", () => ats.getJob({ xAccountId, id: input.jobId, raw: true }));
await check("listJobPostings", () => walk(ats.listJobPostings({ xAccountId })));
await check("getJobPosting", () => ats.getJobPosting({ xAccountId, id: input.jobId }));
await check("listCandidates", () => walk(ats.listCandidates({ xAccountId, pageSize: "3" })));
await check("listCandidatesByEmail", () =>
  ats.listCandidates({ xAccountId, filter: { email: input.candidateEmail } }),
);
await check("listCandidatesUpdatedAfter", () =>
  walk(ats.listCandidates({ xAccountId, filter: { updatedAfter: new Date(input.updatedAfter) } })),
);
await check("getCandidate", () => ats.getCandidate({ xAccountId, id: input.candidateId }));
await check("listApplications", () => walk(ats.listApplications({ xAccountId, pageSize: "3" })));
await check("listApplicationsSparse", () =>
  ats.listApplications({ xAccountId, pageSize: "3", fields: "id,job_id,application_status" }),
);
await check("listApplicationsOfJob", () =>
  walk(ats.listApplications({ xAccountId, filter: { jobId: input.jobId } })),
);
await check("getApplication", () => ats.getApplication({ xAccountId, id: input.applicationId }));
await check("getApplicationMissing", () => ats.getApplication({ xAccountId, id: "999999999" }));
await check("listApplicationStages", () => walk(ats.listApplicationStages({ xAccountId })));
await check("getApplicationStage", () => ats.getApplicationStage({ xAccountId, id: input.stageId }));
await check("listInterviewStages", () => walk(ats.listInterviewStages({ xAccountId, pageSize: "5" })));
await check("getInterviewStage", () => ats.getInterviewStage({ xAccountId, id: input.phaseIds[1] }));
await check("listJobApplicationStages", () =>
  walk(ats.listJobApplicationStages({ xAccountId, id: input.jobId, pageSize: "4" })),
);
await check("getJobApplicationStage", () =>
  ats.getJobApplicationStage({ xAccountId, id: input.jobId, subResourceId: input.phaseIds[3] }),
);
await check("getJobApplicationStageOfAnotherJob", () =>
  ats.getJobApplicationStage({ xAccountId, id: input.jobId, subResourceId: input.otherPhaseId }),
);
await check("listRejectedReasons", () => walk(ats.listRejectedReasons({ xAccountId })));
await check("getRejectedReason", () => ats.getRejectedReason({ xAccountId, id: input.reasonId }));
await check("listDepartments", () => walk(ats.listDepartments({ xAccountId })));
await check("getDepartment", () => ats.getDepartment({ xAccountId, id: input.teamId }));
await check("listLocations", () => walk(ats.listLocations({ xAccountId })));
await check("getLocation", () => ats.getLocation({ xAccountId, id: input.locationId }));
await check("listUsers", () => walk(ats.listUsers({ xAccountId, pageSize: "100" })));
await check("getUser", () => ats.getUser({ xAccountId, id: input.userId }));

// The writes, each on what the previous one made.
let created;
await check("createCandidate", async () =>
  (created = await ats.createCandidate({
    xAccountId,
    atsCreateCandidateRequestDto: {
      firstName: "Lucía",
      lastName: "Ferreiro",
      email: "lucia.ferreiro@example.com",
      phoneNumber: "+34 611 222 333",
    },
  })),
);
const candidateId = created?.createResult?.data?.id;
await check("updateCandidate", () =>
  ats.updateCandidate({
    xAccountId,
    id: candidateId,
    atsUpdateCandidateRequestDto: { lastName: "Ferreiro Vidal", phone: "+34 611 444 555" },
  }),
);
let applied;
await check("createApplication", async () =>
  (applied = await ats.createApplication({
    xAccountId,
    atsCreateApplicationRequestDto: { candidateId, jobId: input.jobId },
  })),
);
const applicationId = applied?.createResult?.data?.id;
await check("moveApplication", () =>
  ats.moveApplication({
    xAccountId,
    id: applicationId,
    atsMoveApplicationRequestDto: { interviewStageId: input.phaseIds[2] },
  }),
);
await check("rejectApplication", () =>
  ats.rejectApplication({
    xAccountId,
    id: applicationId,
    atsRejectApplicationRequestDto: { rejectedReasonId: input.reasonId },
  }),
);
await check("updateApplication", () =>
  ats.updateApplication({
    xAccountId,
    id: applicationId,
    atsUpdateApplicationRequestDto: { passthrough: { qualified: true } },
  }),
);
await check("getWrittenApplication", () => ats.getApplication({ xAccountId, id: applicationId }));
await check("createApplicationRefused", () =>
  ats.createApplication({
    xAccountId,
    atsCreateApplicationRequestDto: { candidateId, jobId: input.jobId, jobPostingId: input.jobId },
  }),
);
let opened;
await check("createJob", async () =>
  (opened = await ats.createJob({
    xAccountId,
    atsCreateJobRequestDto: {
      title: "Payroll specialist",
      description: "Runs the monthly payroll of three legal entities.",
      jobStatus: { value: "published" },
      departmentIds: [input.teamId],
      locationIds: [input.locationId],
      passthrough: { cv_requirement: "mandatory" },
    },
  })),
);
const jobId = opened?.createResult?.data?.id;
await check("updateJob", () =>
  ats.updateJob({
    xAccountId,
    id: jobId,
    atsUpdateJobRequestDto: { title: "Senior payroll specialist", jobStatus: { value: "internal" } },
  }),
);
await check("getWrittenJob", () => ats.getJob({ xAccountId, id: jobId }));
await check("createJobRefused", () =>
  ats.createJob({
    xAccountId,
    atsCreateJobRequestDto: {
      title: "Two teams",
      departmentIds: [input.teamId, input.teamId],
      hiringTeam: [{ userId: input.userId }],
      jobStatus: { value: "on_hold" },
    },
  }),
);
await check("updateJobMissing", () =>
  ats.updateJob({ xAccountId, id: "999999999", atsUpdateJobRequestDto: { title: "Nobody's" } }),
);
finish();
