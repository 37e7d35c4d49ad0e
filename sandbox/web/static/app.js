// The sandbox page: wires the personas column, the open chat, the composer and the live
// event stream (/api/events) together. No framework and no build step: plain ES modules.
import { api, BASE, chatPath, post } from "./api.js";
import { otherBot, setupBots } from "./bots.js";
import { ChatView } from "./chat.js";
import { Composer } from "./composer.js";
import { $, avatar } from "./dom.js";
import { botLink } from "./links.js";
import { setLanguage, setTable, tr } from "./labels.js";
import { setupOutside } from "./outside.js";
import { Personas } from "./personas.js";
import { alertModal, toast } from "./ui.js";

const ACTIVITIES = new Set([
  "typing", "upload_photo", "record_voice", "upload_voice", "upload_document", "find_location",
  "record_video", "upload_video", "choose_sticker",
]);
const TYPING_MS = 5000; // Telegram shows a chat action for five seconds
const TAP_PENDING_MS = 3000;

const app = {
  bot: null,
  activeId: null,
  typing: new Map(),
  pendingTaps: new Map(), // callback query id -> clears the button's "pending" look
  answered: new Set(), // answers that arrived before the tap's own response did
  readTimer: null,
};

const chatView = new ChatView($("messages"), { tap });
const composer = new Composer({
  userId: () => app.activeId,
  shown: (view) => show(view.chat_id, view, "message"),
  keyboard: () => chatView.keyboard(),
});
const personas = new Personas({
  activeId: () => app.activeId,
  select,
  typing: (id) => (app.typing.get(id) || {}).text || null,
});

// --- selecting a persona --------------------------------------------------------------

async function select(id) {
  const persona = personas.get(id);
  if (!persona) return;
  if (app.activeId !== id) composer.reset();
  app.activeId = id;
  history.replaceState(null, "", `?persona=${id}#${id}`);
  $("app").classList.add("chat-open");
  personas.render();
  renderHeader();
  await reloadChat();
}

async function reloadChat() {
  const id = app.activeId;
  if (id === null) return;
  try {
    const data = await api(chatPath(id, "messages"));
    if (app.activeId !== id) return;
    chatView.load(id, data.messages, data.keyboard);
    personas.markRead(id);
  } catch (error) {
    toast(error.message, { error: true });
  }
  renderBottom();
}

function deselect() {
  app.activeId = null;
  chatView.clear();
  history.replaceState(null, "", location.pathname);
  $("app").classList.remove("chat-open");
  personas.render();
  renderHeader();
  renderBottom();
}

function renderHeader() {
  const persona = personas.get(app.activeId);
  if (setLanguage(persona ? persona.language_code : "en") && persona) composer.renderKeyboard();
  $("chat-placeholder").hidden = Boolean(persona);
  $("chat-header").hidden = !persona;
  $("messages").hidden = !persona;
  if (!persona) return;
  const botName = (app.bot && app.bot.first_name) || "Bot";
  $("bot-avatar").replaceWith(Object.assign(avatar(botName, (app.bot && app.bot.id) || 0, "bot-avatar"), { id: "bot-avatar" }));
  $("chat-title").textContent = botName;
  const typing = personas.ctx.typing(persona.id);
  $("chat-status").textContent = typing || tr("bot");
  $("chat-status").classList.toggle("typing", Boolean(typing));
  const code = (persona.language_code || "").toUpperCase();
  $("chat-persona").textContent = tr("as_persona", { name: persona.name, language: code });
  const other = persona.language_code === "ru" ? "en" : "ru";
  $("switch-language").textContent = tr("switch_language", { language: other });
  $("switch-language").dataset.language = other;
}

function renderBottom() {
  const open = app.activeId !== null;
  $("bottom").hidden = !open;
  $("start-bar").hidden = !open || !chatView.isEmpty;
  if (open) composer.renderKeyboard();
  chatView.keepPinned();
}

// --- live events ----------------------------------------------------------------------

function show(chatId, view, kind) {
  const active = chatId === app.activeId;
  const isNew = active ? chatView.upsert(view) : kind === "message";
  if (view.from === "bot" && isNew) setTyping(chatId, null);
  personas.touch(chatId, view, { unread: !active && view.from === "bot" && isNew });
  if (active) {
    renderBottom();
    scheduleRead();
  }
}

function scheduleRead() {
  clearTimeout(app.readTimer);
  app.readTimer = setTimeout(() => {
    if (app.activeId === null || document.visibilityState !== "visible") return;
    personas.markRead(app.activeId);
    post(chatPath(app.activeId, "read"), {}).catch(() => {});
  }, 300);
}

function setTyping(chatId, action) {
  const current = app.typing.get(chatId);
  if (current) clearTimeout(current.timer);
  if (action) {
    const timer = setTimeout(() => setTyping(chatId, null), TYPING_MS);
    const text = ACTIVITIES.has(action) ? tr(action) : `${action.replace(/_/g, " ")}…`;
    app.typing.set(chatId, { text, timer });
  } else {
    app.typing.delete(chatId);
  }
  personas.render();
  if (chatId === app.activeId) renderHeader();
}

function onCallbackAnswer(data) {
  const pending = app.pendingTaps.get(data.callback_query_id);
  if (pending) pending();
  else app.answered.add(data.callback_query_id);
  if (data.chat_id !== app.activeId || !data.text) return;
  if (data.show_alert) alertModal(data.text);
  else toast(data.text);
}

function connectEvents() {
  const source = new EventSource(`${BASE}/api/events`);
  let opened = false;
  const on = (kind, handler) => source.addEventListener(kind, (event) => handler(JSON.parse(event.data)));
  source.addEventListener("open", () => {
    if (opened) refresh(); // a reconnect: catch up with whatever happened meanwhile
    opened = true;
  });
  on("message", (data) => show(data.chat_id, data.message, "message"));
  on("edited", (data) => show(data.chat_id, data.message, "edited"));
  on("deleted", (data) => { if (data.chat_id === app.activeId) { chatView.remove(data.message_id); renderBottom(); } });
  on("callback_answer", onCallbackAnswer);
  on("chat_action", (data) => setTyping(data.chat_id, data.action));
  on("personas", (data) => {
    personas.set(data.personas);
    if (app.activeId !== null && !personas.get(app.activeId)) deselect();
    else if (app.activeId !== null) personas.markRead(app.activeId);
    renderHeader();
  });
}

async function refresh() {
  try {
    const state = await api("/api/state");
    app.bot = state.bot;
    setTable(state.labels);
    $("bot-username").textContent = state.bot.username ? `@${state.bot.username}` : "";
    personas.set(state.personas);
  } catch (error) {
    toast(error.message, { error: true });
    return;
  }
  if (app.activeId !== null && !personas.get(app.activeId)) deselect();
  else if (app.activeId !== null) await reloadChat();
}

// --- buttons and links ----------------------------------------------------------------

async function tap(view, button, element) {
  if (button.kind === "url") return openUrl(button.value);
  if (button.kind === "copy") {
    await navigator.clipboard.writeText(button.value).catch(() => {});
    return toast(tr("copied"));
  }
  if (button.kind !== "callback") return toast(tr("button_does_nothing"));
  element.classList.add("pending");
  try {
    const result = await post(chatPath(view.chat_id, "tap"), { message_id: view.id, callback_data: button.value });
    const id = result.callback_query_id;
    const done = () => { element.classList.remove("pending"); app.pendingTaps.delete(id); };
    if (app.answered.delete(id)) return done();
    app.pendingTaps.set(id, done);
    setTimeout(done, TAP_PENDING_MS);
  } catch (error) {
    element.classList.remove("pending");
    toast(error.message, { error: true });
  }
}

function openUrl(url) {
  const link = botLink(url, app.bot && app.bot.username);
  if (link) return openBotLink(link);
  if (openOtherBot(url)) return;
  window.open(url, "_blank", "noopener");
}

// A link to another of the sandbox's bots (an organization's own bot) opens its page, which
// then asks whose chat opens it (?start=<payload>).
function openOtherBot(url) {
  let parsed;
  try {
    parsed = new URL(url, location.href);
  } catch {
    return false;
  }
  const name = /^(t|telegram)\.me$/i.test(parsed.hostname) ? parsed.pathname.replace(/^\/|\/$/g, "") : null;
  const bot = name ? otherBot(name) : null;
  if (!bot) return false;
  const start = parsed.searchParams.get("start");
  window.open(start ? `${bot.path}?start=${encodeURIComponent(start)}` : bot.path, "_blank", "noopener");
  return true;
}

async function openBotLink({ payload }) {
  const note = payload ? `Opens the bot with /start ${payload}` : "Opens the chat with the bot";
  const id = await personas.chooseFor(note);
  if (id === null || id === undefined) return;
  await select(id);
  if (payload !== null) await composer.run((userId) => post(chatPath(userId, "start"), { payload }));
}

function onMessagesClick(event) {
  const spoiler = event.target.closest(".tg-spoiler");
  if (spoiler && !spoiler.classList.contains("revealed")) {
    spoiler.classList.add("revealed");
    event.preventDefault();
    return;
  }
  const anchor = event.target.closest("a[href]");
  const href = anchor && anchor.closest(".text") ? anchor.getAttribute("href") : null;
  const link = href ? botLink(href, app.bot && app.bot.username) : null;
  if (link) {
    event.preventDefault();
    openBotLink(link);
  } else if (href && openOtherBot(href)) {
    event.preventDefault();
  }
}

function bindPage() {
  $("messages").addEventListener("click", onMessagesClick);
  $("back-button").addEventListener("click", deselect);
  $("persona-menu-button").addEventListener("click", () => { $("persona-menu").hidden = !$("persona-menu").hidden; });
  $("switch-language").addEventListener("click", async () => {
    $("persona-menu").hidden = true;
    if (await personas.switchLanguage(app.activeId, $("switch-language").dataset.language)) renderHeader();
  });
  $("delete-persona").addEventListener("click", async () => {
    $("persona-menu").hidden = true;
    if (await personas.confirmRemove(app.activeId)) deselect();
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#persona-menu, #persona-menu-button")) $("persona-menu").hidden = true;
  });
  document.addEventListener("visibilitychange", () => { if (app.activeId !== null) scheduleRead(); });
  window.addEventListener("hashchange", () => {
    const id = Number(location.hash.slice(1));
    if (id && id !== app.activeId && personas.get(id)) select(id);
  });
}

async function start() {
  bindPage();
  setupOutside();
  await setupBots();
  await refresh();
  const fromHash = Number(location.hash.slice(1));
  if (fromHash && personas.get(fromHash)) await select(fromHash);
  else renderHeader();
  connectEvents();
  const payload = new URLSearchParams(location.search).get("start");
  if (payload) await openBotLink({ payload }); // opened from another bot's link
}

start();
