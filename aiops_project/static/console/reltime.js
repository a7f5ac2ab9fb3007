// Keeps every <time class="reltime" datetime="..."> reading how long ago it was ("3 min ago"), in the words of
// aiops_project/templatetags/console_ui.py (relative); the absolute time stays in the element's title.
(function () {
  "use strict";
  const UNITS = [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"]];

  function relative(seconds) {
    const amount = Math.abs(Math.round(seconds));
    if (amount < 10) return "just now";
    const [size, unit] = UNITS.find(([size]) => amount >= size);
    const count = `${Math.floor(amount / size)} ${unit}`;
    return seconds > 0 ? `${count} ago` : `in ${count}`;
  }

  function refresh(root) {
    const now = Date.now();
    (root || document).querySelectorAll("time.reltime[datetime]").forEach((el) => {
      const at = Date.parse(el.getAttribute("datetime"));
      if (!Number.isNaN(at)) el.textContent = relative((now - at) / 1000);
    });
  }

  window.relativeTimes = refresh;  // the console's live script calls it after re-rendering a panel
  refresh();
  setInterval(refresh, 15000);
})();
