// The unified HRIS records kept about employees, through StackOne's client: shifts and time entries (the
// account's and one employee's), documents (listed, got, downloaded, uploaded) and their categories; every list
// walked with the client's own paginator, every get by an id the Python side took from the emulator.
import { check, finish, input, stackone } from "./report.mjs";

const hris = stackone().hris;
const xAccountId = input.accountId;

async function walk(pages) {
  const seen = [];
  for await (const page of await pages) seen.push(page);
  return seen;
}

await check("listShifts", () => walk(hris.listShifts({ xAccountId, pageSize: "50" })));
await check("getShift", () => hris.getShift({ xAccountId, id: input.shiftId }));
await check("listEmployeeShifts", () => walk(hris.listEmployeeShifts({ xAccountId, id: input.employeeId })));
await check("getEmployeeShift", () =>
  hris.getEmployeeShift({ xAccountId, id: input.employeeId, subResourceId: input.shiftId }),
);
await check("listTimeEntries", () =>
  walk(hris.listTimeEntries({ xAccountId, pageSize: "100", filter: { updatedAfter: new Date(input.updatedAfter) } })),
);
await check("listTimeEntriesOfEmployee", () =>
  walk(hris.listTimeEntries({ xAccountId, filter: { employeeId: input.employeeId } })),
);
await check("getTimeEntries", () => hris.getTimeEntries({ xAccountId, id: input.shiftId, raw: true }));

async function download(subResourceId) {
  const answer = await hris.downloadEmployeeDocument({ xAccountId, id: input.documentEmployeeId, subResourceId });
  // The client hands a text/plain file back as a string under `downloadApiModel1`, any other as `body`.
  const body = answer.body ?? answer.downloadApiModel1;
  const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body ?? []);
  return {
    contentType: answer.contentType,
    statusCode: answer.statusCode,
    base64: bytes.toString("base64"),
  };
}

await check("listEmployeeDocuments", () =>
  walk(hris.listEmployeeDocuments({ xAccountId, id: input.documentEmployeeId })),
);
await check("getEmployeeDocument", () =>
  hris.getEmployeeDocument({ xAccountId, id: input.documentEmployeeId, subResourceId: input.documentIds[0] }),
);
for (const [index, documentId] of input.documentIds.entries()) {
  await check(`downloadEmployeeDocument${index}`, () => download(documentId));
}
await check("listEmployeeCategories", () => walk(hris.listEmployeeCategories({ xAccountId })));
await check("getEmployeeDocumentCategory", () =>
  hris.getEmployeeDocumentCategory({ xAccountId, id: input.categoryId }),
);
await check("uploadEmployeeDocument", () =>
  hris.uploadEmployeeDocument({
    xAccountId,
    id: input.uploadEmployeeId,
    hrisDocumentsUploadRequestDto: {
      name: "passport_scan",
      fileFormat: { value: "pdf" },
      content: input.uploadContent,
      categoryId: input.categoryId,
    },
  }),
);
await check("batchUploadEmployeeDocument", () =>
  hris.batchUploadEmployeeDocument({
    xAccountId,
    id: input.uploadEmployeeId,
    hrisBatchDocumentUploadRequestDto: {
      items: [
        { name: "first.txt", content: input.uploadContent },
        { name: "second", fileFormat: { value: "txt" }, content: input.uploadContent },
      ],
    },
  }),
);
await check("listEmployeeCustomFieldDefinitions", () =>
  walk(hris.listEmployeeCustomFieldDefinitions({ xAccountId })),
);
await check("getEmployeeCustomFieldDefinition", () =>
  hris.getEmployeeCustomFieldDefinition({ xAccountId, id: input.customFieldId }),
);
finish();
