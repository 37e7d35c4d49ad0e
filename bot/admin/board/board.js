/* The web board (bot/admin/board): today's orders by status or by worker, the week calendar
   (board_week.js), live over a WebSocket with catch-up after a dropped connection. Plain
   script, no build step; the words come from the page (data-words) in the member's language. */
"use strict";

const Board = (() => {
  const body = document.body;
  const words = JSON.parse(body.dataset.words || "{}");
  const csrf = body.dataset.csrf || "";
  const lang = body.dataset.lang || "en";
  const COLUMNS = ["new", "offered", "assigned", "on_the_way", "in_progress", "done", "paid", "cancelled"];
  const state = {
    view: "today", day: null, worker: "", category: "", q: "", layout: "status",
    data: null, cards: new Map(), cursor: 0, socket: null, retries: 0, drawing: false,
  };
  const $ = (id) => document.getElementById(id);

  function el(name, attrs, ...children) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("data-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function say(text, kind) {
    const box = $("message");
    box.textContent = text || "";
    box.className = text ? "notice " + (kind || "ok") : "";
  }

  function money(minor) {
    if (minor === null || minor === undefined || !state.data) return "";
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: state.data.currency,
        maximumFractionDigits: minor % 100 ? 2 : 0 }).format(minor / 100);
    } catch (e) { return (minor / 100).toFixed(2); }
  }

  function shown(card) {
    /* Whether a card (from the feed) belongs to what the board shows now. */
    if (!state.data || !card.day || !state.data.days.includes(card.day)) return false;
    if (state.worker && String(card.assignee_id) !== state.worker) return false;
    if (state.category && String(card.category_id) !== state.category) return false;
    if (state.q) {
      const digits = state.q.replace(/\D/g, "");
      const name = (card.client || "").toLowerCase();
      const phone = (card.phone || "").replace(/\D/g, "");
      const byName = state.q.toLowerCase().split(/\s+/).every((t) => !t || name.includes(t));
      if (!byName && !(digits.length >= 3 && phone.includes(digits))) return false;
    }
    return true;
  }

  function card(c) {
    const marks = el("div", { class: "marks" },
      c.overdue ? el("span", { class: "mark overdue", "data-testid": "overdue" }, words.overdue) : null,
      c.confirmed ? el("span", { class: "mark confirmed", "data-testid": "confirmed" }, words.confirmed) : null);
    return el("div", { class: "card " + c.column, "data-order": c.id, "data-testid": "card-" + c.number },
      el("div", { class: "head" }, el("b", {}, c.time || "—"), " ", el("a", { href: "/orders/" + c.number, "data-testid": "open-" + c.number }, "№" + c.number), el("span", { class: "price" }, money(c.price_minor))),
      el("div", { class: "client" }, c.client || ""),
      el("div", { class: "area muted" }, c.area || ""),
      el("div", { class: "who" }, c.assignee || words.unassigned),
      marks);
  }

  function sorted() {
    return [...state.cards.values()].sort((a, b) =>
      (a.at || "~").localeCompare(b.at || "~") || a.number - b.number);
  }

  function today(root) {
    const cards = sorted();
    if (state.layout === "status") {
      const grid = el("div", { class: "columns" });
      for (const key of COLUMNS) {
        const mine = cards.filter((c) => c.column === key);
        grid.append(el("section", { class: "column", "data-column": key },
          el("h2", {}, words[key] + " · " + mine.length), ...mine.map(card)));
      }
      root.append(grid);
      return;
    }
    const rows = [...state.data.workers.map((w) => [String(w.id), w.name]), ["", words.unassigned]];
    for (const [id, name] of rows) {
      const mine = cards.filter((c) => String(c.assignee_id || "") === id);
      if (!mine.length && id === "") continue;
      root.append(el("section", { class: "row", "data-worker": id },
        el("h2", {}, name + " · " + mine.length), el("div", { class: "cards" }, ...mine.map(card))));
    }
  }

  function draw() {
    state.drawing = false;
    const root = $("board");
    root.replaceChildren();
    if (!state.data) return;
    if (state.view === "week") Week.draw(root, state, { el, card, sorted, words, money });
    else today(root);
    if (!state.cards.size) root.append(el("p", { class: "muted" }, words.no_orders));
  }

  function redraw() {
    if (state.drawing) return;
    state.drawing = true;
    requestAnimationFrame(draw);
  }

  function apply(cards) {
    for (const c of cards) {
      if (shown(c)) state.cards.set(c.id, c);
      else state.cards.delete(c.id);
    }
    redraw();
  }

  async function load() {
    const params = new URLSearchParams({ days: state.view === "week" ? "7" : "1" });
    if (state.day) params.set("day", state.day);
    if (state.worker) params.set("worker", state.worker);
    if (state.category) params.set("category", state.category);
    if (state.q) params.set("q", state.q);
    const answer = await fetch("/board/api/view?" + params, { credentials: "same-origin" });
    const data = await answer.json();
    if (!answer.ok) { say(data.detail || words.failed, "error"); return; }
    state.data = data;
    state.day = state.day || data.days[0];
    $("day").value = state.day;
    state.cursor = Math.max(state.cursor, data.cursor);
    state.cards = new Map(data.cards.map((c) => [c.id, c]));
    options();
    redraw();
  }

  function options() {
    const fill = (select, first, items, current) => {
      select.replaceChildren(el("option", { value: "" }, first),
        ...items.map((i) => el("option", { value: String(i.id), selected: String(i.id) === current }, i.name)));
    };
    fill($("worker"), words.all_workers, state.data.workers, state.worker);
    fill($("category"), words.all_kinds, state.data.categories, state.category);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(scheme + "://" + location.host + "/board/live?since=" + state.cursor);
    state.socket = socket;
    socket.onopen = () => { state.retries = 0; live(true); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type !== "cards") return;
      state.cursor = Math.max(state.cursor, message.cursor);
      apply(message.cards);
    };
    socket.onclose = () => {
      live(false);
      if (state.socket !== socket) return;
      const wait = Math.min(5000, 250 * 2 ** state.retries++);
      setTimeout(connect, wait);
    };
  }

  function live(on) {
    const mark = $("live");
    mark.textContent = on ? "● " + words.live : "○ " + words.reconnecting;
    mark.className = "live " + (on ? "on" : "off");
    mark.dataset.state = on ? "on" : "off";
  }

  async function move(orderId, change) {
    const answer = await fetch("/board/api/orders/" + orderId + "/move", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(change),
    });
    const data = await answer.json().catch(() => ({}));
    if (!answer.ok) { say(data.detail || words.failed, "error"); redraw(); return false; }
    const number = data.cards && data.cards[0] ? data.cards[0].number : orderId;
    say(words.moved.replace("{number}", number), "ok");
    apply(data.cards || []);
    return true;
  }

  function shift(step) {
    const days = state.view === "week" ? 7 : 1;
    const date = new Date((state.day || $("day").value) + "T12:00:00Z");
    date.setUTCDate(date.getUTCDate() + step * days);
    state.day = date.toISOString().slice(0, 10);
    load();
  }

  function setup() {
    for (const button of document.querySelectorAll("[data-view]")) {
      button.textContent = words[button.dataset.view];
      button.addEventListener("click", () => { state.view = button.dataset.view; marks(); load(); });
    }
    for (const button of document.querySelectorAll("[data-step]")) {
      button.title = words[button.dataset.step === "1" ? "next" : "previous"];
      button.addEventListener("click", () => shift(Number(button.dataset.step)));
    }
    $("day").addEventListener("change", () => { state.day = $("day").value || null; load(); });
    $("worker").addEventListener("change", () => { state.worker = $("worker").value; load(); });
    $("category").addEventListener("change", () => { state.category = $("category").value; load(); });
    $("search").placeholder = words.search;
    let typing = null;
    $("search").addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(() => { state.q = $("search").value.trim(); load(); }, 250);
    });
    const layout = $("layout");
    layout.append(el("option", { value: "status" }, words.by_status), el("option", { value: "worker" }, words.by_worker));
    layout.addEventListener("change", () => { state.layout = layout.value; redraw(); });
    marks();
    live(false);
    load().then(connect);
  }

  function marks() {
    for (const button of document.querySelectorAll("[data-view]")) {
      button.classList.toggle("active", button.dataset.view === state.view);
      layoutShown();
    }
  }

  function layoutShown() { $("layout").hidden = state.view === "week"; }

  return { setup, move, state, say, redraw };
})();
