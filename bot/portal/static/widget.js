/*
 * Vänersborgs kommun – chat widget for questions about the municipality's
 * international work. Plain JavaScript, no dependencies, no build step.
 *
 * Embed with one tag:
 *   <script src=".../static/widget.js" data-bot-url="http://localhost:5005" defer></script>
 *
 * It talks to Rasa's REST channel (POST {bot-url}/webhooks/rest/webhook),
 * loads widget.css from the script's own folder and keeps the conversation
 * in sessionStorage so that it survives reloads and navigation.
 *
 * Safe under a strict Content-Security-Policy (script-src 'self';
 * style-src 'self'): no inline styles or scripts, no eval, and all text from
 * the bot or the resident is inserted with textContent.
 */
(function () {
  "use strict";

  if (window.vbwChat) return; // embedded twice: keep the first one
  window.vbwChat = true;

  var script = document.currentScript ||
    document.querySelector("script[data-bot-url][src*='widget.js']");
  var scriptSrc = (script && script.src) || "";
  var baseUrl = scriptSrc.replace(/[^/]*([?#].*)?$/, "");
  var botUrl = ((script && script.getAttribute("data-bot-url")) || "").replace(/\/+$/, "");
  var endpoint = botUrl + "/webhooks/rest/webhook";
  var storeKey = "vbw:" + (botUrl || location.host);

  var MAX_CHARS = 1000;
  var MAX_HISTORY = 200;
  var TIMEOUT_MS = 30000;
  // The same breakpoints as in widget.css: a full-screen panel, and a short (zoomed) viewport.
  var FULL_SCREEN = window.matchMedia("(max-width: 30rem)");
  var SHORT = window.matchMedia("(max-height: 32rem)");

  // Every text the resident sees, per language; another language is one more table
  // (its `name`, in its own language, labels its button in the language choice).
  var STRINGS = {};
  STRINGS.sv = {
    name: "Svenska",
    language: "Språk",
    launcher: "Chatta med oss",
    title: "Fråga om kommunens internationella arbete",
    close: "Stäng chatten",
    restart: "Ny konversation",
    region: "Chattassistent",
    privacyLead: "Skriv inte personuppgifter i chatten.",
    privacyMore: "Det gäller till exempel personnummer, telefonnummer och e-post. " +
      "Samtalet sparas en begränsad tid för att förbättra tjänsten, och sådana uppgifter " +
      "maskeras automatiskt.",
    readMore: "Läs mer",
    log: "Konversation",
    you: "Du: ",
    bot: "Assistenten: ",
    typing: "Assistenten skriver …",
    inputLabel: "Skriv din fråga",
    send: "Skicka",
    count: function (n) { return n + " av " + MAX_CHARS + " tecken"; },
    suggestions: "Förslag på frågor",
    feedbackQ: "Var svaret till hjälp?",
    yes: "Ja",
    no: "Nej",
    thanks: "Tack för din återkoppling!",
    newTab: " (öppnas i ny flik)",
    unsent: "Inte skickat ännu",
    error: "Chattassistenten går inte att nå just nu. Det du har skrivit finns kvar – " +
      "försök igen om en stund.",
    retry: "Försök igen"
  };
  STRINGS.en = {
    name: "English",
    language: "Language",
    launcher: "Chat with us",
    title: "Ask about the municipality's international work",
    close: "Close the chat",
    restart: "New conversation",
    region: "Chat assistant",
    privacyLead: "Do not write personal details in the chat.",
    privacyMore: "For example personal identity numbers, phone numbers and email addresses. " +
      "The conversation is kept for a limited time to improve the service, and such details " +
      "are masked automatically.",
    readMore: "Read more",
    log: "Conversation",
    you: "You: ",
    bot: "Assistant: ",
    typing: "The assistant is typing …",
    inputLabel: "Type your question",
    send: "Send",
    count: function (n) { return n + " of " + MAX_CHARS + " characters"; },
    suggestions: "Suggested questions",
    feedbackQ: "Was the answer helpful?",
    yes: "Yes",
    no: "No",
    thanks: "Thank you for your feedback!",
    newTab: " (opens in a new tab)",
    unsent: "Not sent yet",
    error: "The chat assistant cannot be reached right now. What you have written is kept – " +
      "please try again in a moment.",
    retry: "Try again"
  };
  var DEFAULT_LANG = "sv";
  var T = STRINGS[DEFAULT_LANG];

  /* ---------- state, kept in sessionStorage ---------- */

  function newSenderId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function freshState(sender) {
    // noteFolded: the privacy note's state once the resident has sent or toggled (else unset)
    // lang: the conversation's language (the UI's); chosen: the resident's own choice, if any
    // messages: {who: "user"|"bot", text, lang, buttons?, unsent?, rate?, turnText?, fb?, thanks?}
    //   (rate: the last bot message of a turn, which gets the feedback buttons)
    // outbox: requests not yet answered, oldest first: {message, metadata?, silent?, ref?, fbRef?}
    //   (ref: index of the resident's message it sends; fbRef: index of the rated message)
    return { sender: sender || newSenderId(), messages: [], outbox: [], open: false, failed: false, draft: "" };
  }

  var memory = null;
  function load() {
    try {
      var raw = window.sessionStorage.getItem(storeKey);
      if (raw) {
        var s = JSON.parse(raw);
        if (s && typeof s.sender === "string" && Array.isArray(s.messages) && Array.isArray(s.outbox)) {
          return s;
        }
      }
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
    return memory || freshState();
  }
  function save() {
    if (state.messages.length > MAX_HISTORY) {
      var drop = state.messages.length - MAX_HISTORY;
      state.messages.splice(0, drop);
      state.outbox.forEach(function (o) {
        if (typeof o.ref === "number") o.ref -= drop;
        if (typeof o.fbRef === "number") o.fbRef -= drop;
      });
      state.msgBase = (state.msgBase || 0) + drop;
      renderLog();
    }
    memory = state;
    try { window.sessionStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* ignore */ }
  }

  var state = load();
  var busy = false;

  /* ---------- DOM helpers ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "className") node.className = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  function icon(path) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "vbw-icon");
    var p = document.createElementNS(SVG_NS, "path");
    p.setAttribute("d", path);
    svg.appendChild(p);
    return svg;
  }
  var ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  var ICON_CLOSE = "M6 6l12 12M18 6L6 18";
  var ICON_MORE = "M6 9l6 6 6-6";

  var LINK_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
  var TRAILING_RE = /[.,;:!?'"”’)\]}]+$/;

  // Appends text to `parent` as text nodes, <br> for newlines and <a> for URLs.
  // An http(s) address as a URL, else null (nothing else becomes a link).
  function webAddress(href) {
    var parsed = null;
    try { parsed = new URL(href); } catch (e) { parsed = null; }
    return parsed && (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed : null;
  }

  function newTabLink(href, text) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", className: "vbw-link" },
      [text, el("span", { className: "vbw-sr", lang: uiLang(), text: T.newTab })]);
  }

  // A bot answer's last line is its source ("Källa: …"); the reply's custom
  // citation says where it links.
  function appendAnswer(parent, text, citation) {
    var lines = String(text).split(/\r?\n/);
    var url = citation && webAddress(String(citation.url || ""));
    if (!url || lines.length < 2 || lines[lines.length - 1] !== citation.text) {
      appendRich(parent, text);
      return;
    }
    appendRich(parent, lines.slice(0, -1).join("\n"));
    parent.appendChild(el("span", { className: "vbw-source" }, [newTabLink(url.href, citation.text)]));
  }

  function appendRich(parent, text) {
    String(text).split(/\r?\n/).forEach(function (line, i) {
      if (i > 0) parent.appendChild(document.createElement("br"));
      var last = 0;
      line.replace(LINK_RE, function (match, offset) {
        var url = match;
        var tail = url.match(TRAILING_RE);
        if (tail) url = url.slice(0, url.length - tail[0].length);
        var href = /^www\./i.test(url) ? "https://" + url : url;
        var parsed = webAddress(href);
        if (!parsed || url.length < 5) return match;
        if (offset > last) parent.appendChild(document.createTextNode(line.slice(last, offset)));
        parent.appendChild(newTabLink(parsed.href, url));
        last = offset + url.length;
        return match;
      });
      if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  /* ---------- the widget's DOM ---------- */

  var root, launcher, panel, noteToggle, noteMore, log, typing, errorBox, errorContent, form, input,
    counter, sendButton, langButtons;

  // The widget's own texts: [node, attribute (or null for its text), key in STRINGS].
  var labels = [];
  function label(node, key, attr) {
    labels.push([node, attr || null, key]);
    return node;
  }

  function uiLang() {
    return STRINGS[state.lang] ? state.lang : DEFAULT_LANG;
  }

  // Puts every widget text in the UI's language, in place (focus stays where it is).
  function applyLanguage() {
    T = STRINGS[uiLang()];
    root.setAttribute("lang", uiLang());
    labels.forEach(function (b) {
      if (b[1]) b[0].setAttribute(b[1], T[b[2]]);
      else b[0].textContent = T[b[2]];
    });
    langButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("lang") === uiLang() ? "true" : "false");
    });
    updateCounter();
    renderLog();
  }

  function build() {
    var link = el("link", { rel: "stylesheet", href: baseUrl + "widget.css" });
    root = label(el("aside", { className: "vbw", hidden: true }), "region", "aria-label");
    // Until the stylesheet is there the panel has no size: scroll to the latest message then.
    var reveal = function () { root.hidden = false; scrollDown(); };
    link.addEventListener("load", reveal);
    link.addEventListener("error", reveal);
    document.head.appendChild(link);

    launcher = el("button", {
      type: "button", className: "vbw-launcher", "aria-haspopup": "dialog",
      "aria-expanded": "false", "aria-controls": "vbw-panel"
    }, [icon(ICON_CHAT), label(el("span"), "launcher")]);

    var closeButton = label(el("button", { type: "button", className: "vbw-close vbw-iconbtn" },
      [icon(ICON_CLOSE)]), "close", "aria-label");
    var restartButton = label(el("button", { type: "button", className: "vbw-restart" }), "restart");
    // Each language's button is labelled in that language, so both read right to anyone.
    langButtons = Object.keys(STRINGS).map(function (code) {
      var button = el("button", { type: "button", className: "vbw-lang", lang: code, text: STRINGS[code].name });
      button.addEventListener("click", function () { choose(code); });
      return button;
    });
    var langGroup = label(el("div", { className: "vbw-langs", role: "group" }, langButtons), "language",
      "aria-label");

    log = label(el("div", {
      className: "vbw-log", id: "vbw-log", role: "log", "aria-live": "polite",
      "aria-relevant": "additions", tabindex: "0"
    }), "log", "aria-label");
    typing = el("div", { className: "vbw-msg vbw-bot vbw-typing" }, [
      label(el("span", { className: "vbw-sr" }), "typing"),
      el("span", { className: "vbw-dots", "aria-hidden": "true" }, [
        el("span"), el("span"), el("span")
      ])
    ]);

    var retryButton = label(el("button", { type: "button", className: "vbw-retry" }), "retry");
    retryButton.addEventListener("click", retry);
    // The alert region stays in the DOM; its content is inserted on failure so it is announced.
    errorBox = el("div", { className: "vbw-error", role: "alert" });
    errorContent = el("div", { className: "vbw-error-inner" }, [label(el("p"), "error"), retryButton]);

    input = el("textarea", {
      id: "vbw-input", className: "vbw-input", rows: "2", maxlength: String(MAX_CHARS),
      "aria-describedby": "vbw-count", autocomplete: "off"
    });
    counter = el("span", { id: "vbw-count", className: "vbw-count" });
    sendButton = label(el("button", { type: "submit", className: "vbw-send" }), "send");
    form = el("form", { className: "vbw-form", novalidate: true }, [
      label(el("label", { "for": "vbw-input", className: "vbw-label" }), "inputLabel"),
      input,
      el("div", { className: "vbw-form-row" }, [counter, sendButton])
    ]);

    // The privacy note folds to its first sentence; folded or not, all of it is the
    // dialog's description, so a screen reader reads it when the panel opens.
    noteToggle = el("button", {
      type: "button", className: "vbw-more", "aria-controls": "vbw-privacy-more",
      "aria-describedby": "vbw-privacy-lead"
    }, [label(el("span"), "readMore"), icon(ICON_MORE)]);
    noteMore = label(el("p", { id: "vbw-privacy-more", className: "vbw-privacy-more" }), "privacyMore");

    panel = el("div", {
      id: "vbw-panel", className: "vbw-panel", role: "dialog", "aria-labelledby": "vbw-title",
      "aria-describedby": "vbw-privacy-lead vbw-privacy-more"
    }, [
      el("div", { className: "vbw-header" }, [
        label(el("h2", { id: "vbw-title", className: "vbw-title" }), "title"),
        closeButton, el("div", { className: "vbw-tools" }, [restartButton, langGroup])
      ]),
      el("div", { className: "vbw-privacy" }, [
        label(el("p", { id: "vbw-privacy-lead", className: "vbw-privacy-lead" }), "privacyLead"),
        noteToggle, noteMore
      ]),
      log, errorBox, form
    ]);
    panel.hidden = true;

    root.appendChild(launcher);
    root.appendChild(panel);
    document.body.appendChild(root);

    launcher.addEventListener("click", function () { openPanel(true); });
    closeButton.addEventListener("click", closePanel);
    restartButton.addEventListener("click", function () {
      startOver(null);
      input.focus();
    });
    noteToggle.addEventListener("click", function () {
      state.noteFolded = !noteFolded();
      save();
      renderNote();
    });
    // Escape closes from inside the widget, and from anywhere while the panel covers the page.
    document.addEventListener("keydown", function (e) {
      if ((e.key === "Escape" || e.key === "Esc") && !panel.hidden && (isModal() || root.contains(e.target))) {
        e.preventDefault();
        closePanel();
      }
    });
    panel.addEventListener("keydown", trapTab);
    document.addEventListener("focusin", keepFocusInModal);
    FULL_SCREEN.addEventListener("change", renderModal);
    SHORT.addEventListener("change", renderNote);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      submitInput();
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submitInput();
      }
    });
    input.addEventListener("input", function () {
      state.draft = input.value;
      updateCounter();
      save();
    });
  }

  function updateCounter() {
    counter.textContent = T.count(input.value.length);
    counter.classList.toggle("vbw-count-full", input.value.length >= MAX_CHARS);
  }

  /* ---------- rendering ---------- */

  function renderMessage(m, index) {
    var isUser = m.who === "user";
    // The message in its own language; the widget's words around it in the UI's.
    var ui = uiLang();
    var item = el("div", { className: "vbw-msg " + (isUser ? "vbw-user" : "vbw-bot"), lang: m.lang || DEFAULT_LANG });
    var bubble = el("div", { className: "vbw-bubble" }, [
      el("span", { className: "vbw-sr", lang: ui, text: isUser ? T.you : T.bot })
    ]);
    if (isUser) appendRich(bubble, m.text || "");
    else appendAnswer(bubble, m.text || "", m.citation);
    item.appendChild(bubble);
    if (isUser && m.unsent) {
      item.classList.add("vbw-unsent");
      item.appendChild(el("span", { className: "vbw-note", lang: ui, text: T.unsent }));
    }
    if (!isUser && m.buttons && m.buttons.length) {
      var group = el("div", { className: "vbw-quick", role: "group", "aria-label": T.suggestions });
      m.buttons.forEach(function (b) {
        var btn = el("button", { type: "button", className: "vbw-chip", text: b.title || b.payload });
        btn.addEventListener("click", function () {
          send(b.payload || b.title, b.title || b.payload);
          input.focus(); // the chip scrolls away as the answer comes: type the next question
        });
        group.appendChild(btn);
      });
      item.appendChild(group);
    }
    if (!isUser && m.rate) item.appendChild(renderFeedback(m, index));
    return item;
  }

  function renderFeedback(m, index) {
    var qid = "vbw-fb-" + ((state.msgBase || 0) + index);
    var box = el("div", { className: "vbw-feedback", role: "group", "aria-labelledby": qid, lang: uiLang() }, [
      el("span", { id: qid, className: "vbw-fbq", text: T.feedbackQ })
    ]);
    [["positive", T.yes], ["negative", T.no]].forEach(function (opt) {
      var btn = el("button", {
        type: "button", className: "vbw-fb", "data-value": opt[0],
        "aria-pressed": m.fb === opt[0] ? "true" : "false", text: opt[1]
      });
      btn.addEventListener("click", function () { giveFeedback(index, opt[0]); });
      box.appendChild(btn);
    });
    if (m.thanks) box.appendChild(el("span", { className: "vbw-thanks", text: m.thanks }));
    return box;
  }

  function renderLog() {
    if (!log) return;
    while (log.firstChild) log.removeChild(log.firstChild);
    state.messages.forEach(function (m, i) { log.appendChild(renderMessage(m, i)); });
    renderStatus();
  }

  function nodeOf(index) {
    var node = log.children[index];
    return node && node !== typing ? node : null;
  }

  function markSent(index) {
    var node = nodeOf(index);
    if (!node) return;
    node.setAttribute("lang", state.messages[index].lang || DEFAULT_LANG);
    node.classList.remove("vbw-unsent");
    var note = node.querySelector(".vbw-note");
    if (note) node.removeChild(note);
  }

  // Updates the feedback controls in place, so keyboard focus stays where it is.
  function updateFeedback(index) {
    var m = state.messages[index];
    var box = nodeOf(index) && nodeOf(index).querySelector(".vbw-feedback");
    if (!m || !box) return;
    Array.prototype.forEach.call(box.querySelectorAll(".vbw-fb"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-value") === m.fb ? "true" : "false");
    });
    var thanks = box.querySelector(".vbw-thanks");
    if (thanks && !m.thanks) box.removeChild(thanks);
    if (m.thanks && !thanks) box.appendChild(el("span", { className: "vbw-thanks", text: m.thanks }));
  }

  function addMessage(m) {
    state.messages.push(m);
    var node = renderMessage(m, state.messages.length - 1);
    log.insertBefore(node, typing.parentNode === log ? typing : null);
    scrollDown();
  }

  function renderStatus() {
    if (busy) {
      if (typing.parentNode !== log) log.appendChild(typing);
    } else if (typing.parentNode === log) {
      log.removeChild(typing);
    }
    if (state.failed && errorContent.parentNode !== errorBox) errorBox.appendChild(errorContent);
    if (!state.failed && errorContent.parentNode === errorBox) errorBox.removeChild(errorContent);
    root.classList.toggle("vbw-has-error", !!state.failed);
    scrollDown();
  }

  // Shows the latest turn: to its end when it fits, else from the start of the bot's answer.
  function scrollDown() {
    if (!log) return;
    var nodes = log.children;
    var start = null;
    for (var i = nodes.length - 1; i >= 0 && !nodes[i].classList.contains("vbw-user"); i--) start = nodes[i];
    var end = log.scrollHeight - log.clientHeight;
    if (!start || start === typing) { log.scrollTop = end; return; }
    var offset = start.getBoundingClientRect().top - log.getBoundingClientRect().top;
    var gap = parseFloat(window.getComputedStyle(log).paddingTop) || 0;
    log.scrollTop = Math.min(end, log.scrollTop + offset - gap);
  }

  /* ---------- the privacy note and the full-screen (modal) panel ---------- */

  // Folded once the resident has sent a question, or from the start on a short screen,
  // until they open or close it themselves.
  function noteFolded() {
    return typeof state.noteFolded === "boolean" ? state.noteFolded : SHORT.matches;
  }

  function renderNote() {
    var folded = noteFolded();
    noteMore.hidden = folded;
    noteToggle.setAttribute("aria-expanded", folded ? "false" : "true");
  }

  function renderModal() {
    if (FULL_SCREEN.matches) panel.setAttribute("aria-modal", "true");
    else panel.removeAttribute("aria-modal");
  }

  function isModal() {
    return !panel.hidden && FULL_SCREEN.matches;
  }

  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("button, textarea, a[href], [tabindex]"),
      function (node) { return node.tabIndex >= 0 && !node.disabled && node.getClientRects().length > 0; }
    );
  }

  // Full screen, the panel covers the page: Tab and Shift+Tab go round inside it.
  function trapTab(e) {
    if (e.key !== "Tab" || !isModal()) return;
    var items = focusables();
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || !panel.contains(document.activeElement))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  function keepFocusInModal(e) {
    if (isModal() && !panel.contains(e.target)) input.focus();
  }

  /* ---------- opening and closing ---------- */

  function openPanel(focus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("vbw-open");
    state.open = true;
    if (!state.messages.length && !state.outbox.length) {
      queue({ message: "/greet", silent: true });
    }
    save();
    renderStatus();
    if (focus) input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("vbw-open");
    state.open = false;
    save();
    launcher.focus();
  }

  // A new conversation (a new sender, or the same one greeted again), in the same language.
  function startOver(sender) {
    var old = state;
    state = freshState(sender);
    state.open = true;
    state.draft = input.value;
    state.noteFolded = old.noteFolded;
    state.lang = old.lang;
    state.chosen = old.chosen;
    busy = false;
    renderLog();
    save();
    queue({ message: "/greet", silent: true });
  }

  /* ---------- the language ---------- */

  function setLanguage(lang) {
    if (lang === uiLang()) return;
    state.lang = lang;
    save();
    applyLanguage();
  }

  // The resident's choice wins from now on; before the first question the greeting
  // (and its topic buttons) comes again in the chosen language.
  function choose(lang) {
    var changed = lang !== uiLang();
    state.chosen = lang;
    setLanguage(lang);
    save();
    var asked = state.messages.some(function (m) { return m.who === "user"; });
    if (changed && !asked) startOver(state.sender);
  }

  /* ---------- sending ---------- */

  function submitInput() {
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    state.draft = "";
    updateCounter();
    send(text, text);
  }

  // Shows `display` as the resident's message and sends `payload` to the bot.
  function send(payload, display) {
    if (typeof state.noteFolded !== "boolean") {
      state.noteFolded = true; // read by now: fold it, to give the conversation the room
      renderNote();
    }
    addMessage({ who: "user", text: display, lang: uiLang(), unsent: true });
    queue({ message: payload, ref: state.messages.length - 1 });
  }

  function giveFeedback(index, value) {
    var m = state.messages[index];
    if (!m || m.fb === value) return;
    m.fb = value;
    m.thanks = "";
    updateFeedback(index);
    queue({
      message: "/feedback" + JSON.stringify({ value: value }),
      silent: true,
      fbRef: index,
      metadata: {
        feedback: { value: value, message_index: (state.msgBase || 0) + index, bot_text: m.turnText || m.text }
      }
    });
  }

  function queue(item) {
    state.outbox.push(item);
    save();
    pump();
  }

  function retry() {
    state.failed = false;
    save();
    renderStatus();
    pump();
    input.focus();
  }

  function pump() {
    if (busy || state.failed || !state.outbox.length) return;
    var item = state.outbox[0];
    busy = true;
    renderStatus();
    var metadata = item.metadata || {};
    metadata.widget = { page: location.pathname };
    if (state.chosen) metadata.widget.lang = state.chosen; // only the resident's own choice
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: item.message, metadata: metadata }),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (replies) {
      clearTimeout(timer);
      if (state.outbox[0] !== item) return; // the conversation was restarted meanwhile
      state.outbox.shift();
      busy = false;
      delivered(item, Array.isArray(replies) ? replies : []);
      save();
      renderStatus();
      pump();
    }).catch(function () {
      clearTimeout(timer);
      if (state.outbox[0] !== item) return;
      busy = false;
      state.failed = true;
      save();
      renderStatus();
    });
  }

  function delivered(item, replies) {
    // The language the bot answered in is the one it read the resident's message in.
    var replyLang = null;
    replies.forEach(function (r) { if (!replyLang && r && STRINGS[r.lang]) replyLang = r.lang; });
    if (typeof item.ref === "number" && state.messages[item.ref]) {
      delete state.messages[item.ref].unsent;
      if (replyLang) state.messages[item.ref].lang = replyLang;
      markSent(item.ref);
    }
    if (typeof item.fbRef === "number") {
      var rated = state.messages[item.fbRef];
      if (rated) {
        rated.thanks = replies.map(function (r) { return r.text || ""; }).join(" ").trim() || T.thanks;
        updateFeedback(item.fbRef);
      }
      return;
    }
    var shown = replies.filter(function (r) {
      return r && (typeof r.text === "string" || Array.isArray(r.buttons));
    });
    var turnText = shown.map(function (r) { return r.text || ""; }).join("\n").slice(0, 2000);
    // A citation arrives as a custom part right after its answer's text.
    var citations = [];
    replies.forEach(function (r) {
      if (!r) return;
      var cited = r.custom && r.custom.citation;
      if (shown.indexOf(r) >= 0) citations.push(null);
      else if (cited && citations.length) citations[citations.length - 1] = cited;
    });
    shown.forEach(function (r, i) {
      var m = { who: "bot", text: r.text || "", lang: STRINGS[r.lang] ? r.lang : DEFAULT_LANG };
      var cited = citations[i];
      if (cited && typeof cited.text === "string" && typeof cited.url === "string") {
        m.citation = { text: cited.text.slice(0, 300), url: cited.url.slice(0, 500) };
      }
      if (Array.isArray(r.buttons) && r.buttons.length) {
        m.buttons = r.buttons.map(function (b) {
          return { title: String(b.title || ""), payload: String(b.payload || b.title || "") };
        });
      }
      if (!item.silent && i === shown.length - 1) {
        m.rate = true;
        m.turnText = turnText;
      }
      addMessage(m);
    });
    if (replyLang && !state.chosen) setLanguage(replyLang); // no choice made: follow the bot
  }

  /* ---------- start ---------- */

  function start() {
    build();
    input.value = state.draft || "";
    applyLanguage(); // the texts, the counter and the conversation
    renderNote();
    renderModal();
    if (state.open) openPanel(false);
    pump(); // finish what a reload interrupted
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
