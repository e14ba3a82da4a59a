// The dashboard's one script: conveniences on top of pages that work without it.
"use strict";

// Copy buttons: <button data-copy="input-id">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  if (!input) return;
  input.select();
  const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});

/* Connector profiles */
// The connector search narrows the listed connectors as the person types (the Search button works without it).
(() => {
  const search = document.querySelector("[data-connector-search] input[name=q]");
  const results = document.getElementById("connector-results");
  const none = document.getElementById("connector-none");
  if (!search || !results || !none) return;
  search.addEventListener("input", () => {
    const wanted = search.value.trim().toLowerCase();
    let shown = 0;
    for (const item of results.querySelectorAll("li[data-search]")) {
      item.hidden = Boolean(wanted) && !item.dataset.search.toLowerCase().includes(wanted);
      if (!item.hidden) shown += 1;
    }
    const echo = none.querySelector("[data-query]");
    if (echo) echo.textContent = search.value.trim();
    none.hidden = shown > 0;
  });
})();

// By each ticked action whose scopes are not ticked, say so as boxes are ticked: the same words the server
// writes when it refuses the form. No scope ticked means no restriction, so nothing is missing then.
(() => {
  const form = document.querySelector("[data-profile-form]");
  if (!form) return;
  const announcer = document.createElement("p");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  form.append(announcer);
  const explanation = (missing) => missing.length === 1
    ? `Needs the ${missing[0]} scope, which is not selected`
    : `Needs the ${missing.join(" and ")} scopes, which are not selected`;
  const describedBy = (box, id, on) => {
    const ids = (box.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== id);
    if (on) ids.push(id);
    box.setAttribute("aria-describedby", ids.join(" "));
  };
  const explain = (changed) => {
    const ticked = new Set([...form.querySelectorAll("input[name=scopes]:checked")].map((box) => box.value));
    for (const box of form.querySelectorAll("input[name=actions]")) {
      const needs = (box.dataset.scopes || "").split(" ").filter(Boolean);
      const missing = box.checked && ticked.size ? needs.filter((scope) => !ticked.has(scope)) : [];
      const id = `${box.id}-explain`;
      let note = document.getElementById(id);
      if (missing.length) {
        const text = explanation(missing);
        if (!note) {
          note = document.createElement("p");
          note.className = "inline-explain";
          note.id = id;
          box.nextElementSibling.append(note);
        }
        if (note.textContent !== text && changed) announcer.textContent = `${box.value}: ${text}`;
        note.textContent = text;
        box.setAttribute("aria-invalid", "true");
        describedBy(box, id, true);
      } else if (note) {
        note.remove();
        box.removeAttribute("aria-invalid");
        describedBy(box, id, false);
      }
    }
  };
  // Areas: a group's box ticks or clears every action in it; each tick updates the group's count and box.
  const groupState = (group) => {
    const boxes = [...group.querySelectorAll("input[name=actions]")];
    const ticked = boxes.filter((box) => box.checked).length;
    const all = group.querySelector("input[data-group]");
    if (all) {
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    const count = group.querySelector("[data-group-count]");
    if (count) count.textContent = `${ticked} of ${boxes.length} ticked`;
  };
  form.addEventListener("change", (event) => {
    const group = event.target.closest(".action-group");
    if (event.target.matches("input[data-group]") && group) {
      for (const box of group.querySelectorAll("input[name=actions]")) box.checked = event.target.checked;
    }
    if (group) groupState(group);
    if (event.target.matches("input[name=scopes], input[name=actions], input[data-group]")) explain(true);
  });
  for (const group of form.querySelectorAll(".action-group")) groupState(group);
  explain(false);

  // The action search: only the actions whose name, label or area holds every word typed, their areas opened.
  const searchBox = form.querySelector("[data-action-search]");
  if (!searchBox) return;
  searchBox.hidden = false;
  const input = searchBox.querySelector("input[type=search]");
  const count = searchBox.querySelector("[aria-live]");
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/[\s_]+/).filter(Boolean);
    let shown = 0;
    for (const group of form.querySelectorAll(".action-group")) {
      let inGroup = 0;
      for (const choice of group.querySelectorAll(".choice[data-search]")) {
        const text = choice.dataset.search.toLowerCase().replaceAll("_", " ");
        choice.hidden = words.length > 0 && !words.every((word) => text.includes(word));
        if (!choice.hidden) inGroup += 1;
      }
      group.hidden = inGroup === 0;
      if (words.length && inGroup) group.open = true;
      shown += inGroup;
    }
    count.textContent = words.length ? `${shown} actions match` : "";
  });
})();

// Linked accounts and playground: copy a <pre>'s text (<button data-copy-text="pre-id" hidden>, shown only when
// the script runs), and a new account in the playground clears the action chosen for the previous one.
(() => {
  if (navigator.clipboard) for (const button of document.querySelectorAll("[data-copy-text]")) button.hidden = false;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-text]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copyText);
    if (!source || !navigator.clipboard) return;
    const label = button.textContent;
    navigator.clipboard.writeText(source.textContent).then(() => {
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  });
  document.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-resets]");
    if (!select) return;
    const other = document.getElementById(select.dataset.resets);
    if (other) other.value = "";
  });
})();
