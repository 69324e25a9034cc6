/* workbook — saving a client's answers in this browser, and moving them in and out.
 *
 * Plain JavaScript, no framework, nothing from the network; works from file://.
 * Every field saves as it changes, to localStorage under
 *   "workbook:" + firm id + ":" + client id + ":" + "exercise-id/field-id"
 * as {"value": …, "updated": "RFC 3339 UTC"}, so two clients on one computer
 * never see each other's answers. Values are shaped as docs/answers.md says for each
 * field kind. Answers the coach imported are drawn into the page already; an
 * answer typed here since wins when it is newer. Without this script the page
 * still reads and prints.
 */
(function () {
  "use strict";

  var FORMAT = "workbook-answers/1";
  var MAX_FILE = 5 * 1024 * 1024;
  var KEY_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var html = document.documentElement;
  var firm = html.getAttribute("data-firm");
  var client = html.getAttribute("data-client");
  var programme = html.getAttribute("data-programme") || "";
  if (!firm || !client) return;
  var PREFIX = "workbook:" + firm + ":" + client + ":";

  /* ---- the page's words: messages from <script id="wb-strings">, gettext-style -------- */

  // The page carries this script's messages in its language, and the catalog's plural rule
  // (a C expression in n, as gettext writes it), read here by a small parser: never eval.
  var STRINGS = (function () {
    var el = document.getElementById("wb-strings");
    try {
      return (el && JSON.parse(el.textContent)) || {};
    } catch (e) {
      return {};
    }
  })();
  var MESSAGES = STRINGS.messages || {};

  function pluralIndex(rule, n) {
    var tokens = String(rule).match(/\d+|n|[()?:%]|[<>=!]=|[<>]|&&|\|\||!/g) || [];
    var at = 0;
    function peek() { return tokens[at]; }
    function next() { return tokens[at++]; }
    function primary() {
      var t = next();
      if (t === "(") { var v = ternary(); next(); return v; }
      if (t === "!") { return primary() ? 0 : 1; }
      return t === "n" ? n : Number(t);
    }
    function binary(ops, sub) {
      return function () {
        var v = sub();
        while (ops.indexOf(peek()) >= 0) {
          var op = next(), w = sub();
          v = op === "%" ? v % w : op === "==" ? +(v === w) : op === "!=" ? +(v !== w) :
            op === "<" ? +(v < w) : op === ">" ? +(v > w) : op === "<=" ? +(v <= w) :
            op === ">=" ? +(v >= w) : op === "&&" ? +(v && w) : +(v || w);
        }
        return v;
      };
    }
    var mod = binary(["%"], primary);
    var rel = binary(["<", ">", "<=", ">="], mod);
    var eq = binary(["==", "!="], rel);
    var and = binary(["&&"], eq);
    var or = binary(["||"], and);
    function ternary() {
      var c = or();
      if (peek() !== "?") return c;
      next();
      var a = ternary();
      next();
      var b = ternary();
      return c ? a : b;
    }
    var index = Number(ternary());
    return isNaN(index) ? (n === 1 ? 0 : 1) : index;
  }

  function fill(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    }).replace(/%%/g, "%");
  }

  function number(n) {
    try {
      return Number(n).toLocaleString(document.documentElement.lang || undefined);
    } catch (e) {
      return String(n);
    }
  }

  function gettext(message, values) {
    var found = MESSAGES[message];
    return fill(typeof found === "string" && found ? found : message, values);
  }

  function pgettext(context, message) {
    var found = MESSAGES[context + "\u0004" + message];
    return typeof found === "string" && found ? found : message;
  }

  function ngettext(singular, plural, n, values) {
    var found = MESSAGES[singular];
    var all = { num: number(n) };
    Object.keys(values || {}).forEach(function (k) { all[k] = values[k]; });
    var text;
    if (Array.isArray(found) && found.length) {
      text = found[Math.min(pluralIndex(STRINGS.plural || "n != 1", n), found.length - 1)];
    } else if (found && typeof found === "object") {
      text = n === 1 ? found.one : found.other;
    }
    return fill(text || (n === 1 ? singular : plural), all);
  }

  /* ---- small helpers ---------------------------------------------------------------- */

  function now() {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  function time(text) {
    var t = typeof text === "string" ? Date.parse(text) : NaN;
    return isNaN(t) ? -Infinity : t;
  }

  function answered(value) {
    if (value === null || value === undefined) return false;
    if (typeof value === "string") return value.trim() !== "";
    if (Array.isArray(value)) return value.some(answered);
    if (typeof value === "object") return Object.keys(value).length > 0;
    return true;
  }

  function readData() {
    var el = document.getElementById("workbook-data");
    if (!el) return {};
    try {
      return JSON.parse(el.textContent) || {};
    } catch (e) {
      return {};
    }
  }

  var data = readData();
  var imported = data.imported || {};

  /* ---- storage: localStorage, or this page's memory when the browser refuses it ------- */

  var memory = {};
  var storage = (function () {
    try {
      var ls = window.localStorage;
      var probe = PREFIX + "probe";
      ls.setItem(probe, "1");
      ls.removeItem(probe);
      return ls;
    } catch (e) {
      return null;
    }
  })();
  var storageFailed = !storage;

  function validRecord(rec) {
    return rec && typeof rec === "object" && "value" in rec && time(rec.updated) > -Infinity;
  }

  var ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var MAX_VALUE = 100000;

  /* A value in one of the answers format's shapes, rebuilt from scratch; null when it is not one:
     text (prompt, choice), a whole number (scale), item keys (checklist), item key to
     whole number (rating), rows of cell texts (table). Nothing else is ever stored. */
  function cleanValue(value) {
    function text(v) { return typeof v === "string" && v.length <= MAX_VALUE; }
    function whole(v) { return typeof v === "number" && Math.floor(v) === v && isFinite(v); }
    if (text(value) || whole(value)) return value;
    if (Array.isArray(value)) {
      if (value.every(function (v) { return text(v) && ID_RE.test(v); })) return value.slice();
      if (value.every(function (row) { return Array.isArray(row) && row.every(text); })) {
        return value.map(function (row) { return row.slice(); });
      }
      return null;
    }
    if (value && typeof value === "object") {
      var out = {};
      var keys = Object.keys(value);
      for (var i = 0; i < keys.length; i++) {
        if (!ID_RE.test(keys[i]) || !whole(value[keys[i]])) return null;
        out[keys[i]] = value[keys[i]];
      }
      return out;
    }
    return null;
  }

  function getRecord(key) {
    if (storage) {
      try {
        var raw = storage.getItem(PREFIX + key);
        if (raw !== null) {
          var rec = JSON.parse(raw);
          if (validRecord(rec)) return rec;
        }
      } catch (e) {
        /* unreadable: treat as not saved */
      }
    }
    return memory[key] || null;
  }

  function setRecord(key, rec) {
    memory[key] = rec;
    if (!storage) return false;
    try {
      storage.setItem(PREFIX + key, JSON.stringify(rec));
      return true;
    } catch (e) {
      storageFailed = true;
      showWarning();
      return false;
    }
  }

  function allRecords() {
    var out = {};
    Object.keys(memory).forEach(function (key) {
      out[key] = memory[key];
    });
    if (storage) {
      try {
        for (var i = 0; i < storage.length; i++) {
          var name = storage.key(i);
          if (name && name.indexOf(PREFIX) === 0) {
            var key = name.slice(PREFIX.length);
            var rec = getRecord(key);
            if (KEY_RE.test(key) && rec) out[key] = rec;
          }
        }
      } catch (e) {
        /* keep what memory has */
      }
    }
    return out;
  }

  /* Answered in full: a rating needs every statement scored, other fields any answer. */
  function complete(key, value) {
    var items = (data.items || {})[key];
    if (items && value && typeof value === "object" && !Array.isArray(value)) {
      return Object.keys(value).length >= items;
    }
    return answered(value);
  }

  /* The newest of what this browser saved and what the coach imported, for one field. */
  function effective(key) {
    var mine = getRecord(key);
    var theirs = imported[key];
    if (mine && (!theirs || time(mine.updated) >= time(theirs.updated))) {
      return {
        value: mine.value, updated: mine.updated, mine: true,
        answered: answered(mine.value), complete: complete(key, mine.value)
      };
    }
    if (theirs) {
      var summary = "answered" in theirs;
      return {
        value: theirs.value, updated: theirs.updated, mine: false,
        answered: summary ? !!theirs.answered : answered(theirs.value),
        complete: summary ? !!theirs.complete : complete(key, theirs.value)
      };
    }
    return null;
  }

  /* ---- reading and drawing a field's value, by kind ------------------------------------ */

  function inputs(el, selector) {
    return Array.prototype.slice.call(el.querySelectorAll(selector));
  }

  function readField(el) {
    var kind = el.getAttribute("data-kind");
    if (kind === "prompt") {
      var area = el.querySelector("textarea");
      return area ? area.value : null;
    }
    if (kind === "scale" || kind === "choice") {
      var on = el.querySelector("input[type=radio]:checked");
      if (!on) return null;
      return kind === "scale" ? parseInt(on.value, 10) : on.value;
    }
    if (kind === "checklist") {
      return inputs(el, "input[type=checkbox]:checked").map(function (i) {
        return i.value;
      });
    }
    if (kind === "rating") {
      var scores = {};
      inputs(el, "tr[data-item]").forEach(function (row) {
        var chosen = row.querySelector("input[type=radio]:checked");
        if (chosen) scores[row.getAttribute("data-item")] = parseInt(chosen.value, 10);
      });
      return scores;
    }
    if (kind === "table") {
      var rows = inputs(el, "tbody tr").map(function (tr) {
        return inputs(tr, "input[type=text]").map(function (i) {
          return i.value;
        });
      });
      while (rows.length && !answered(rows[rows.length - 1])) rows.pop();
      return rows;
    }
    return null;
  }

  function drawField(el, value) {
    var kind = el.getAttribute("data-kind");
    if (kind === "prompt") {
      var area = el.querySelector("textarea");
      if (area) area.value = typeof value === "string" ? value : "";
      updatePrintCopy(el);
    } else if (kind === "scale" || kind === "choice") {
      inputs(el, "input[type=radio]").forEach(function (i) {
        i.checked = value !== null && String(value) === i.value;
      });
    } else if (kind === "checklist") {
      var ticked = Array.isArray(value) ? value : [];
      inputs(el, "input[type=checkbox]").forEach(function (i) {
        i.checked = ticked.indexOf(i.value) >= 0;
      });
    } else if (kind === "rating") {
      var scores = value && typeof value === "object" ? value : {};
      inputs(el, "tr[data-item]").forEach(function (row) {
        var score = scores[row.getAttribute("data-item")];
        inputs(row, "input[type=radio]").forEach(function (i) {
          i.checked = String(score) === i.value;
        });
      });
    } else if (kind === "table") {
      var rows = Array.isArray(value) ? value : [];
      inputs(el, "tbody tr").forEach(function (tr, r) {
        inputs(tr, "input[type=text]").forEach(function (i, c) {
          var row = rows[r];
          i.value = Array.isArray(row) && typeof row[c] === "string" ? row[c] : "";
        });
      });
    }
  }

  function updatePrintCopy(el) {
    var area = el.querySelector("textarea");
    var copy = el.querySelector(".print-copy");
    if (area && copy) copy.textContent = area.value;
  }

  /* ---- the fields of this page --------------------------------------------------------- */

  var fields = inputs(document, ".field[data-field]");
  var timers = {};

  function setStatus(el, text) {
    var status = el.querySelector(".field-status");
    if (status && status.textContent !== text) status.textContent = text;
  }

  function save(el) {
    var key = el.getAttribute("data-field");
    var value = readField(el);
    if (value === null) return;
    if (el.getAttribute("data-kind") === "prompt") updatePrintCopy(el);
    var before = effective(key);
    if (before && JSON.stringify(before.value) === JSON.stringify(value)) return;
    var kept = setRecord(key, { value: value, updated: now() });
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () {
      setStatus(el, kept ? gettext("Saved") : gettext("Not saved in this browser: download your answers to keep them"));
    }, kept ? 400 : 0);
  }

  function drawAll() {
    fields.forEach(function (el) {
      var key = el.getAttribute("data-field");
      var best = effective(key);
      if (best && best.mine) drawField(el, best.value);
    });
  }

  fields.forEach(function (el) {
    var handler = function () {
      save(el);
    };
    el.addEventListener("input", handler);
    el.addEventListener("change", handler);
  });

  /* ---- counts: exercises started and complete ------------------------------------------ */

  function exerciseState(eid) {
    var keys = (data.exercises || {})[eid] || [];
    if (!keys.length) return null;
    var started = 0, done = 0;
    keys.forEach(function (key) {
      var best = effective(key);
      if (best && best.answered) started += 1;
      if (best && best.complete) done += 1;
    });
    return started === 0 ? "not-started" : done === keys.length ? "complete" : "started";
  }

  var STATE_TEXT = {
    "not-started": pgettext("exercise state", "Not started"),
    started: pgettext("exercise state", "Started"),
    complete: pgettext("exercise state", "Answered")
  };

  function countText(eids) {
    var total = 0, started = 0, complete = 0;
    eids.forEach(function (eid) {
      var state = exerciseState(eid);
      if (!state) return;
      total += 1;
      if (state !== "not-started") started += 1;
      if (state === "complete") complete += 1;
    });
    if (!total) return "";
    // what was answered, never "complete": a stage the client has moved past is "Done"
    // in the programme whether or not its exercises were answered
    var more = started - complete;
    var done = ngettext("%(done)s of %(num)s exercise answered", "%(done)s of %(num)s exercises answered",
      total, { done: number(complete) });
    return more ? ngettext("%(answered)s, %(num)s more started", "%(answered)s, %(num)s more started",
      more, { answered: done }) : done;
  }

  function refreshCounts() {
    inputs(document, "[data-progress-exercise]").forEach(function (el) {
      var state = exerciseState(el.getAttribute("data-progress-exercise"));
      el.textContent = state ? STATE_TEXT[state] : "";
      el.setAttribute("data-state", state || "none");
    });
    var stages = data.stages || {};
    inputs(document, "[data-progress-stage]").forEach(function (el) {
      el.textContent = countText(stages[el.getAttribute("data-progress-stage")] || []);
    });
    var every = [];
    Object.keys(stages).forEach(function (slug) {
      every = every.concat(stages[slug]);
    });
    var total = document.querySelector("[data-progress-total]");
    if (total) {
      var text = countText(every);
      total.textContent = text ? gettext("So far: %(counts)s.", { counts: text }) : "";
    }
  }

  /* ---- the answers panel: warning, download, load --------------------------------------- */

  var panel = document.getElementById("answers-panel");

  function message(text) {
    var el = panel && panel.querySelector(".answers-message");
    if (el) el.textContent = text;
  }

  function showWarning(text) {
    var el = panel && panel.querySelector(".answers-warning");
    if (!el) return;
    el.textContent = text ||
      gettext("This browser is not saving your answers (storage is turned off or full). " +
      "Use “Download my answers” before you close this page, so nothing is lost.");
    el.hidden = false;
  }

  function download() {
    var records = allRecords();
    var answers = {};
    Object.keys(records).sort().forEach(function (key) {
      answers[key] = { value: records[key].value, updated: records[key].updated };
    });
    var doc = {
      format: FORMAT,
      client: client,
      programme: programme,
      exported: now(),
      answers: answers
    };
    var blob = new Blob([JSON.stringify(doc, null, 1) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "answers-" + client + "-" + doc.exported.slice(0, 10) + ".json";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 1000);
    var n = Object.keys(answers).length;
    message(n ? ngettext("Downloaded %(num)s answer.", "Downloaded %(num)s answers.", n)
      : gettext("Downloaded your answers file (nothing has been typed in this browser yet)."));
  }

  function load(text) {
    var doc;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      message(gettext("This file could not be read as workbook answers, so nothing was loaded."));
      return;
    }
    if (!doc || typeof doc !== "object" || doc.format !== FORMAT ||
        !doc.answers || typeof doc.answers !== "object") {
      message(gettext("This is not a workbook answers file, so nothing was loaded."));
      return;
    }
    if (doc.client !== client) {
      message(gettext("This file holds answers from someone else’s workbook, so it was not loaded. " +
        "Choose the file you downloaded from your own workbook."));
      return;
    }
    var loaded = 0, kept = 0;
    Object.keys(doc.answers).forEach(function (key) {
      var entry = doc.answers[key];
      if (!KEY_RE.test(key) || !validRecord(entry)) return;
      var value = cleanValue(entry.value);
      if (value === null) return;
      var mine = getRecord(key);
      if (mine && time(mine.updated) >= time(entry.updated)) {
        kept += 1;
        return;
      }
      setRecord(key, { value: value, updated: entry.updated });
      loaded += 1;
    });
    drawAll();
    refreshCounts();
    var text = ngettext("Loaded %(num)s answer from the file.", "Loaded %(num)s answers from the file.",
      loaded);
    if (kept) {
      text += " " + ngettext("%(num)s answer here was newer and stayed as it was.",
        "%(num)s answers here were newer and stayed as they were.", kept);
    }
    message(text);
  }

  if (panel) {
    panel.hidden = false;
    var input = document.getElementById("answers-file");
    panel.addEventListener("click", function (event) {
      var action = event.target.closest ? event.target.closest("[data-action]") : null;
      if (!action) return;
      if (action.getAttribute("data-action") === "download") download();
      if (action.getAttribute("data-action") === "load" && input) input.click();
    });
    if (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) return;
        message("");
        if (file.size > MAX_FILE) {
          message(gettext("This file is larger than an answers file can be (5 MB), so it was not loaded."));
        } else {
          var reader = new FileReader();
          reader.onload = function () {
            load(String(reader.result));
          };
          reader.onerror = function () {
            message(gettext("The file could not be read, so nothing was loaded."));
          };
          reader.readAsText(file);
        }
        input.value = "";
      });
    }
    if (storageFailed) {
      showWarning();
    } else if (location.protocol === "file:" && /Firefox\//.test(navigator.userAgent)) {
      showWarning(gettext(
        "Firefox may keep the answers of each page apart when the workbook is opened from a " +
        "file. Download your answers from each page you work on, or open the workbook from " +
        "its web address."
      ));
    }
  }

  drawAll();
  refreshCounts();
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf(PREFIX) === 0) {
      refreshCounts();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) refreshCounts();
  });
})();
