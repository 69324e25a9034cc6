/* Opens an encrypted workbook page in the browser, with WebCrypto alone.
 *
 * The page holds only ciphertext (#workbook-lock). The passphrase is asked for
 * once per browser session: the derived AES key (never the passphrase) is kept
 * in sessionStorage, keyed by the site's salt, so every other page of the
 * workbook opens without asking again. The decrypted page replaces this one,
 * then its own scripts are loaded in order (no inline script: the CSP forbids it).
 */
(function () {
  "use strict";

  var lock = document.getElementById("workbook-lock");
  if (!lock) { return; }
  var form = document.getElementById("workbook-unlock");
  var input = document.getElementById("workbook-passphrase");
  var status = document.getElementById("workbook-unlock-status");
  var storeName = "workbook-key:" + lock.dataset.salt;

  /* ---- the page's words: messages from <script id="wb-strings">, gettext-style -------- */

  // The page carries this script's messages in its language (never executed: JSON).
  var STRINGS = (function () {
    var el = document.getElementById("wb-strings");
    try {
      return (el && JSON.parse(el.textContent)) || {};
    } catch (e) {
      return {};
    }
  })();
  var MESSAGES = STRINGS.messages || {};

  function fill(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    }).replace(/%%/g, "%");
  }

  function gettext(message, values) {
    var found = MESSAGES[message];
    return fill(typeof found === "string" && found ? found : message, values);
  }


  function bytes(base64) {
    var raw = atob(base64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function text(value) { return new TextEncoder().encode(value); }

  function show(message) {
    form.hidden = false;
    status.textContent = message;
  }

  function deriveKey(passphrase) {
    var secret = text(passphrase.trim().normalize("NFC"));
    return crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt: bytes(lock.dataset.salt), iterations: Number(lock.dataset.iterations) },
        base, { name: "AES-GCM", length: 256 }, true, ["decrypt"]);
    });
  }

  function decrypt(key) {
    return crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes(lock.dataset.nonce), additionalData: text(lock.dataset.page) },
      key, bytes(lock.dataset.ciphertext)
    ).then(function (plain) { return new TextDecoder().decode(plain); });
  }

  function remember(key) {
    return crypto.subtle.exportKey("raw", key).then(function (raw) {
      var chars = "";
      new Uint8Array(raw).forEach(function (b) { chars += String.fromCharCode(b); });
      try { sessionStorage.setItem(storeName, btoa(chars)); } catch (e) { /* asked again next page */ }
    });
  }

  function loadScripts(sources, done) {
    if (!sources.length) { done(); return; }
    var script = document.createElement("script");
    script.src = sources[0];
    script.onload = script.onerror = function () { loadScripts(sources.slice(1), done); };
    document.body.appendChild(script);
  }

  function render(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var sources = [];
    Array.prototype.forEach.call(doc.querySelectorAll("script"), function (old) {
      if (old.getAttribute("src")) { sources.push(old.getAttribute("src")); }
      // data for the page's scripts (its words, its answers) stays: JSON is never run
      if (old.getAttribute("type") !== "application/json") { old.remove(); }
    });
    document.documentElement.lang = doc.documentElement.lang;
    Array.prototype.forEach.call(document.head.querySelectorAll("link, title, script"), function (el) { el.remove(); });
    Array.prototype.forEach.call(doc.head.children, function (el) {
      if (el.tagName === "META" && (el.httpEquiv || el.getAttribute("charset"))) { return; }
      document.head.appendChild(document.importNode(el, true));
    });
    document.body.replaceWith(document.importNode(doc.body, true));
    if (location.hash) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) { target.scrollIntoView(); }
    }
    loadScripts(sources, function () {
      document.dispatchEvent(new Event("DOMContentLoaded", { bubbles: true }));
      document.dispatchEvent(new CustomEvent("workbook:opened"));
    });
  }

  function fromSession() {
    var stored = null;
    try { stored = sessionStorage.getItem(storeName); } catch (e) { stored = null; }
    if (!stored) { return Promise.reject(new Error("no key")); }
    return crypto.subtle.importKey("raw", bytes(stored), { name: "AES-GCM" }, true, ["decrypt"]);
  }

  if (!window.crypto || !crypto.subtle) {
    show(gettext("This browser cannot open encrypted workbooks here. Try a current browser, or open the workbook from its web address."));
    return;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = gettext("Opening…");
    var keyUsed;
    deriveKey(input.value).then(function (key) {
      keyUsed = key;
      return decrypt(key);
    }).then(function (html) {
      return remember(keyUsed).then(function () { render(html); });
    }).catch(function () {
      input.value = "";
      show(gettext("That passphrase does not open this workbook. Check it and try again."));
      input.focus();
    });
  });

  fromSession().then(decrypt).then(render).catch(function () {
    form.hidden = false;
    input.focus();
  });
}());
