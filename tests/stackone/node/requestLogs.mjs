// StackOne's requestLogs namespace against Linkyard: every method with the filters, paging and order the client
// offers, and the error paths (an unknown log, a bad filter, a made-up cursor).
import { check, finish, input, stackone } from "./report.mjs";

const client = stackone();
const logs = client.requestLogs;
const since = new Date(input.since);

await check("listLogs", () => logs.listLogs({}));
await check("listLogsFiltered", () =>
  logs.listLogs({
    filter: {
      accountIds: input.accountId,
      actions: input.action,
      providers: "factorialhr",
      httpMethods: "POST",
      statusCodes: "2xx",
      success: true,
      startDate: since,
      endDate: new Date(Date.now() + 3_600_000),
    },
    include: "step_logs",
    orderBy: "eventDatetime",
    orderDirection: "asc",
    pageSize: 10,
  }),
);
await check("listLogsFailed", () =>
  logs.listLogs({ filter: { success: false, statusCodes: "4xx" }, include: "step_logs" }),
);
await check("listLogsByDuration", () => logs.listLogs({ orderBy: "duration", orderDirection: "desc" }));

// Keyset paging: one log a page, `next` followed to the end.
const pages = [];
await check("pagedFirst", async () => {
  let answer = await logs.listLogs({ pageSize: 1 });
  pages.push(answer.unifiedLogsPaginated.data.map((log) => log.requestId));
  while (answer.unifiedLogsPaginated.next) {
    answer = await logs.listLogs({ pageSize: 1, next: answer.unifiedLogsPaginated.next });
    pages.push(answer.unifiedLogsPaginated.data.map((log) => log.requestId));
  }
  return { pages };
});

const first = await logs.listLogs({ filter: { actions: input.action } });
const id = first.unifiedLogsPaginated.data[0]?.requestId ?? "none";
await check("getLog", () => logs.getLog({ id, include: "step_logs" }));
await check("getLogAdvanced", () => logs.getLog({ id, include: "advanced_logs" }));
await check("listStepLogs", () =>
  logs.listStepLogs({
    filter: { accountIds: input.accountId, requestIds: id, statusCodes: "200", success: true, startDate: since },
    orderBy: "duration",
    orderDirection: "asc",
    pageSize: 5,
  }),
);
await check("listPlatformLogs", () =>
  logs.listPlatformLogs({
    filter: { categories: "accounts", httpMethods: "GET", startDate: since, orderBy: "status" },
    orderBy: "eventDatetime",
    orderDirection: "desc",
    pageSize: 5,
  }),
);

// Every filter field of each list at once, as the client encodes them: the filled ones name the credentials
// call; the fields Linkyard never fills (sub and child resources, source ids) match nothing when given.
const everyFilled = {
  accountIds: input.accountId,
  actions: input.action,
  providers: "factorialhr",
  httpMethods: "POST",
  requestIds: id,
  resources: input.resource,
  services: "hris",
  sourceTypes: "api",
  sourceValues: "/actions/rpc",
  statusCodes: "200-299",
  success: true,
  startDate: since,
  endDate: new Date(Date.now() + 3_600_000),
  orderBy: "duration",
  orderDirection: "asc",
};
await check("listLogsEveryFilter", () => logs.listLogs({ filter: everyFilled }));
await check("listLogsUnfilledFilters", () =>
  logs.listLogs({ filter: { ...everyFilled, childResources: "x", subResources: "y", sourceIds: "z" } }),
);
await check("listStepLogsEveryFilter", () => {
  const { sourceTypes, sourceValues, orderBy, orderDirection, ...filter } = everyFilled;
  return logs.listStepLogs({ filter: { ...filter, httpMethods: "GET" }, orderBy, orderDirection });
});
await check("listPlatformLogsEveryFilter", () =>
  logs.listPlatformLogs({
    filter: {
      categories: "accounts",
      httpMethods: "GET",
      statusCodes: "2xx",
      success: true,
      sourceTypes: "api",
      sourceValues: `/accounts/${input.accountId}`,
      startDate: since,
      endDate: new Date(Date.now() + 3_600_000),
      orderBy: "status",
      orderDirection: "desc",
    },
  }),
);

// Error paths.
await check("getUnknownLog", () => logs.getLog({ id: "req_unknown" }));
await check("badStatusFilter", () => logs.listLogs({ filter: { statusCodes: "abc" } }));
await check("badCursor", () => logs.listLogs({ next: "not-a-cursor" }));
await check("badPageSize", () => logs.listStepLogs({ pageSize: 0 }));
finish();
