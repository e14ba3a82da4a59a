// The embedded connect UI's preview: say what the <stackone-hub> element reported (its `success` event).
(() => {
  const hub = document.querySelector("stackone-hub");
  const result = document.getElementById("hub-result");
  if (!hub || !result) return;
  hub.addEventListener("success", (event) => {
    const account = event.detail || {};
    result.textContent = `Linked: account ${account.id} (${account.provider}). The integrator's page gets this in the success event.`;
  });
})();
