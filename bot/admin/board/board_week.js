/* The week calendar: workers as rows, days as columns, each order a block placed by its time
   and as long as a visit; absences shaded. Dragging a block to another worker or time asks
   the server to reassign or reschedule it (Board.move); a refusal says why and the block
   stays where it was. */
const Week = (() => {
  const START = 7 * 60, END = 22 * 60, STEP = 30;  // the hours shown, the drop's rounding

  function away(data, workerId, day) {
    return data.absences.some((a) => a.user_id === workerId && a.first_day <= day && day <= a.last_day);
  }

  function weekday(day, lang) {
    const date = new Date(day + "T12:00:00Z");
    return new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(date);
  }

  function block(c, data, tools) {
    const span = END - START;
    const left = Math.max(0, (c.minute - START) / span * 100);
    const width = Math.max(3, data.visit_minutes / span * 100);
    const node = tools.el("div", {
      class: "block " + c.column + (c.overdue ? " late" : ""), draggable: true,
      "data-order": c.id, "data-testid": "block-" + c.number, title: (c.client || "") + " " + (c.area || ""),
    }, tools.el("b", {}, c.time), " №" + c.number + " " + (c.client || ""));
    node.style.left = Math.min(left, 100 - width) + "%";
    node.style.width = width + "%";
    node.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", String(c.id));
      event.dataTransfer.effectAllowed = "move";
    });
    return node;
  }

  function dropped(event, cell) {
    event.preventDefault();
    cell.classList.remove("over");
    const id = Number(event.dataTransfer.getData("text/plain"));
    const card = Board.state.cards.get(id);
    if (!id || !card) return;
    const box = cell.getBoundingClientRect();
    const share = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    let minute = START + Math.round(share * (END - START) / STEP) * STEP;
    minute = Math.min(END - STEP, minute);
    const time = String(Math.floor(minute / 60)).padStart(2, "0") + ":" + String(minute % 60).padStart(2, "0");
    const change = { day: cell.dataset.day, time };
    if (cell.dataset.worker) change.worker_id = Number(cell.dataset.worker);
    if (change.worker_id === card.assignee_id && change.day === card.day && time === card.time) return;
    Board.move(id, change);
  }

  // Blocks that would cover each other (a visit's block is at least wide enough for its time
  // and number) go in lanes one under another, and the row grows to show them all.
  function stack(cell) {
    const blocks = [...cell.querySelectorAll(".block")].sort((a, b) => a.offsetLeft - b.offsetLeft);
    for (const b of blocks) {  // a late visit's block stays inside its day
      const over = b.offsetLeft + b.offsetWidth - cell.clientWidth;
      if (over > 0) b.style.left = Math.max(0, b.offsetLeft - over) + "px";
    }
    const ends = [];
    for (const b of blocks) {
      let lane = ends.findIndex((end) => end <= b.offsetLeft);
      if (lane < 0) { lane = ends.length; ends.push(0); }
      ends[lane] = b.offsetLeft + b.offsetWidth + 2;
      b.style.top = (4 + lane * 40) + "px";
    }
    cell.style.minHeight = (8 + Math.max(1, ends.length) * 40) + "px";
  }

  function draw(root, state, tools) {
    const data = state.data;
    const table = tools.el("div", { class: "week" });
    table.style.gridTemplateColumns = "160px repeat(" + data.days.length + ", 1fr)";
    table.append(tools.el("div", { class: "corner" }));
    for (const day of data.days) table.append(tools.el("div", { class: "day", "data-day": day }, weekday(day, document.body.dataset.lang)));
    const rows = [...data.workers.map((w) => [w.id, w.name])];
    const cards = tools.sorted();
    if (cards.some((c) => !c.assignee_id)) rows.push([null, tools.words.unassigned]);
    for (const [id, name] of rows) {
      table.append(tools.el("div", { class: "who" }, name));
      for (const day of data.days) {
        const off = id !== null && away(data, id, day);
        const cell = tools.el("div", {
          class: "cell" + (off ? " away" : ""), "data-day": day, "data-worker": id === null ? "" : String(id),
          "data-testid": "cell-" + (id === null ? "none" : id) + "-" + day, title: off ? tools.words.away : "",
        });
        for (const c of cards) {
          if (c.day === day && (c.assignee_id || null) === id && c.minute !== null) cell.append(block(c, data, tools));
        }
        cell.addEventListener("dragover", (event) => { event.preventDefault(); cell.classList.add("over"); });
        cell.addEventListener("dragleave", () => cell.classList.remove("over"));
        cell.addEventListener("drop", (event) => dropped(event, cell));
        table.append(cell);
      }
    }
    root.append(table);
    table.querySelectorAll(".cell").forEach(stack);
  }

  return { draw, START, END };
})();

document.addEventListener("DOMContentLoaded", Board.setup);
