// The filter box above each unit select (templates/forms.html): shown only when this
// script runs, it hides the units whose name or code does not contain what is typed,
// ignoring case and Vietnamese diacritics ("dang uy phuong" finds "Đảng ủy Phường").
// Without it the select still offers every unit.
(function () {
  "use strict";
  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("input[data-unit-filter]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-unit-filter"));
    if (!select) { return; }
    var options = Array.prototype.slice.call(select.options, 1);  // not the blank one
    var texts = options.map(function (option) { return folded(option.textContent); });
    box.hidden = false;
    box.addEventListener("input", function () {
      var wanted = folded(box.value.trim());
      var shown = [];
      options.forEach(function (option, i) {
        option.hidden = wanted !== "" && texts[i].indexOf(wanted) < 0 && !option.selected;
        if (!option.hidden) { shown.push(option); }
      });
      // One unit left: choose it, as a search box would.
      if (wanted !== "" && shown.length === 1 && !shown[0].selected) {
        shown[0].selected = true;
        select.dispatchEvent(new Event("change", {bubbles: true}));
      }
    });
  });
})();
