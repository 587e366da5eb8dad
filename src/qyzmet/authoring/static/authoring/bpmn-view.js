/*
 * Draws a version's BPMN 2.0 with bpmn-js (NavigatedViewer, from npm, served by the project).
 * <div data-bpmn-src="URL OF THE BPMN XML" class="bpmn-canvas"></div>; errors go into the element's
 * [data-bpmn-status] sibling. No inline script: the page only names the URL.
 */
(function () {
  'use strict';
  function draw(element) {
    var status = element.parentElement.querySelector('[data-bpmn-status]');
    var viewer = new window.BpmnJS({ container: element });
    fetch(element.getAttribute('data-bpmn-src'), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get('canvas').zoom('fit-viewport');
        element.setAttribute('data-bpmn-ready', 'true');
      })
      .catch(function (error) {
        if (status) { status.textContent = String(error && error.message || error); }
      });
  }
  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-bpmn-src]'), draw);
  });
})();
