/* The class page (web/classes): warn, as it is typed, that a certificate issued on or
 * before data-expired-before (today less 60 months) is no longer valid. (The focus goes
 * to the summary of a refused batch by static/error-focus.js.) */
(function () {
  'use strict';

  var form = document.querySelector('[data-testid=batch-form]');
  if (!form) { return; }
  var limit = form.getAttribute('data-expired-before');

  function iso(value) {
    var dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
    if (dmy) { return dmy[3] + '-' + ('0' + dmy[2]).slice(-2) + '-' + ('0' + dmy[1]).slice(-2); }
    return /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? value.trim() : '';
  }

  form.querySelectorAll('[data-field=certificate_date]').forEach(function (box) {
    var input = box.querySelector('input');
    var warning = box.querySelector('[data-testid=expired-warning]');
    if (!input || !warning) { return; }
    function check() {
      var day = iso(input.value);
      warning.hidden = !(day && day <= limit);
    }
    input.addEventListener('input', check);
    input.addEventListener('change', check);
  });
}());
