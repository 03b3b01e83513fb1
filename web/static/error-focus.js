/* After a refused submission, the summary of what is wrong takes the focus: a screen
 * reader says it, and the keyboard starts from it (every page's form errors: an element
 * marked data-error-summary). */
(function () {
  'use strict';

  var summary = document.querySelector('[data-error-summary]');
  if (!summary) { return; }
  if (!summary.hasAttribute('tabindex')) { summary.setAttribute('tabindex', '-1'); }
  summary.focus();
}());
