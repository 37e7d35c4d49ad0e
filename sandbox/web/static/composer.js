// The bottom of the chat: text input, "/" command menu, reply keyboard, attachments, voice
// recording, contact and location sharing. Everything the person sends goes through the API;
// the message comes back in the response (shown at once) and again on the event stream.
import { api, chatPath, post } from "./api.js";
import { $, duration, h } from "./dom.js";
import { tr } from "./labels.js";
import { askLocation, toast } from "./ui.js";

const ACCEPT = { photo: "image/*", document: "", voice: "audio/*", audio: "audio/*" };
const RECORDING_TYPES = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/webm"];

export class Composer {
  // ctx: {userId(): number|null, shown(view), keyboard(): keyboard view|null}
  constructor(ctx) {
    this.ctx = ctx;
    this.input = $("composer-input");
    this.keyboardHidden = false;
    this.recorder = null;
    this.bind();
  }

  bind() {
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendText(this.input.value);
    });
    this.input.addEventListener("input", () => this.onInput());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.closePopovers();
    });
    $("menu-button").addEventListener("click", () => this.toggleCommands());
    $("attach-button").addEventListener("click", () => this.togglePopover("attach-menu"));
    $("keyboard-toggle").addEventListener("click", () => this.toggleKeyboard());
    $("record-button").addEventListener("click", () => this.toggleRecording());
    $("share-contact").addEventListener("click", () => this.shareContact());
    $("share-location").addEventListener("click", () => this.shareLocation());
    $("start-button").addEventListener("click", () => this.sendText("/start"));
    for (const item of document.querySelectorAll("[data-attach]")) {
      item.addEventListener("click", () => this.chooseFile(item.dataset.attach));
    }
    $("file-input").addEventListener("change", () => this.onFilesChosen());
    document.addEventListener("click", (event) => {
      if (!event.target.closest(".popover, #menu-button, #attach-button")) this.closePopovers();
    });
    this.onInput();
  }

  reset() {
    this.input.value = "";
    this.keyboardHidden = false;
    this.closePopovers();
    this.onInput();
  }

  onInput() {
    const text = this.input.value;
    $("composer").classList.toggle("has-text", text.trim().length > 0);
    if (/^\/\w*$/.test(text)) this.showCommands(text.slice(1));
    else if (!$("command-menu").hidden && text !== "") this.closePopovers();
  }

  async run(action) {
    const userId = this.ctx.userId();
    if (userId === null) return null;
    try {
      const result = await action(userId);
      if (result && result.message) this.ctx.shown(result.message);
      return result;
    } catch (error) {
      toast(error.message, { error: true });
      return null;
    }
  }

  async sendText(raw) {
    const text = raw.trim();
    if (!text) return;
    this.input.value = "";
    this.closePopovers();
    this.onInput();
    const result = await this.run((id) => post(chatPath(id, "send"), { text }));
    if (!result) this.input.value = raw; // keep what the person typed when it failed
    this.input.focus();
  }

  // --- popovers -----------------------------------------------------------------------

  closePopovers() {
    this.menuRequest = (this.menuRequest || 0) + 1;
    $("command-menu").hidden = true;
    $("attach-menu").hidden = true;
  }

  togglePopover(id) {
    const wasHidden = $(id).hidden;
    this.closePopovers();
    $(id).hidden = !wasHidden;
  }

  toggleCommands() {
    if (!$("command-menu").hidden) this.closePopovers();
    else this.showCommands("");
  }

  async showCommands(prefix) {
    const userId = this.ctx.userId();
    if (userId === null) return;
    // Closing the menu (sending, Escape) while the list is loading must win over the late reply.
    const request = (this.menuRequest = (this.menuRequest || 0) + 1);
    let commands = [];
    try {
      commands = (await api(chatPath(userId, "commands"))).commands;
    } catch (error) {
      toast(error.message, { error: true });
    }
    if (request !== this.menuRequest) return;
    const matching = commands.filter((command) => command.command.startsWith(prefix.toLowerCase()));
    const menu = $("command-menu");
    menu.replaceChildren(...(matching.length ? matching.map((command) => this.commandItem(command))
      : [h("div", { class: "menu-empty", text: tr(commands.length ? "no_such_command" : "no_commands") })]));
    $("attach-menu").hidden = true;
    menu.hidden = false;
  }

  commandItem(command) {
    return h("button", { type: "button", class: "command-item", "data-testid": "command-item",
      "data-command": command.command, onclick: () => this.sendText(`/${command.command}`) },
    h("span", { class: "command-name", text: `/${command.command}` }),
    h("span", { class: "command-description", text: command.description }));
  }

  // --- reply keyboard -----------------------------------------------------------------

  renderKeyboard() {
    const keyboard = this.ctx.keyboard();
    const container = $("reply-keyboard");
    $("keyboard-toggle").hidden = !keyboard;
    this.input.placeholder = (keyboard && keyboard.placeholder) || tr("message");
    if (!keyboard || this.keyboardHidden) {
      container.hidden = true;
      return;
    }
    container.replaceChildren(...keyboard.rows.map((row) => h("div", { class: "rk-row" },
      row.map((key) => h("button", { type: "button", class: "rk-button", "data-testid": "keyboard-button",
        text: key.label, onclick: () => this.press(key, keyboard) })))));
    container.hidden = false;
  }

  toggleKeyboard() {
    this.keyboardHidden = !this.keyboardHidden;
    this.renderKeyboard();
  }

  async press(key, keyboard) {
    let body = { label: key.label };
    if (key.request_location) {
      const location = await askLocation();
      if (!location) return;
      body = { ...body, ...location };
    }
    if (keyboard.one_time) {
      this.keyboardHidden = true;
      this.renderKeyboard();
    }
    await this.run((id) => post(chatPath(id, "press"), body));
  }

  // --- attachments --------------------------------------------------------------------

  chooseFile(kind) {
    this.closePopovers();
    const input = $("file-input");
    input.dataset.kind = kind;
    input.accept = ACCEPT[kind];
    input.multiple = kind === "photo";
    input.value = "";
    input.click();
  }

  async onFilesChosen() {
    const input = $("file-input");
    const caption = this.input.value.trim();
    this.input.value = "";
    this.onInput();
    for (const [index, file] of [...input.files].entries()) {
      await this.upload(file, input.dataset.kind || "document", { caption: index === 0 ? caption : "" });
    }
    input.value = "";
  }

  async upload(file, kind, { caption = "", seconds = null, name = null } = {}) {
    const form = new FormData();
    form.append("kind", kind);
    form.append("file", file, name || file.name || "file");
    if (caption) form.append("caption", caption);
    if (seconds !== null) form.append("duration", String(seconds));
    if (file.size > 512 * 1024) toast(`Uploading ${kind}…`);
    return this.run((id) => api(chatPath(id, "upload"), { method: "POST", form }));
  }

  async shareContact() {
    this.closePopovers();
    await this.run((id) => post(chatPath(id, "contact"), {}));
  }

  async shareLocation() {
    this.closePopovers();
    const location = await askLocation();
    if (location) await this.run((id) => post(chatPath(id, "location"), location));
  }

  // --- voice notes --------------------------------------------------------------------

  async toggleRecording() {
    if (this.recorder) {
      this.recorder.stop();
      return;
    }
    if (!window.MediaRecorder || !navigator.mediaDevices) {
      toast("This browser cannot record audio; attach a voice file instead", { error: true });
      return;
    }
    try {
      this.startRecording(await navigator.mediaDevices.getUserMedia({ audio: true }));
    } catch (error) {
      toast(`No microphone: ${error.message}`, { error: true });
    }
  }

  startRecording(stream) {
    const type = RECORDING_TYPES.find((candidate) => MediaRecorder.isTypeSupported(candidate));
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    const chunks = [];
    const started = Date.now();
    const button = $("record-button");
    const timer = setInterval(() => { $("record-time").textContent = duration((Date.now() - started) / 1000); }, 250);
    recorder.addEventListener("dataavailable", (event) => chunks.push(event.data));
    recorder.addEventListener("stop", () => {
      clearInterval(timer);
      stream.getTracks().forEach((track) => track.stop());
      button.classList.remove("recording");
      $("record-time").textContent = "";
      this.recorder = null;
      const mime = recorder.mimeType || type || "audio/webm";
      const blob = new Blob(chunks, { type: mime });
      const seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
      const name = mime.includes("ogg") ? "voice.ogg" : "voice.webm";
      this.upload(blob, "voice", { seconds, name });
    });
    this.recorder = recorder;
    button.classList.add("recording");
    recorder.start();
  }
}
