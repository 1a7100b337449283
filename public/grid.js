// 商品管理: shows the movement an edited 総在庫数 will make (上書き 12 → 15 = +3), marks the row
// as staged and counts the staged rows on 一括反映. The form works without this script.
(() => {
  const apply = document.getElementById("apply-all");
  if (!apply) return;
  const label = apply.textContent;
  const en = document.documentElement.lang === "en";
  const refresh = () => {
    let staged = 0;
    for (const input of document.querySelectorAll("input.stock")) {
      const was = Number(input.dataset.was);
      const want = input.value === "" ? NaN : Number(input.value);
      const changed = input.value !== input.dataset.was;
      const row = input.closest("tr");
      row.classList.toggle("staged", changed);
      let note = input.parentElement.querySelector(".move");
      if (!note) {
        note = document.createElement("span");
        note.className = "move";
        note.setAttribute("aria-live", "polite");
        input.after(note);
      }
      if (!changed) note.textContent = "";
      else if (!Number.isInteger(want)) note.textContent = "?";
      else note.textContent = `${en ? "set" : "上書き"} ${was} → ${want} = ${want - was >= 0 ? "+" : ""}${want - was}`;
      if (changed) staged++;
    }
    apply.textContent = staged ? `${label} (${staged})` : label;
  };
  document.addEventListener("input", (e) => e.target.matches?.("input.stock") && refresh());
  refresh();
})();
