// The console's only script: live progress of a run (EventSource on the API's event stream, authenticated by
// the session cookie) and copy buttons. Everything is written as text (textContent), never as markup.
"use strict";

function liveProgress(section) {
  const outcomes = JSON.parse(section.dataset.outcomes || "{}");
  const done = section.dataset.done || "{done} / {total}";
  const count = document.getElementById("live-count");
  const bar = document.getElementById("live-bar");
  const log = document.getElementById("live-log");
  const source = new EventSource(section.dataset.events);
  let finished = 0;
  function line(badge, badgeClass, text) {
    const item = document.createElement("li");
    if (badge) {
      const span = document.createElement("span");
      span.className = "badge " + badgeClass;
      span.textContent = badge;
      item.appendChild(span);
      item.appendChild(document.createTextNode(" "));
    }
    item.appendChild(document.createTextNode(text));
    log.appendChild(item);
    if (log.children.length > 400) log.removeChild(log.firstChild);
  }
  function total(event, data) {
    count.textContent = done.replace("{done}", String(finished)).replace("{total}", String(data.total));
    bar.max = data.total || 1;
    bar.value = finished;
  }
  source.addEventListener("case-started", (e) => total(e, JSON.parse(e.data)));
  source.addEventListener("case-finished", (e) => {
    const data = JSON.parse(e.data);
    finished = data.index;
    total(e, data);
    const outcome = String(data.outcome || "");
    line(outcomes[outcome] || outcome, "o-" + outcome.replace(/[^a-z-]/g, ""), data.case_id + " " + (data.title || "") +
         (data.message ? " — " + data.message : ""));
  });
  source.addEventListener("notice", (e) => line("", "", JSON.parse(e.data).text || ""));
  source.addEventListener("end", () => {
    source.close();
    section.dataset.state = "ended";
    window.location.reload();
  });
}

function copyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(() => {
        const label = button.textContent;
        button.textContent = button.dataset.copied || label;
        setTimeout(() => { button.textContent = label; }, 1500);
      });
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("live");
  if (section && section.dataset.events && window.EventSource) liveProgress(section);
  copyButtons();
});
