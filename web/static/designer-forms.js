/* The forms editor: the preview follows the JSON as the designer types (drawn on the
 * server by the task pages' renderer, fetched here), and the save button stores the form
 * if the engine's form checks pass, or lists their problems. */
(function () {
  'use strict';

  var box = document.getElementById('form-editor');
  var textarea = document.getElementById('form-text');
  var preview = document.getElementById('form-preview');
  var problemsBox = document.getElementById('form-problems');
  var status = box.querySelector('[data-testid=form-status]');
  var timer = null;
  var asked = 0;

  function post(method, url) {
    return fetch(url, {
      method: method, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json',
                 'X-CSRFToken': box.dataset.csrf },
      body: JSON.stringify({ text: textarea.value })
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, body: json }; });
    });
  }

  function showProblems(problems) {
    problemsBox.textContent = '';
    (problems || []).forEach(function (p) {
      var line = document.createElement('div');
      line.className = 'field-error';
      line.setAttribute('data-testid', 'form-problem');
      line.textContent = p.message;
      problemsBox.appendChild(line);
    });
  }

  function refresh() {
    var mine = ++asked;
    post('POST', box.dataset.previewUrl).then(function (answer) {
      if (mine !== asked) { return; }      // an older answer arriving late
      showProblems(answer.body.problems);
      if (answer.body.html) {
        // Drawn by our own template from the form, every value escaped there.
        preview.innerHTML = answer.body.html;
      }
      box.setAttribute('data-previewed', String(mine));
    });
  }

  var saved = textarea.value;  // what the server holds: leaving with other text asks first

  textarea.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  });

  window.addEventListener('beforeunload', function (event) {
    if (textarea.value !== saved) { event.preventDefault(); event.returnValue = ''; }
  });

  box.querySelector('[data-action=save]').addEventListener('click', function () {
    var sent = textarea.value;
    post('PUT', box.dataset.saveUrl).then(function (answer) {
      if (answer.ok) { saved = sent; }
      showProblems(answer.ok ? [] : answer.body.problems);
      status.textContent = answer.ok ? box.dataset.saved : box.dataset.invalid;
      status.className = 'small ' + (answer.ok ? 'text-success' : 'text-danger');
    });
  });
}());
