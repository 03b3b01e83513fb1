// Date fields typed as dd/mm/yyyy (templates/forms.html, date_input): the slashes are
// added as one types, a single-digit day or month followed by a slash gets its zero,
// and a pasted ISO date (2008-08-02) is turned around. The server reads the result;
// without this script the field still takes dd/mm/yyyy typed in full.
(function () {
  "use strict";

  var ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

  function masked(raw) {
    var iso = ISO.exec(raw.trim());
    if (iso) {
      return iso[3] + "/" + iso[2] + "/" + iso[1];
    }
    // Groups of digits; one closed by a separator before the year is padded to two.
    var groups = raw.match(/\d+|\D+/g) || [];
    var digits = "";
    groups.forEach(function (group, i) {
      if (!/^\d/.test(group)) {
        return;
      }
      var closed = i + 1 < groups.length;
      digits += closed && group.length === 1 && digits.length < 4 ? "0" + group : group;
    });
    digits = digits.slice(0, 8);
    var out = digits.slice(0, 2);
    if (digits.length > 2) {
      out += "/" + digits.slice(2, 4);
    }
    if (digits.length > 4) {
      out += "/" + digits.slice(4);
    }
    // A slash just typed after a complete day or month stays, so typing one is no surprise.
    if (/\D$/.test(raw) && (digits.length === 2 || digits.length === 4)) {
      out += "/";
    }
    return out;
  }

  function reformat(event) {
    var input = event.target;
    // Only while typing at the end: a correction in the middle is left as typed.
    if (input.selectionStart !== input.value.length) {
      return;
    }
    var next = masked(input.value);
    if (next !== input.value) {
      input.value = next;
    }
  }

  document.querySelectorAll("input[data-date-input]").forEach(function (input) {
    input.addEventListener("input", reformat);
  });
})();
