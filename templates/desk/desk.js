/* The coach's desk: sort and filter the client cards. Reads only the page itself. */
(function () {
  "use strict";
  var list = document.querySelector(".desk-list");
  var form = document.querySelector(".desk-controls");
  if (!list || !form) return;
  var cards = Array.prototype.slice.call(list.querySelectorAll(".desk-client"));
  var control = function (name) { return form.querySelector('[data-desk="' + name + '"]'); };
  var sort = control("sort"), coach = control("coach"), stage = control("stage");
  var attention = control("attention"), count = control("count");
  var empty = document.querySelector('[data-desk="empty"]');
  var FAR = "9999-12-31";

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

  function key(card, by) {
    var d = card.dataset;
    if (by === "next") return d.next || FAR;
    if (by === "last") return d.last ? "0" + invert(d.last) : "1";
    if (by === "stage") return ("000" + d.stageNumber).slice(-3);
    if (by === "attention") return d.attention === "1" ? "0" : "1";
    return "";
  }
  // newest first: ISO dates compared backwards
  function invert(iso) {
    return iso.replace(/[0-9]/g, function (c) { return String(9 - Number(c)); });
  }
  function name(card) { return card.dataset.name.toLocaleLowerCase(); }

  function apply() {
    var by = sort.value;
    cards.sort(function (a, b) {
      var ka = key(a, by), kb = key(b, by);
      if (ka !== kb) return ka < kb ? -1 : 1;
      return name(a).localeCompare(name(b));
    });
    var shown = 0;
    cards.forEach(function (card) {
      var ok = (!coach || !coach.value || card.dataset.coach === coach.value) &&
        (!stage.value || card.dataset.stage === stage.value) &&
        (!attention.checked || card.dataset.attention === "1");
      card.hidden = !ok;
      if (ok) shown += 1;
      list.appendChild(card);
    });
    count.textContent = ngettext("%(shown)s of %(num)s client shown", "%(shown)s of %(num)s clients shown",
      cards.length, { shown: number(shown) });
    if (empty) empty.hidden = shown !== 0;
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
