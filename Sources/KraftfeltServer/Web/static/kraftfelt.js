// Kraftfelt's pages: the server renders every screen; this script only keeps a WebSocket
// open, swaps in the sections that changed, counts down, and posts answers and actions.
"use strict";
(function () {
  const body = document.body;
  const page = body.dataset.page;
  const session = body.dataset.session;
  const store = window.localStorage;

  // A trainer's token comes in the URL's fragment once (never sent to the server in a URL).
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("token")) {
    store.setItem("kf.trainer", hash.get("token"));
    history.replaceState(null, "", location.pathname + location.search);
  }
  const trainerToken = () => store.getItem("kf.trainer");
  const participantToken = () => store.getItem("kf.p." + session);

  // A fetch whose answer is OK: anything else is thrown as a refusal with its code.
  function checked(path, options) {
    return fetch(path, options)
      .catch((failure) => { throw refusal("network", failure.message); })
      .then(async (response) => {
        if (response.ok) return response;
        let json = null;
        try { json = JSON.parse(await response.text()); } catch (e) { json = null; }
        if (json && json.error) throw refusal(json.error.code, json.error.message);
        throw refusal("http_" + response.status, response.status + " " + response.statusText);
      });
  }

  function api(method, path, token, data) {
    const headers = { "Accept": "application/json" };
    if (token) headers["Authorization"] = "Bearer " + token;
    if (data !== undefined) headers["Content-Type"] = "application/json";
    return checked(path, { method, headers, body: data === undefined ? undefined : JSON.stringify(data) })
      .then(async (response) => {
        const text = await response.text();
        try { return JSON.parse(text); } catch (e) { return text; }
      });
  }

  // A refusal from the server (or none at all: "network"), with its code.
  function refusal(code, message) {
    const error = new Error(message);
    error.code = code;
    return error;
  }

  // Fetches a file with the trainer's token and saves it under `name`.
  function download(path, token, name) {
    return checked(path, { headers: { "Authorization": "Bearer " + token } })
      .then(async (response) => {
        const link = document.createElement("a");
        link.href = URL.createObjectURL(await response.blob());
        link.download = name;
        document.body.append(link);
        link.click();
        link.remove();
      });
  }

  // What to say of a refusal: the page's words for its code in the person's language
  // (phones and the join page carry them), else the server's own message.
  function said(failure) {
    const words = document.getElementById("error-words");
    const known = words && failure.code && Object.prototype.hasOwnProperty.call(words.dataset, failure.code);
    return known ? words.dataset[failure.code] : failure.message;
  }

  function showError(element, message) {
    if (!element) return;
    element.textContent = message;
    element.hidden = !message;
  }

  // Countdowns: the views give session times; `offset` maps them to this device's clock.
  let offset = null;
  function tick() {
    if (offset === null) return;
    const now = Date.now() - offset;
    for (const element of document.querySelectorAll("[data-ends-at]")) {
      const left = Math.max(0, Math.round((Number(element.dataset.endsAt) - now) / 1000));
      const text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (element.textContent !== text) element.textContent = text;
    }
  }
  setInterval(tick, 500);

  // Swaps in the sections (children with data-key) whose HTML changed; unchanged ones
  // stay, with what someone is typing and where the focus is.
  const rendered = new Map();
  function morph(live, html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const fresh = Array.from(template.content.children);
    const keys = fresh.map((element) => element.dataset.key || "");
    const current = Array.from(live.children);
    const sameShape = current.length === fresh.length && current.every((element, i) => element.dataset.key === keys[i]);
    fresh.forEach((element, i) => {
      const markup = element.outerHTML;
      if (sameShape) {
        if (rendered.get(keys[i]) !== markup) current[i].replaceWith(element);
      }
      rendered.set(keys[i], markup);
    });
    if (!sameShape) live.replaceChildren(...fresh);
    tick();
  }

  // One WebSocket per screen: says who it is, then receives every new view. It comes back
  // after a lost connection or a locked phone, with the revision it has.
  function connect(view, token) {
    const live = document.getElementById("live");
    const status = document.getElementById("status");
    let revision = null;
    let socket = null;
    let delay = 500;
    let timer = null;
    function open() {
      if (socket && socket.readyState <= 1) return;
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      socket = new WebSocket(scheme + "//" + location.host + "/ws/sessions/" + session + "?view=" + view);
      socket.onopen = () => {
        socket.send(JSON.stringify(revision === null ? { token } : { token, revision }));
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "view") {
          delay = 500;
          status.hidden = true;
          revision = message.revision;
          offset = Date.now() - message.at;
          morph(live, message.html);
        } else if (message.type === "error") {
          status.textContent = said(message);
          status.hidden = false;
          if (message.code === "unauthorised") { socket.onclose = null; }
        }
      };
      socket.onclose = () => {
        status.textContent = body.dataset.offline;
        status.hidden = false;
        clearTimeout(timer);
        timer = setTimeout(open, delay);
        delay = Math.min(delay * 2, 8000);
      };
    }
    document.addEventListener("visibilitychange", () => { if (!document.hidden) open(); });
    window.addEventListener("online", open);
    open();
  }

  // The value of an answer form, as the API takes it.
  function answerValue(form) {
    const kind = form.dataset.kind;
    if (kind === "choices" || kind === "vote") {
      return Array.from(form.querySelectorAll("input[name=value]:checked")).map((input) => input.value);
    }
    if (kind === "list") {
      // Empty boxes are left out: the server says when there are too few items.
      return Array.from(form.querySelectorAll("input[name=item]")).map((input) => input.value.trim()).filter((v) => v);
    }
    if (kind === "rank") {
      const picks = Array.from(form.querySelectorAll("select[name=rank]"));
      return picks.slice().sort((a, b) => Number(a.value) - Number(b.value)).map((select) => select.dataset.option);
    }
    const checked = form.querySelector("input[name=value]:checked");
    const field = checked || form.querySelector("[name=value]");
    const value = field ? field.value : "";
    return kind === "scale" || kind === "number" ? Number(value) : value;
  }

  if (page === "join") {
    const form = document.getElementById("join-form");
    const existing = store.getItem("kf.p." + form.dataset.session);
    const language = store.getItem("kf.lang." + form.dataset.session);
    if (existing) location.replace("/p/" + form.dataset.session + (language ? "?lang=" + language : ""));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const chosen = data.get("language") === "en" ? "en" : "da";
      api("POST", "/api/join", null, {
        code: form.dataset.code, name: data.get("name") === null ? undefined : data.get("name"), area: data.get("area"),
        language: chosen,
      }).then((joined) => {
        store.setItem("kf.p." + joined.session, joined.token);
        store.setItem("kf.lang." + joined.session, chosen);
        location.assign("/p/" + joined.session + "?lang=" + chosen);
      }).catch((error) => showError(document.getElementById("join-error"), said(error)));
    });
  }

  if (page === "participant") {
    const token = participantToken();
    if (!token) { location.replace("/"); return; }
    connect("participant", token);
    // "We're done": the group says it is done before its timer ends.
    document.getElementById("live").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-say-done]");
      if (!button) return;
      button.disabled = true;
      const error = button.closest("section").querySelector(".error");
      api("POST", "/api/sessions/" + session + "/done", token, {})
        .then(() => showError(error, ""))
        .catch((failure) => { showError(error, said(failure)); button.disabled = false; });
    });
    // A list question's "add another": one more box, until the question's most items.
    document.getElementById("live").addEventListener("click", (event) => {
      const add = event.target.closest("button[data-add-item]");
      if (!add) return;
      const fieldset = add.closest("fieldset.list-items");
      const list = fieldset.querySelector("ol");
      const boxes = list.querySelectorAll("input[name=item]");
      const form = add.closest("form[data-ask]");
      const n = boxes.length + 1;
      const item = document.createElement("li");
      const label = document.createElement("label");
      label.className = "sr-only";
      label.htmlFor = "a" + form.dataset.ask + "-" + n;
      label.textContent = add.dataset.label + " " + n;
      const input = document.createElement("input");
      input.id = label.htmlFor;
      input.name = "item";
      input.type = "text";
      input.maxLength = 2000;
      input.autocomplete = "off";
      item.append(label, input);
      list.append(item);
      input.focus();
      if (n >= Number(fieldset.dataset.max)) add.hidden = true;
    });
    // Enter in a list's box goes to the next box (or adds one), not sends the list half done.
    document.getElementById("live").addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !event.target.matches("input[name=item]")) return;
      event.preventDefault();
      const boxes = Array.from(event.target.closest("ol").querySelectorAll("input[name=item]"));
      const next = boxes[boxes.indexOf(event.target) + 1];
      const add = event.target.closest("fieldset").querySelector("button[data-add-item]");
      if (next) next.focus(); else if (add && !add.hidden) add.click();
    });
    document.getElementById("live").addEventListener("submit", (event) => {
      const form = event.target.closest("form[data-ask]");
      if (!form) return;
      event.preventDefault();
      // A list's item written twice is said in the person's language before anything is sent.
      const list = form.querySelector("fieldset.list-items");
      if (list) {
        const items = Array.from(form.querySelectorAll("input[name=item]")).map((input) => input.value.trim());
        const twice = items.findIndex((item, i) => item && items.indexOf(item) < i);
        if (twice >= 0) {
          const first = items.indexOf(items[twice]) + 1;
          showError(form.querySelector(".error"),
            list.dataset.twice.replace("%n", String(twice + 1)).replace("%m", String(first)));
          return;
        }
      }
      // An answer of only spaces is said to be empty, here, before anything is sent.
      const value = answerValue(form);
      if ((form.dataset.kind === "text" && !value.trim()) || (form.dataset.kind === "list" && value.length === 0)) {
        showError(form.querySelector(".error"), said(refusal("empty", "the answer is empty")));
        return;
      }
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      api("POST", "/api/sessions/" + session + "/answers", token, { ask: Number(form.dataset.ask), value })
        .then(() => showError(form.querySelector(".error"), ""))
        .catch((error) => { showError(form.querySelector(".error"), said(error)); if (button) button.disabled = false; });
    });
  }

  if (page === "screen") connect("screen", trainerToken());

  if (page === "console") {
    const token = trainerToken();
    connect("console", token);
    document.body.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action], button[data-download]");
      if (!button) return;
      if (button.dataset.download) {
        const path = "/api/sessions/" + session + "/" + button.dataset.download;
        const kind = button.dataset.download.split("?")[0];
        const name = { export: ".json", transcript: ".txt", report: "-report.html" };
        download(path, token, "kraftfelt-" + session + (name[kind] || ""))
          .then(() => showError(document.getElementById("action-error"), ""))
          .catch((error) => showError(document.getElementById("action-error"), error.message));
        return;
      }
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
      const action = { action: button.dataset.action };
      if (button.dataset.timer) action.timer = Number(button.dataset.timer);
      if (button.dataset.seconds) action.seconds = Number(button.dataset.seconds);
      if (button.dataset.participant) action.participant = button.dataset.participant;
      api("POST", "/api/sessions/" + session + "/actions", token, action)
        .then(() => showError(document.getElementById("action-error"), ""))
        .catch((error) => showError(document.getElementById("action-error"), error.message));
    });
  }

  if (page === "console-home") {
    const token = trainerToken();
    const list = document.getElementById("sessions");
    if (!token) { document.getElementById("no-token").hidden = false; return; }
    const refresh = () => fetch("/console/sessions?lang=" + body.dataset.lang, { headers: { "Authorization": "Bearer " + token } })
      .then((response) => response.text()).then((html) => { list.innerHTML = html; });
    refresh();
    // The report over time: the organisation's sessions that started between the days.
    document.getElementById("report-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const query = new URLSearchParams({ format: String(data.get("format") || "html"), lang: body.dataset.lang });
      for (const name of ["from", "to"]) if (data.get(name)) query.set(name, String(data.get(name)));
      const error = document.getElementById("report-error");
      const button = event.target.querySelector("button[type=submit]");
      button.disabled = true;
      download("/api/report?" + query, token,
        "kraftfelt-report" + (data.get("from") ? "-" + data.get("from") : "") + (data.get("to") ? "-" + data.get("to") : "")
          + "." + query.get("format"))
        .then(() => showError(error, ""))
        .catch((failure) => showError(error, said(failure)))
        .finally(() => { button.disabled = false; });
    });
    document.getElementById("create-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const parameters = {};
      for (const line of String(data.get("parameters")).split("\n")) {
        const at = line.indexOf("=");
        if (at > 0) parameters[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      const areas = String(data.get("areas")).split("\n").map((line) => line.trim()).filter((line) => line);
      api("POST", "/api/sessions", token, {
        exercise: data.get("exercise"), language: data.get("language"), areas, parameters,
        anonymous: data.get("anonymous") === "on",
      })
        .then((created) => location.assign("/console/" + created.id))
        .catch((error) => showError(document.getElementById("create-error"), error.message));
    });
  }
})();
