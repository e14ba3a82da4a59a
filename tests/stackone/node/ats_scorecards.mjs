// An application's scorecards through StackOne's client: each application the Python side chose walked with the
// client's own paginator, one scorecard got under its application (also with `raw`), and under another
// application (which must be the client's not-found error).
import { check, finish, input, stackone } from "./report.mjs";

const ats = stackone().ats;
const xAccountId = input.accountId;

async function walk(pages) {
  const seen = [];
  for await (const page of await pages) seen.push(page);
  return seen;
}

for (const id of input.applicationIds) {
  await check(`listApplicationScorecards:${id}`, () =>
    walk(ats.listApplicationScorecards({ xAccountId, id, pageSize: "1" })),
  );
}
const [applicationId, scorecardId, otherApplicationId] = input.scorecard;
await check("getApplicationScorecard", () =>
  ats.getApplicationScorecard({ xAccountId, id: applicationId, subResourceId: scorecardId }),
);
await check("getApplicationScorecardRaw", () =>
  ats.getApplicationScorecard({ xAccountId, id: applicationId, subResourceId: scorecardId, raw: true }),
);
await check("getApplicationScorecardSparse", () =>
  ats.getApplicationScorecard({
    xAccountId,
    id: applicationId,
    subResourceId: scorecardId,
    fields: "id,overall_recommendation",
  }),
);
await check("getScorecardOfAnotherApplication", () =>
  ats.getApplicationScorecard({ xAccountId, id: otherApplicationId, subResourceId: scorecardId }),
);
finish();
