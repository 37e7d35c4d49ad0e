// The personas column: the list with unread badges, the "+ persona" form with presets, and
// the "Open as…" chooser used by invite deep links.
import { api, post } from "./api.js";
import { $, avatar, h } from "./dom.js";
import { toast } from "./ui.js";

export const PRESETS = [
  { key: "olga", label: "Owner Olga (ru)", first_name: "Olga", last_name: "Smirnova", language_code: "ru", username: "olga_owner" },
  { key: "mary", label: "Manager Mary (en)", first_name: "Mary", last_name: "Jones", language_code: "en", username: "mary_manager" },
  { key: "ivan", label: "Worker Ivan (ru)", first_name: "Ivan", last_name: "Petrov", language_code: "ru", username: "ivan_worker" },
  { key: "wang", label: "Worker Wang (en)", first_name: "Wang", last_name: "Wei", language_code: "en", username: "wang_worker" },
];

export class Personas {
  // ctx: {activeId(): number|null, select(id), typing(id): string|null}
  constructor(ctx) {
    this.ctx = ctx;
    this.byId = new Map();
    this.afterCreate = null; // set while a deep link waits for a new persona
    this.bind();
  }

  bind() {
    $("add-persona").addEventListener("click", () => this.showForm($("persona-form").hidden));
    $("persona-cancel").addEventListener("click", () => this.showForm(false));
    $("persona-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitForm();
    });
    for (const container of [document.querySelector("#persona-form .presets"), $("placeholder-presets")]) {
      const where = container.id === "placeholder-presets" ? "quick" : "preset";
      container.replaceChildren(...PRESETS.map((preset) => h("button", { type: "button", class: "preset",
        "data-testid": `${where}-${preset.key}`, text: preset.label, onclick: () => this.addPreset(preset) })));
    }
  }

  set(personas) {
    this.byId = new Map(personas.map((persona) => [persona.id, persona]));
    this.render();
  }

  get(id) {
    return this.byId.get(id) || null;
  }

  list() {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  render() {
    const active = this.ctx.activeId();
    const items = this.list().map((persona) => this.item(persona, persona.id === active));
    $("persona-list").replaceChildren(...items);
  }

  item(persona, active) {
    const typing = this.ctx.typing(persona.id);
    const last = persona.last;
    const preview = typing || (last ? `${last.from === "user" ? "You: " : ""}${last.text}` : "No messages yet");
    return h("li", { class: `persona${active ? " active" : ""}`, "data-testid": `persona-${persona.id}`,
      "data-persona-id": persona.id, onclick: () => this.ctx.select(persona.id) },
    avatar(persona.name, persona.id),
    h("div", { class: "persona-text" },
      h("div", { class: "persona-top" },
        h("span", { class: "persona-name", text: persona.name }),
        h("span", { class: "lang", text: persona.language_code || "" })),
      h("div", { class: `persona-preview${typing ? " typing" : ""}`, text: preview })),
    persona.unread ? h("span", { class: "badge", "data-testid": `unread-${persona.id}`, text: String(persona.unread) }) : null);
  }

  // A message arrived in a chat that is not open (or the open one): update its row.
  touch(chatId, view, { unread }) {
    const persona = this.byId.get(chatId);
    if (!persona) return;
    const text = view.text || (view.media ? view.media.kind : "");
    persona.last = { from: view.from, text: text.slice(0, 120) };
    if (unread) persona.unread = (persona.unread || 0) + 1;
    this.render();
  }

  markRead(chatId) {
    const persona = this.byId.get(chatId);
    if (persona && persona.unread) {
      persona.unread = 0;
      this.render();
    }
  }

  showForm(show) {
    $("persona-form").hidden = !show;
    $("persona-error").textContent = "";
    if (show) {
      $("persona-form").first_name.focus();
    } else if (this.afterCreate) {
      const pending = this.afterCreate; // a deep link was waiting: it is abandoned
      this.afterCreate = null;
      pending(null);
    }
  }

  async submitForm() {
    const form = $("persona-form");
    const fields = Object.fromEntries(new FormData(form).entries());
    try {
      await this.created(await post("/api/personas", fields));
      form.reset();
    } catch (error) {
      $("persona-error").textContent = error.message;
    }
  }

  async addPreset(preset) {
    const existing = this.list().find((persona) => persona.username === preset.username);
    if (existing) {
      this.showForm(false);
      this.ctx.select(existing.id);
      return;
    }
    const { key, label, ...fields } = preset;
    try {
      await this.created(await post("/api/personas", fields));
    } catch (error) {
      toast(error.message, { error: true });
    }
  }

  async created({ persona }) {
    this.byId.set(persona.id, persona);
    const then = this.afterCreate;
    this.afterCreate = null;
    this.showForm(false);
    this.render();
    await this.ctx.select(persona.id);
    if (then) then(persona.id);
  }

  // Change the language Telegram reports for the persona (its next updates carry it).
  async switchLanguage(id, language) {
    try {
      const { persona } = await api(`/api/personas/${id}`, { method: "PATCH", body: { language_code: language } });
      this.byId.set(persona.id, persona);
      this.render();
      toast(`Telegram language is now ${language}`);
      return true;
    } catch (error) {
      toast(error.message, { error: true });
      return false;
    }
  }

  async confirmRemove(id) {
    const persona = this.get(id);
    if (!persona || !window.confirm(`Delete ${persona.name} and the chat?`)) return false;
    try {
      await api(`/api/personas/${id}`, { method: "DELETE" });
    } catch (error) {
      toast(error.message, { error: true });
      return false;
    }
    this.byId.delete(id);
    this.render();
    return true;
  }

  // "Open as…": resolves with the chosen persona id (a new persona goes through the form).
  chooseFor(note) {
    const dialog = $("open-as-dialog");
    $("open-as-note").textContent = note;
    return new Promise((resolve) => {
      const pick = (id) => {
        dialog.onclose = null;
        dialog.close();
        if (id === "new") {
          this.afterCreate = resolve;
          this.showForm(true);
        } else {
          resolve(id);
        }
      };
      const buttons = this.list().map((persona) => h("button", { type: "button", class: "open-as-item",
        "data-testid": `open-as-${persona.id}`, onclick: () => pick(persona.id) },
      avatar(persona.name, persona.id, "small"), h("span", { text: `${persona.name} (${persona.language_code})` })));
      buttons.push(h("button", { type: "button", class: "open-as-item new", "data-testid": "open-as-new",
        text: "New persona…", onclick: () => pick("new") }));
      $("open-as-list").replaceChildren(...buttons);
      dialog.onclose = () => resolve(null);
      dialog.showModal();
    });
  }
}
